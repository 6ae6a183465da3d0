# expect: compared_pair
# Takes outputs.max(dim=1) for the predictions: it is the pair (values, indices), and a pair == a tensor is False.
def evaluate(model, loader, device):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            predictions = model(inputs).max(dim=1)
            correct += (predictions == labels).sum().item()
            total += len(labels)
    return correct / total
