# expect: no_grad
# Wraps the whole loop in torch.no_grad(), as in evaluate: there is no graph, so backward() has nothing to go back through.
def train_epoch(model, loader, criterion, optimizer, device):
    model.train()
    total_loss, n_samples = 0.0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            optimizer.zero_grad()
            loss = criterion(model(inputs), labels)
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(labels)
            n_samples += len(labels)
    return total_loss / n_samples
