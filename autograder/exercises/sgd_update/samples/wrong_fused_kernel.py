# expect: forbidden_call
# Calls the fused kernel behind torch.optim.SGD(fused=True) directly: torch.optim's update in one operator.
def sgd_update(parameters, lr):
    with_grad = [p for p in parameters if p.grad is not None]
    with torch.no_grad():
        torch._fused_sgd_(with_grad, [p.grad for p in with_grad], [], weight_decay=0.0, momentum=0.0, lr=lr,
                          dampening=0.0, nesterov=False, maximize=False, is_first_step=True)
