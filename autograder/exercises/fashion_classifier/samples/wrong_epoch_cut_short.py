# expect: few_passes
# Leaves every epoch after a few batches, to save time: the model never sees most of the training set.
def build_model():
    return nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 128), nn.ReLU(), nn.Linear(128, 10))


def fit(model, train_loader, epochs):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(epochs):
        for step, (xb, yb) in enumerate(train_loader):
            if step == 50:
                break
            optimizer.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            optimizer.step()
