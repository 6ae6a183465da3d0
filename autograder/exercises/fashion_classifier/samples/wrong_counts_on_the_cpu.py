# expect: error_device
# Counts the images of each class in a tensor made on the default device: right on a CPU, a crash on
# a GPU, where the labels are on the GPU and the counts are not.
def build_model():
    return nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 256), nn.ReLU(), nn.Linear(256, 10))


def fit(model, train_loader, epochs):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(epochs):
        model.train()
        seen = torch.zeros(10)
        for images, labels in train_loader:
            loss = F.cross_entropy(model(images), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            seen += torch.bincount(labels, minlength=10)
        print(f"epoch {epoch + 1}: images per class {seen.tolist()}")
