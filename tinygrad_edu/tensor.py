"""Tensor: an n-dimensional array (NumPy floats or SymPy expressions), its gradient, and the
Function application that produced it. A 0-d Tensor is a scalar node of the same graph."""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence, Union

import numpy as np

from . import backend
from .autograd import run_backward

Scalar = Union[int, float]


class Tensor:
    __slots__ = ("data", "grad", "_ctx", "requires_grad", "name", "_hooks", "_retains_grad", "__weakref__")
    __array_priority__ = 1000  # so `ndarray + Tensor` defers to Tensor.__radd__

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None,
                 name: Optional[str] = None) -> None:
        if isinstance(data, Tensor):
            data = data.data
        self.data: np.ndarray = backend.as_array(data, dtype)
        if requires_grad and self.data.dtype.kind not in "fcO":
            raise TypeError(f"Tensor: only floating-point (or symbolic) tensors can require gradients, "
                            f"got dtype {self.data.dtype} of shape {self.data.shape}")
        self.requires_grad = bool(requires_grad)
        self.grad: Optional[Tensor] = None
        self._ctx = None
        self.name = name
        self._hooks: list[Callable] = []
        self._retains_grad = False

    @classmethod
    def _make(cls, data: np.ndarray, requires_grad: bool) -> "Tensor":
        """Wrap an op's result array without conversion (the hot path of every op)."""
        t = object.__new__(cls)
        t.data = data if isinstance(data, np.ndarray) else np.asarray(data)
        t.requires_grad = requires_grad
        t.grad = None
        t._ctx = None
        t.name = None
        t._hooks = []
        t._retains_grad = False
        return t

    # ---- properties ---------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    def size(self, dim: Optional[int] = None) -> Union[tuple[int, ...], int]:
        """The shape (as torch.Size, a tuple), or its entry at `dim`, as PyTorch's method."""
        if dim is None:
            return self.data.shape
        n = self.data.ndim
        if not -max(n, 1) <= dim < max(n, 1):
            raise IndexError(f"size: dimension {dim} is out of range for a tensor of shape {self.shape}")
        return self.data.shape[dim]

    def numel(self) -> int:
        return self.data.size

    def dim(self) -> int:
        return self.data.ndim

    @property
    def is_leaf(self) -> bool:
        return self._ctx is None

    @property
    def grad_fn(self):
        return self._ctx

    @property
    def is_symbolic(self) -> bool:
        return self.data.dtype == object

    def numpy(self) -> np.ndarray:
        return self.data

    def item(self) -> Any:
        if self.data.size != 1:
            raise ValueError(f"item: only a one-element tensor converts to a Python scalar, got shape {self.shape}")
        return self.data.reshape(()).item() if self.data.dtype != object else self.data.reshape(())[()]

    def tolist(self) -> Any:
        return self.data.tolist()

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __repr__(self) -> str:
        extra = ""
        if self._ctx is not None:
            extra = f", grad_fn={self._ctx.name}"
        elif self.requires_grad:
            extra = ", requires_grad=True"
        if self.name:
            extra += f", name={self.name!r}"
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        dtype = "" if self.dtype in (np.float32, object) else f", dtype={self.dtype}"
        return f"tensor({body}{dtype}{extra})"

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(f"the truth value of a tensor of shape {self.shape} is ambiguous")
        return bool(self.data.reshape(())[()])

    def __hash__(self) -> int:
        return id(self)

    # ---- autograd -----------------------------------------------------------------------------
    def backward(self, gradient: Any = None, retain_graph: bool = False, create_graph: bool = False) -> None:
        """Accumulate d self / d leaf into every leaf's `.grad` (gradient = upstream δ, default 1 for a scalar)."""
        if not self.requires_grad:
            raise RuntimeError(f"backward: tensor of shape {self.shape} does not require grad and has no "
                               "grad_fn; set requires_grad=True on an input that leads to it")
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError(f"backward: gradient can be implicitly created only for a scalar output, "
                                   f"got shape {self.shape}; pass gradient= of shape {self.shape}")
            gradient = Tensor._make(backend.ones(self.shape, self.data), False)
        else:
            gradient = gradient if isinstance(gradient, Tensor) else Tensor(gradient, dtype=self.dtype)
            if gradient.shape != self.shape:
                raise RuntimeError(f"backward: gradient has shape {gradient.shape} but the tensor has "
                                   f"shape {self.shape}; they must match")
        run_backward(self, gradient, retain_graph, create_graph)

    def detach(self) -> "Tensor":
        return Tensor._make(self.data, False)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        if requires_grad and self.data.dtype.kind not in "fcO":
            raise TypeError(f"requires_grad_: dtype {self.dtype} cannot require gradients")
        self.requires_grad = requires_grad
        return self

    def retain_grad(self) -> None:
        """Keep `.grad` on this non-leaf tensor after backward."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad: tensor does not require grad")
        self._retains_grad = True

    def register_hook(self, hook: Callable[["Tensor"], Optional["Tensor"]]) -> Callable[[], None]:
        """`hook(grad)` runs when this tensor's gradient is complete; a returned Tensor replaces it.
        Returns a function that removes the hook."""
        if not self.requires_grad:
            raise RuntimeError("register_hook: cannot register a hook on a tensor that doesn't require grad")
        self._hooks.append(hook)
        return lambda: self._hooks.remove(hook)

    def zero_(self) -> "Tensor":
        self.data[...] = 0
        return self

    def to(self, dtype: Any) -> "Tensor":
        from .ops.elementwise import Cast

        return self if np.dtype(dtype) == self.dtype else Cast.apply(self, dtype=np.dtype(dtype))

    def float(self) -> "Tensor":
        return self.to(np.float32)

    def double(self) -> "Tensor":
        return self.to(np.float64)

    # ---- operators ----------------------------------------------------------------------------
    def _lift(self, other: Any) -> "Tensor":
        if isinstance(other, Tensor):
            return other
        if isinstance(other, np.ndarray):
            return Tensor(other)
        return Tensor._make(backend.scalar_like(other, self.data), False)

    def __add__(self, other: Any) -> "Tensor":
        return ops.Add.apply(self, self._lift(other))

    def __radd__(self, other: Any) -> "Tensor":
        return ops.Add.apply(self._lift(other), self)

    def __sub__(self, other: Any) -> "Tensor":
        return ops.Sub.apply(self, self._lift(other))

    def __rsub__(self, other: Any) -> "Tensor":
        return ops.Sub.apply(self._lift(other), self)

    def __mul__(self, other: Any) -> "Tensor":
        return ops.Mul.apply(self, self._lift(other))

    def __rmul__(self, other: Any) -> "Tensor":
        return ops.Mul.apply(self._lift(other), self)

    def __truediv__(self, other: Any) -> "Tensor":
        return ops.Div.apply(self, self._lift(other))

    def __rtruediv__(self, other: Any) -> "Tensor":
        return ops.Div.apply(self._lift(other), self)

    def __pow__(self, exponent: Any) -> "Tensor":
        if isinstance(exponent, Tensor):
            return ops.Pow.apply(self, exponent)
        return ops.PowConst.apply(self, exponent=exponent)

    def __rpow__(self, base: Any) -> "Tensor":
        return ops.Pow.apply(self._lift(base), self)

    def __matmul__(self, other: Any) -> "Tensor":
        return ops.matmul(self, self._lift(other))

    def __rmatmul__(self, other: Any) -> "Tensor":
        return ops.matmul(self._lift(other), self)

    def __neg__(self) -> "Tensor":
        return ops.Neg.apply(self)

    def __abs__(self) -> "Tensor":
        return ops.Abs.apply(self)

    def __getitem__(self, key: Any) -> "Tensor":
        return ops.getitem(self, key)

    # comparisons give plain (non-differentiable) boolean tensors, as in PyTorch
    def __eq__(self, other: Any) -> "Tensor":  # type: ignore[override]
        return Tensor(self.data == self._lift(other).data)

    def __ne__(self, other: Any) -> "Tensor":  # type: ignore[override]
        return Tensor(self.data != self._lift(other).data)

    def __lt__(self, other: Any) -> "Tensor":
        return Tensor(self.data < self._lift(other).data)

    def __le__(self, other: Any) -> "Tensor":
        return Tensor(self.data <= self._lift(other).data)

    def __gt__(self, other: Any) -> "Tensor":
        return Tensor(self.data > self._lift(other).data)

    def __ge__(self, other: Any) -> "Tensor":
        return Tensor(self.data >= self._lift(other).data)

    # ---- elementwise --------------------------------------------------------------------------
    def exp(self) -> "Tensor":
        return ops.Exp.apply(self)

    def log(self) -> "Tensor":
        return ops.Log.apply(self)

    def sqrt(self) -> "Tensor":
        return ops.Sqrt.apply(self)

    def tanh(self) -> "Tensor":
        return ops.Tanh.apply(self)

    def sigmoid(self) -> "Tensor":
        return ops.Sigmoid.apply(self)

    def relu(self) -> "Tensor":
        return ops.Relu.apply(self)

    def abs(self) -> "Tensor":
        return ops.Abs.apply(self)

    # ---- reductions ---------------------------------------------------------------------------
    def sum(self, dim: Optional[Union[int, Sequence[int]]] = None, keepdim: bool = False) -> "Tensor":
        return ops.sum(self, dim, keepdim)

    def mean(self, dim: Optional[Union[int, Sequence[int]]] = None, keepdim: bool = False) -> "Tensor":
        return ops.mean(self, dim, keepdim)

    def max(self, dim: Optional[Union[int, Sequence[int]]] = None, keepdim: bool = False) -> "Tensor":
        return ops.max(self, dim, keepdim)

    # ---- movement -----------------------------------------------------------------------------
    def reshape(self, *shape: Any) -> "Tensor":
        return ops.reshape(self, *shape)

    def view(self, *shape: Any) -> "Tensor":
        return ops.reshape(self, *shape)

    def permute(self, *dims: Any) -> "Tensor":
        return ops.permute(self, *dims)

    def transpose(self, dim0: int, dim1: int) -> "Tensor":
        return ops.transpose(self, dim0, dim1)

    @property
    def T(self) -> "Tensor":
        return ops.permute(self, *reversed(range(self.ndim)))

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor":
        return ops.flatten(self, start_dim, end_dim)

    def unsqueeze(self, dim: int) -> "Tensor":
        return ops.unsqueeze(self, dim)

    def squeeze(self, dim: Optional[int] = None) -> "Tensor":
        return ops.squeeze(self, dim)

    def expand(self, *shape: Any) -> "Tensor":
        return ops.broadcast_to(self, *shape)


from . import autograd as _autograd  # noqa: E402
from . import ops  # noqa: E402  (ops need Tensor defined first)

_autograd._Tensor = Tensor
