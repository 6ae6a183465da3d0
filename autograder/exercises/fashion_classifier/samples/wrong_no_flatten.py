# expect: shape
# Forgets nn.Flatten(): the Linear layer acts on the last dimension of (N, 1, 28, 28) and the output is (N, 1, 28, 10).
def build_model():
    return nn.Sequential(nn.Linear(28, 10))


def fit(model, train_loader, epochs):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(epochs):
        for xb, yb in train_loader:
            optimizer.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            optimizer.step()
