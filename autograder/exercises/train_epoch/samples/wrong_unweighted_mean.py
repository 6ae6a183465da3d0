# expect: unweighted
# Averages the batch losses without weighting them: the smaller last batch counts as much as a full one.
def train_epoch(model, loader, criterion, optimizer, device):
    model.train()
    losses = []
    for inputs, labels in loader:
        inputs, labels = inputs.to(device), labels.to(device)
        optimizer.zero_grad()
        loss = criterion(model(inputs), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
