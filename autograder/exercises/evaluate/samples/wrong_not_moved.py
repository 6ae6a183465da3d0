# expect: batch_inputs_not_moved
# Never moves the batches to the device: fine on a CPU, a crash when the model is on the GPU.
def evaluate(model, loader, device):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            correct += (model(inputs).argmax(dim=1) == labels).sum().item()
            total += len(labels)
    return correct / total
