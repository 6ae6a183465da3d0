# Also right: activations as modules (nn.ReLU, which holds no parameters) and view(N, -1) to flatten.
class Network(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(128, 64)
        self.relu2 = nn.ReLU()
        self.fc3 = nn.Linear(64, 10)

    def forward(self, x):
        x = x.view(x.shape[0], -1)
        return self.fc3(self.relu2(self.fc2(self.relu1(self.fc1(x)))))
