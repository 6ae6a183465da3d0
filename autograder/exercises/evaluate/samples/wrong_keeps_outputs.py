# expect: kept_outputs
# Keeps every batch's outputs to compare them all at the end: the right accuracy, but the memory grows with
# the data set (on 10,000 test images, 10,000 rows of logits held at once, for one number).
def evaluate(model, loader, device):
    model.eval()
    all_outputs, all_labels = [], []
    with torch.no_grad():
        for inputs, labels in loader:
            all_outputs.append(model(inputs.to(device)))
            all_labels.append(labels.to(device))
    predictions = torch.cat(all_outputs).argmax(dim=1)
    return (predictions == torch.cat(all_labels)).float().mean().item()
