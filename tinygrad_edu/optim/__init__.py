"""tinygrad_edu.optim: PyTorch's optimisers (lecture F48: SGD, momentum, Adam; also AdamW, RMSprop, Adagrad, Adamax,
NAdam, RAdam, Adadelta, Rprop, ASGD) and learning-rate schedulers (`tinygrad_edu.optim.lr_scheduler`), with
PyTorch's names, defaults and update rules."""
from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .asgd import ASGD
from .lbfgs import LBFGS
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adamax", "NAdam", "RAdam", "Adadelta", "Rprop",
           "ASGD", "lr_scheduler"]
__all__ += ["LBFGS"]
