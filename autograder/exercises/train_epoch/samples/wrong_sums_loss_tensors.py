# expect: kept_graphs
# Adds up the loss tensors and calls .item() only at the end: the right number, but every batch's autograd
# graph stays alive until then, so the memory grows with each batch.
def train_epoch(model, loader, criterion, optimizer, device):
    model.train()
    total_loss, n_samples = 0.0, 0
    for inputs, labels in loader:
        inputs, labels = inputs.to(device), labels.to(device)
        optimizer.zero_grad()
        loss = criterion(model(inputs), labels)
        loss.backward()
        optimizer.step()
        total_loss += loss * len(labels)
        n_samples += len(labels)
    return total_loss.item() / n_samples
