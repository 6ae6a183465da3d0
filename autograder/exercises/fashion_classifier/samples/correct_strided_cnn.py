# Another way: a tiny convolutional network whose strided convolutions shrink the image (no pooling),
# trained with SGD and momentum. Two 3 × 3 convolutions cost less here than one big Linear layer.
class TinyCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, kernel_size=3, stride=2, padding=1)   # (N, 8, 14, 14)
        self.conv2 = nn.Conv2d(8, 16, kernel_size=3, stride=2, padding=1)  # (N, 16, 7, 7)
        self.fc = nn.Linear(16 * 7 * 7, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        return self.fc(torch.flatten(x, 1))


def build_model():
    return TinyCNN()


def fit(model, train_loader, epochs):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    model.train()
    for _ in range(epochs):
        for xb, yb in train_loader:
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
