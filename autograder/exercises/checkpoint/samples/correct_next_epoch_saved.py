# Also right: store the epoch to resume from, written to a temporary file first and then renamed (a crash
# while saving never leaves a half-written checkpoint).
import os


def save_checkpoint(path, model, optimizer, epoch):
    state = {"next_epoch": epoch + 1, "model_state": model.state_dict(), "optimizer_state": optimizer.state_dict()}
    torch.save(state, str(path) + ".partial")
    os.replace(str(path) + ".partial", path)


def load_checkpoint(path, model, optimizer):
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state["model_state"])
    optimizer.load_state_dict(state["optimizer_state"])
    return state["next_epoch"]
