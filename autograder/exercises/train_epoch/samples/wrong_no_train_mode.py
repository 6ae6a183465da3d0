# expect: eval_mode
# Never calls model.train(): a model that arrives in eval mode is trained with Dropout switched off.
def train_epoch(model, loader, criterion, optimizer, device):
    total_loss, n_samples = 0.0, 0
    for inputs, labels in loader:
        inputs, labels = inputs.to(device), labels.to(device)
        optimizer.zero_grad()
        loss = criterion(model(inputs), labels)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(labels)
        n_samples += len(labels)
    return total_loss / n_samples
