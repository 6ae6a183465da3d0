# Also right: zero_grad at the end of each step, a running sum kept as a tensor, divided by the data set size.
def train_epoch(model, loader, criterion, optimizer, device):
    model.train()
    running = torch.zeros(())
    for x, y in loader:
        x = x.to(device)
        y = y.to(device)
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        running += loss.detach().cpu() * x.shape[0]
    return float(running / len(loader.dataset))
