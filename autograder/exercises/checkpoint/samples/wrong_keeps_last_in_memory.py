# expect: other_file
# Keeps the last checkpoint in a global instead of reading the file: loading gives whatever was saved last.
LAST = {}


def save_checkpoint(path, model, optimizer, epoch):
    state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}
    torch.save(state, path)
    LAST.clear()
    LAST.update(torch.load(path, weights_only=True))


def load_checkpoint(path, model, optimizer):
    model.load_state_dict(LAST["model"])
    optimizer.load_state_dict(LAST["optimizer"])
    return LAST["epoch"] + 1
