# expect: no_file
# Ignores the path it is given and always writes the same file (here in the temporary folder).
import os


def save_checkpoint(path, model, optimizer, epoch):
    state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}
    torch.save(state, os.path.join(tempfile.gettempdir(), "checkpoint.pt"))


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(os.path.join(tempfile.gettempdir(), "checkpoint.pt"), weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["epoch"] + 1
