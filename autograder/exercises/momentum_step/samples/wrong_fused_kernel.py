# expect: forbidden_call
# Calls the fused SGD kernel that torch.optim.SGD(fused=True) uses: an optimizer in one call.
def momentum_step(params, velocities, lr, momentum):
    with torch.no_grad():
        torch._fused_sgd_(params, [p.grad for p in params], velocities, weight_decay=0.0, momentum=momentum, lr=lr,
                          dampening=0.0, nesterov=False, maximize=False, is_first_step=False)
