# expect: last_batch
# Computes the accuracy of each batch but returns only the last one's.
def evaluate(model, loader, device):
    model.eval()
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            accuracy = (model(inputs).argmax(dim=1) == labels).float().mean().item()
    return accuracy
