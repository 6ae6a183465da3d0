# expect: kept_graphs
# Keeps every batch's loss tensor in a list to average them at the end: each one holds its graph alive.
def train_epoch(model, loader, criterion, optimizer, device):
    model.train()
    losses, sizes = [], []
    for inputs, labels in loader:
        inputs, labels = inputs.to(device), labels.to(device)
        optimizer.zero_grad()
        loss = criterion(model(inputs), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss)
        sizes.append(len(labels))
    return sum(loss.item() * size for loss, size in zip(losses, sizes)) / sum(sizes)
