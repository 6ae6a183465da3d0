# Also right: torch.inference_mode() as a decorator, batch accuracies weighted by batch size, labels left on the CPU.
@torch.inference_mode()
def evaluate(model, loader, device):
    model.eval()
    weighted = 0.0
    for x, y in loader:
        predicted = model(x.to(device)).argmax(1).cpu()
        weighted += (predicted == y).float().mean().item() * y.size(0)
    return weighted / len(loader.dataset)
