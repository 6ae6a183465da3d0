# expect: unchanged
# Calls optimizer.step() before loss.backward(): right after zero_grad() there is no gradient to step with.
def train_epoch(model, loader, criterion, optimizer, device):
    model.train()
    total_loss, n_samples = 0.0, 0
    for inputs, labels in loader:
        inputs, labels = inputs.to(device), labels.to(device)
        optimizer.zero_grad()
        loss = criterion(model(inputs), labels)
        optimizer.step()
        loss.backward()
        total_loss += loss.item() * len(labels)
        n_samples += len(labels)
    return total_loss / n_samples
