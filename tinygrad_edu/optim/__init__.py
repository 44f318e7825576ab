"""tinygrad_edu.optim: PyTorch's optimisers (lecture F48: SGD, momentum, Adam; also AdamW, RMSprop, Adagrad) and
learning-rate schedulers (`tinygrad_edu.optim.lr_scheduler`), with PyTorch's names, defaults and update rules."""
from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "lr_scheduler"]
