# expect: not_float
# Counts with tensors and returns a tensor, not a Python float.
def evaluate(model, loader, device):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            correct += (model(inputs).argmax(dim=1) == labels).sum()
            total += len(labels)
    return correct / total
