# expect: not_float
# Adds up the loss tensors instead of loss.item(): returns a tensor (and keeps every graph alive).
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
    return total_loss / n_samples
