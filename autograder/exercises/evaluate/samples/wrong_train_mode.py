# expect: train_mode
# Forgets model.eval(): Dropout keeps dropping activations while the model is being evaluated.
def evaluate(model, loader, device):
    correct, total = 0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            correct += (model(inputs).argmax(dim=1) == labels).sum().item()
            total += len(labels)
    return correct / total
