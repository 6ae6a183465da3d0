# expect: projected
# A model far too slow for the budget. The slow forward pass is stood in for by a sleep, so that
# grading this sample costs no CPU: the grader sees the pace and stops it after a few batches.
import time


class HugeModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))

    def forward(self, x):
        if self.training:
            time.sleep(0.3)  # stands for the work of a network with billions of operations per batch
        return self.layers(x)


def build_model():
    return HugeModel()


def fit(model, train_loader, epochs):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for _ in range(epochs):
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss_fn(model(xb), yb).backward()
            optimizer.step()
