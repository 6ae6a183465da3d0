"""Small helpers the course notebooks import: plots, device choice, seeding, progress, language.

Everything a lesson needs is one attribute away (``helper.view_classify``, ``helper.device()``);
each lives in a module of its own, named after the one thing it does.
"""

from .classify import view_classify
from . import diagrams
from .confusion import confusion_matrix, plot_confusion_matrix
from .curves import plot_history
from .data import data_root, load_tensors
from .device import device
from .fonts import enable_cjk
from .i18n import LANGUAGES, class_names, get_language, set_language, tr
from .images import show_batch
from .loaders import tensor_loader
from .progress import progress
from .seeding import seed_everything

__all__ = [
    "LANGUAGES", "class_names", "confusion_matrix", "data_root", "device", "diagrams", "enable_cjk",
    "get_language", "load_tensors", "plot_confusion_matrix", "plot_history", "progress", "seed_everything",
    "set_language", "show_batch", "tensor_loader", "tr", "view_classify",
]
