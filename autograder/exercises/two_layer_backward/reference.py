"""The reference (grader only): autograd's (dW1, dW2), central differences of the loss, and what known
mistakes give on the same input."""

from __future__ import annotations

import torch
import torch.nn.functional as F

EPSILON = 1e-6
"""Step of the central differences: float64 rounding (~1e-16 / ε) and truncation (~ε²) both stay tiny."""


def expected(inputs: dict) -> dict:
    X, y, W1, W2 = (inputs[key].detach() for key in ("X", "y", "W1", "W2"))
    dW1, dW2 = autograd_gradients(X, y, W1, W2)
    n = len(X)
    with torch.no_grad():
        h = torch.sigmoid(X @ W1)
        y_hat = torch.sigmoid(h @ W2)
    saturated = bool(((h == 0) | (h == 1)).any() or ((y_hat == 0) | (y_hat == 1)).any())
    # Central differences only where they measure something: in float64, away from saturated sigmoids.
    numerical = numerical_gradients(X, y, W1, W2) if X.dtype == torch.float64 and not saturated else None
    return {"dW1": dW1, "dW2": dW2, "numerical": numerical, "saturated": saturated,
            "mistakes": {"no_mean": (n * dW1, n * dW2), "sign": (-dW1, -dW2), **slips(X, y, W1, W2)}}


def slips(X, y, W1, W2) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """(dW1, dW2) of two known slips of the chain rule, worked out in float64, in W1's dtype."""
    X, y, W1, W2 = (t.double() for t in (X, y, W1, W2))
    with torch.no_grad():
        h = torch.sigmoid(X @ W1)
        y_hat = torch.sigmoid(h @ W2)
        d_z2 = (y_hat - y) / len(X)
        mse_z2 = d_z2 * y_hat * (1 - y_hat)  # the mean squared error's dL/dz2 (halved), not cross-entropy's
        found = {
            "no_hidden_slope": (X.T @ (d_z2 @ W2.T), h.T @ d_z2),  # the hidden sigmoid's h (1 - h) left out
            "mse_derivative": (X.T @ ((mse_z2 @ W2.T) * h * (1 - h)), h.T @ mse_z2),
        }
    return {name: tuple(g.to(W1.dtype) for g in grads) for name, grads in found.items()}


def two_layer_loss(X, y, W1, W2) -> torch.Tensor:
    """Mean binary cross-entropy of ``σ(σ(X W1) W2)`` against ``y``, written from the logits to stay exact."""
    z2 = torch.sigmoid(X @ W1) @ W2
    return F.binary_cross_entropy_with_logits(z2, y)


def autograd_gradients(X, y, W1, W2) -> tuple[torch.Tensor, torch.Tensor]:
    """Autograd's (dW1, dW2), computed in float64 and returned in W1's dtype."""
    with torch.enable_grad():
        a = W1.detach().double().requires_grad_(True)
        b = W2.detach().double().requires_grad_(True)
        grads = torch.autograd.grad(two_layer_loss(X.detach().double(), y.detach().double(), a, b), (a, b))
    return tuple(g.to(W1.dtype) for g in grads)


def numerical_gradients(X, y, W1, W2, eps: float = EPSILON) -> tuple[torch.Tensor, torch.Tensor]:
    """Central differences in float64, (L(W + ε e) − L(W − ε e)) / 2ε, for every entry of W1 and W2 at once."""
    X, y, W1, W2 = (t.detach().double() for t in (X, y, W1, W2))

    def losses(W1s, W2s):  # one loss per stacked pair of weights: (K, D, H) and (K, H, 1) -> (K,)
        z2 = torch.sigmoid(X @ W1s) @ W2s
        return F.binary_cross_entropy_with_logits(z2, y.expand_as(z2), reduction="none").mean(dim=(1, 2))

    with torch.no_grad():
        k1, k2 = W1.numel(), W2.numel()
        steps1 = eps * torch.eye(k1, dtype=W1.dtype, device=W1.device).reshape(k1, *W1.shape)
        steps2 = eps * torch.eye(k2, dtype=W2.dtype, device=W2.device).reshape(k2, *W2.shape)
        W1s, W2s = W1.expand(k2, *W1.shape), W2.expand(k1, *W2.shape)  # the weight held fixed
        dW1 = (losses(W1 + steps1, W2s) - losses(W1 - steps1, W2s)) / (2 * eps)
        dW2 = (losses(W1s, W2 + steps2) - losses(W1s, W2 - steps2)) / (2 * eps)
    return dW1.reshape(W1.shape), dW2.reshape(W2.shape)
