# The lesson's answer: eval mode, no gradients, count the right predictions, divide by the number of samples.
def evaluate(model, loader, device):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            predictions = model(inputs).argmax(dim=1)
            correct += (predictions == labels).sum().item()
            total += len(labels)
    return correct / total
