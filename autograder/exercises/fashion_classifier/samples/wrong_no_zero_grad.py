# expect: no_zero_grad
# Never clears the gradients: every step follows the sum of all gradients so far.
def build_model():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def fit(model, train_loader, epochs):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for _ in range(epochs):
        for xb, yb in train_loader:
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
