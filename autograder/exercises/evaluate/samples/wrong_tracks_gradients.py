# expect: grad
# Forgets torch.no_grad(): autograd records a graph for every batch, for nothing.
def evaluate(model, loader, device):
    model.eval()
    correct, total = 0, 0
    for inputs, labels in loader:
        inputs, labels = inputs.to(device), labels.to(device)
        correct += (model(inputs).argmax(dim=1) == labels).sum().item()
        total += len(labels)
    return correct / total
