# expect: slow_sgd
# A small network trained with plain SGD at a small learning rate: it learns (the loss goes down), but
# only to about 72% in two epochs. The old visible check passed it ("all checks passed") and the
# grader gave it 0; the visible check now runs the graded run itself and says so.
def build_model():
    return nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 32), nn.ReLU(), nn.Linear(32, 10))


def fit(model, train_loader, epochs):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.002)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss_fn(model(xb), yb).backward()
            optimizer.step()
