# Also right: nn.Flatten as a layer (it keeps the batch dimension, like flatten(start_dim=1)).
class Network(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(28 * 28, 128)
        self.fc2 = nn.Linear(128, 64)
        self.fc3 = nn.Linear(64, 10)

    def forward(self, x):
        hidden = torch.relu(self.fc1(self.flatten(x)))
        hidden = torch.relu(self.fc2(hidden))
        return self.fc3(hidden)
