# expect: last_batch
# Returns the loss of the last batch instead of the mean over the epoch.
def train_epoch(model, loader, criterion, optimizer, device):
    model.train()
    for inputs, labels in loader:
        inputs, labels = inputs.to(device), labels.to(device)
        optimizer.zero_grad()
        loss = criterion(model(inputs), labels)
        loss.backward()
        optimizer.step()
    return loss.item()
