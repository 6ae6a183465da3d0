# The lesson's answer: layers in __init__, flatten and F.relu in forward, logits out.
class Network(nn.Module):
    """784 -> 128 -> 64 -> 10, with ReLU between the layers; returns logits."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 64)
        self.fc3 = nn.Linear(64, 10)

    def forward(self, x):
        x = x.flatten(start_dim=1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)
