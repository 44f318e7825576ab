"""Tensor: an n-dimensional array (NumPy floats or SymPy expressions), its gradient, and the
Function application that produced it. A 0-d Tensor is a scalar node of the same graph."""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence, Union


import numpy as np

from . import backend
from . import device as _device
from .autograd import run_backward

Scalar = Union[int, float]

#: the read-only 0-d arrays _lift makes of Python numbers for float tensors, by dtype and value: immutable, so
#: shared by every constant of that value (each constant stays its own Tensor, its own node of the graph)
_CONSTANTS: dict[np.dtype, dict[Scalar, np.ndarray]] = {np.dtype(t): {} for t in (np.float16, np.float32, np.float64)}


class Tensor:
    __slots__ = ("data", "grad", "_ctx", "requires_grad", "name", "_hooks", "_retains_grad", "_version",
                 "_modified_at", "__weakref__")
    __array_priority__ = 1000  # so `ndarray + Tensor` defers to Tensor.__radd__

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None,
                 name: Optional[str] = None, *sizes: int, _infer_dtype: bool = False) -> None:
        # ---- legacy sizes and requires_grad's type (torch.Tensor(2, 3) is an uninitialised 2×3 tensor) ----
        if requires_grad is not False and requires_grad is not True:  # rare: checked in creation.py
            from .creation import legacy_tensor_args

            data, requires_grad, dtype, name, sizes = legacy_tensor_args(data, requires_grad, dtype, name, sizes)
        if sizes:
            raise TypeError(f"Tensor: takes data, requires_grad, dtype, name; {len(sizes)} more positional "
                            f"arguments {sizes} are sizes only after integer data and an integer second argument")
        # ---- end legacy sizes ----
        if isinstance(data, Tensor):
            data = data.data
        self.data: np.ndarray = backend.as_array(data, dtype, infer=_infer_dtype)
        if requires_grad and self.data.dtype.kind not in "fcO":
            raise TypeError(f"Tensor: only floating-point (or symbolic) tensors can require gradients, "
                            f"got dtype {self.data.dtype} of shape {self.data.shape}")
        self.requires_grad = bool(requires_grad)
        self.grad: Optional[Tensor] = None
        self._ctx = None
        self.name = name
        self._hooks: Sequence[Callable] = ()  # a list once register_hook adds one: no list per node
        self._retains_grad = False
        self._version = 0
        self._modified_at: Optional[tuple[str, int]] = None

    @classmethod
    def _make(cls, data: np.ndarray, requires_grad: bool) -> "Tensor":
        """Wrap an op's result array without conversion (the hot path of every op)."""
        t = object.__new__(cls)
        t.data = data if isinstance(data, np.ndarray) else np.asarray(data)
        t.requires_grad = requires_grad
        t.grad = None
        t._ctx = None
        t.name = None
        t._hooks = ()
        t._retains_grad = False
        t._version = 0
        t._modified_at = None
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

    # ---- NumPy protocol (nn helper: state_dict() values are Tensors, as PyTorch's) --------------
    def __array__(self, dtype: Any = None, copy: Optional[bool] = None) -> np.ndarray:
        """np.asarray(t) is t's data, as torch.Tensor.__array__: NumPy functions accept a Tensor."""
        if dtype is not None and np.dtype(dtype) != self.data.dtype:
            return self.data.astype(dtype)
        return self.data.copy() if copy else self.data

    def __dlpack__(self, **kwargs: Any) -> Any:
        """DLPack export of the data (as torch.Tensor.__dlpack__), so torch.tensor(t) reads a Tensor directly."""
        return self.data.__dlpack__(**kwargs)

    def __dlpack_device__(self) -> tuple[int, int]:
        return self.data.__dlpack_device__()
    # ---- end NumPy protocol ---------------------------------------------------------------------

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
        """torch's repr (print_options.py: precision, summarising, line width, dtype shown unless the default)."""
        from .print_options import tensor_repr

        extra = []
        if self._ctx is not None:
            extra.append(f"grad_fn={self._ctx.name}")
        elif self.requires_grad:
            extra.append("requires_grad=True")
        if self.name:
            extra.append(f"name={self.name!r}")
        return tensor_repr(self.data, extra)

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(f"the truth value of a tensor of shape {self.shape} is ambiguous")
        return bool(self.data.reshape(())[()])

    def __hash__(self) -> int:
        return id(self)

    # ---- autograd -----------------------------------------------------------------------------
    def backward(self, gradient: Any = None, retain_graph: Optional[bool] = None, create_graph: bool = False,
                 inputs: Optional[Sequence["Tensor"]] = None) -> None:
        """Accumulate d self / d leaf into every leaf's `.grad` (gradient = upstream δ, default 1 for a scalar).
        As PyTorch, retain_graph defaults to create_graph."""
        if retain_graph is None:
            retain_graph = create_graph
        if inputs is not None:
            leaves = [inputs] if isinstance(inputs, Tensor) else list(inputs)
            grads = _autograd.grad(self, leaves, gradient, retain_graph, create_graph, allow_unused=True)
            for t, g in zip(leaves, grads):
                if g is not None:
                    _backward_pass.accumulate_grad(t, g, create_graph)
            return
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
        self.requires_grad = bool(requires_grad)
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
        if type(self._hooks) is not list:
            self._hooks = list(self._hooks)
        self._hooks.append(hook)
        return lambda: self._hooks.remove(hook)

    # ---- in place (version counter) ------------------------------------------------------------
    def _bump_version(self) -> None:
        """Record an in-place change: backward through an op that saved this tensor earlier now raises."""
        self._version += 1
        if _autograd.anomaly_mode_enabled():
            self._modified_at = _autograd.user_site()

    def _inplace(self, op: str, compute: Callable[["Tensor"], "Tensor"], reshapes: bool = False) -> "Tensor":
        """Replace this tensor's values by compute(self), as PyTorch's in-place ops (tensor_inplace.replace_in_place:
        a leaf that requires grad refuses, a graph tensor or a view of one is re-recorded, an outsider may join the
        graph); with `reshapes` (squeeze_, t_, ...) the result's shape becomes this tensor's."""
        from .tensor_inplace import replace_in_place

        return replace_in_place(self, op, compute, reshapes)

    def add_(self, other: Any, alpha: Scalar = 1) -> "Tensor":
        return self._inplace("add_", lambda t: t + (other if alpha == 1 else self._lift(other) * alpha))

    def sub_(self, other: Any, alpha: Scalar = 1) -> "Tensor":
        return self._inplace("sub_", lambda t: t - (other if alpha == 1 else self._lift(other) * alpha))

    def mul_(self, other: Any) -> "Tensor":
        return self._inplace("mul_", lambda t: t * other)

    def div_(self, other: Any) -> "Tensor":
        return self._inplace("div_", lambda t: t / other)

    def pow_(self, exponent: Any) -> "Tensor":
        return self._inplace("pow_", lambda t: t ** exponent)

    def clamp_(self, min: Any = None, max: Any = None) -> "Tensor":
        return self._inplace("clamp_", lambda t: t.clamp(min, max))

    def _replaced_by(self, t: "Tensor", values: "Tensor") -> "Tensor":
        """`values` in place of t's entries; t keeps a (zero) gradient path, never 0·t (0·inf is NaN)."""
        values = values.to(self.dtype)
        if values.shape != self.shape:
            values = values.expand(*self.shape)
        if not t.requires_grad:
            return values
        return ops.where(Tensor(np.zeros(self.shape, dtype=bool)), t, values)

    def fill_(self, value: Any) -> "Tensor":
        """Every entry set to value: a number or a 0-d tensor, as PyTorch (None, a string, a 1-d tensor refuse)."""
        if isinstance(value, (Tensor, np.ndarray)):
            if value.ndim:
                raise RuntimeError(f"fill_: only supports a 0-dimension value tensor, but got a tensor of shape "
                                   f"{tuple(value.shape)}")
        elif not isinstance(value, (bool, int, float, complex, np.generic)) and not backend.is_sympy(value):
            raise TypeError(f"fill_: value must be a number or a 0-d tensor, got {type(value).__name__} ({value!r})")
        return self._inplace("fill_", lambda t: self._replaced_by(t, self._lift(value)))

    def zero_(self) -> "Tensor":
        return self.fill_(0)

    def copy_(self, src: Any) -> "Tensor":
        """Copy src's values into this tensor (broadcast to its shape, cast to its dtype), as PyTorch."""
        return self._inplace("copy_", lambda t: self._replaced_by(t, self._lift(src)))

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    # ---- dtype and device ---------------------------------------------------------------------
    @property
    def device(self) -> _device.device:
        return _device.CPU

    @property
    def is_cuda(self) -> bool:
        return False

    def to(self, *args: Any, **kwargs: Any) -> "Tensor":
        """`to(dtype)`, `to(device)`, `to(device, dtype)`, `to(other)` as PyTorch; only the CPU exists here."""
        dtype = kwargs.pop("dtype", None)
        target = kwargs.pop("device", None)
        kwargs.pop("non_blocking", None)
        copy = kwargs.pop("copy", False)
        if kwargs:
            raise TypeError(f"to: unexpected arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, (str, _device.device)):
                target = a
            else:
                dtype = a
        _device.check_device("Tensor.to", target)
        if dtype is None or np.dtype(dtype) == self.dtype:
            return self.clone() if copy else self
        from .ops.elementwise import Cast

        dtype = np.dtype(dtype)
        if dtype.kind not in "fcO":  # integer and bool values carry no gradient, as in PyTorch
            return Tensor._make(self.data.astype(dtype), False)
        return Cast.apply(self, dtype=dtype)

    def cpu(self) -> "Tensor":
        return self

    def cuda(self, *args: Any, **kwargs: Any) -> "Tensor":
        _device.check_device("Tensor.cuda", "cuda")
        return self

    def float(self) -> "Tensor":
        return self.to(np.float32)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.kind not in "iub":
            raise TypeError(f"only integer tensors of a single element can be converted to an index, got {self.dtype}")
        return int(self.item())

    def double(self) -> "Tensor":
        return self.to(np.float64)

    # ---- operators ----------------------------------------------------------------------------
    def _lift(self, other: Any) -> "Tensor":
        if isinstance(other, Tensor):
            return other
        kind = type(other)
        if kind is float or kind is int:
            shared = _CONSTANTS.get(self.data.dtype)
            if shared is not None:  # a float tensor and a Python number: one read-only array per value
                constant = shared.get(other)
                if constant is None:
                    constant = backend.scalar_like(other, self.data)
                    constant.flags.writeable = False
                    if other and len(shared) < 256:  # 0.0 == -0.0: zeros are never shared
                        shared[other] = constant
                return Tensor._make(constant, False)
        if isinstance(other, np.ndarray):
            return Tensor(other)
        constant = backend.scalar_like(other, self.data)
        constant.flags.writeable = False  # made here, reachable by nobody: no fingerprint needed (autograd)
        return Tensor._make(constant, False)

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

    # comparisons give plain (non-differentiable) bool tensors, as in PyTorch (ops/compare.py); `t == None`
    # and other non-numbers fall back to Python's default (False for ==), as PyTorch
    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        return ops.eq(self, other) if ops.compare.comparable(other) else NotImplemented

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return ops.ne(self, other) if ops.compare.comparable(other) else NotImplemented

    def __lt__(self, other: Any) -> Any:
        return ops.lt(self, other) if ops.compare.comparable(other) else NotImplemented

    def __le__(self, other: Any) -> Any:
        return ops.le(self, other) if ops.compare.comparable(other) else NotImplemented

    def __gt__(self, other: Any) -> Any:
        return ops.gt(self, other) if ops.compare.comparable(other) else NotImplemented

    def __ge__(self, other: Any) -> Any:
        return ops.ge(self, other) if ops.compare.comparable(other) else NotImplemented

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

    # ---- softmax and the activations' primitives (ops/softmax.py, ops/activation.py) ------------------
    def softmax(self, dim: int, dtype: Any = None) -> "Tensor":
        return ops.softmax(self, dim, dtype=dtype)

    def log_softmax(self, dim: int, dtype: Any = None) -> "Tensor":
        return ops.log_softmax(self, dim, dtype=dtype)

    def log1p(self) -> "Tensor":
        return ops.log1p(self)

    def expm1(self) -> "Tensor":
        return ops.expm1(self)

    def erf(self) -> "Tensor":
        return ops.erf(self)
    # ---- end of softmax and the activations' primitives -----------------------------------------------

    # ---- reductions, comparisons, sorting (ops/reduce.py, ops/compare.py, ops/sorting.py) ------------
    def sum(self, dim: Optional[Union[int, Sequence[int]]] = None, keepdim: bool = False, *,
            dtype: Any = None) -> "Tensor":
        return ops.sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim: Optional[Union[int, Sequence[int]]] = None, keepdim: bool = False, *,
             dtype: Any = None) -> "Tensor":
        return ops.mean(self, dim, keepdim, dtype=dtype)

    def prod(self, dim: Optional[int] = None, keepdim: bool = False, *, dtype: Any = None) -> "Tensor":
        return ops.prod(self, dim, keepdim, dtype=dtype)

    def max(self, dim: Any = None, keepdim: bool = False) -> Any:
        """max() → 0-d tensor; max(dim) → (values, indices); max(other) → elementwise maximum."""
        return ops.max(self, dim, keepdim)

    def min(self, dim: Any = None, keepdim: bool = False) -> Any:
        """min() → 0-d tensor; min(dim) → (values, indices); min(other) → elementwise minimum."""
        return ops.min(self, dim, keepdim)

    def amax(self, dim: Union[int, Sequence[int]] = (), keepdim: bool = False) -> "Tensor":
        return ops.amax(self, dim, keepdim)

    def amin(self, dim: Union[int, Sequence[int]] = (), keepdim: bool = False) -> "Tensor":
        return ops.amin(self, dim, keepdim)

    def argmax(self, dim: Optional[int] = None, keepdim: bool = False) -> "Tensor":
        return ops.argmax(self, dim, keepdim)

    def argmin(self, dim: Optional[int] = None, keepdim: bool = False) -> "Tensor":
        return ops.argmin(self, dim, keepdim)

    def var(self, dim: Any = None, unbiased: Optional[bool] = None, keepdim: bool = False, *,
            correction: Optional[float] = None) -> "Tensor":
        return ops.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self, dim: Any = None, unbiased: Optional[bool] = None, keepdim: bool = False, *,
            correction: Optional[float] = None) -> "Tensor":
        return ops.std(self, dim, unbiased, keepdim, correction=correction)

    def norm(self, p: Any = "fro", dim: Optional[Union[int, Sequence[int]]] = None, keepdim: bool = False,
             dtype: Any = None) -> "Tensor":
        return ops.norm(self, p, dim, keepdim, dtype)

    def logsumexp(self, dim: Union[int, Sequence[int]], keepdim: bool = False) -> "Tensor":
        return ops.logsumexp(self, dim, keepdim)

    def cumsum(self, dim: int, *, dtype: Any = None) -> "Tensor":
        return ops.cumsum(self, dim, dtype=dtype)

    def any(self, dim: Optional[Union[int, Sequence[int]]] = None, keepdim: bool = False) -> "Tensor":
        return ops.any(self, dim, keepdim)

    def all(self, dim: Optional[Union[int, Sequence[int]]] = None, keepdim: bool = False) -> "Tensor":
        return ops.all(self, dim, keepdim)

    def sort(self, dim: int = -1, descending: bool = False, *, stable: bool = False) -> Any:
        return ops.sort(self, dim, descending, stable=stable)

    def argsort(self, dim: int = -1, descending: bool = False, *, stable: bool = False) -> "Tensor":
        return ops.argsort(self, dim, descending, stable=stable)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
        return ops.topk(self, k, dim, largest, sorted)

    def clamp(self, min: Any = None, max: Any = None) -> "Tensor":
        return ops.clamp(self, min, max)

    clip = clamp

    def clamp_min(self, min: Any) -> "Tensor":
        return ops.clamp(self, min=min)

    def clamp_max(self, max: Any) -> "Tensor":
        return ops.clamp(self, max=max)

    def where(self, condition: Any, y: Any) -> "Tensor":
        """self where condition else y (torch.where(condition, self, y))."""
        return ops.where(condition, self, y)

    def maximum(self, other: Any) -> "Tensor":
        return ops.maximum(self, other)

    def minimum(self, other: Any) -> "Tensor":
        return ops.minimum(self, other)

    def eq(self, other: Any) -> "Tensor":
        return ops.eq(self, other)

    def ne(self, other: Any) -> "Tensor":
        return ops.ne(self, other)

    def lt(self, other: Any) -> "Tensor":
        return ops.lt(self, other)

    def le(self, other: Any) -> "Tensor":
        return ops.le(self, other)

    def gt(self, other: Any) -> "Tensor":
        return ops.gt(self, other)

    def ge(self, other: Any) -> "Tensor":
        return ops.ge(self, other)

    def isnan(self) -> "Tensor":
        return ops.isnan(self)

    def isinf(self) -> "Tensor":
        return ops.isinf(self)

    def isfinite(self) -> "Tensor":
        return ops.isfinite(self)

    def isclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> "Tensor":
        return ops.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
        return ops.allclose(self, other, rtol, atol, equal_nan)
    # ---- end of reductions, comparisons, sorting ------------------------------------------------------

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

    def expand(self, *sizes: Any) -> "Tensor":
        return ops.expand(self, *sizes)

    # ---- indexing and shape ops (ops/movement.py, ops/shape.py, ops/einsum.py) --------------------------
    def __setitem__(self, key: Any, value: Any) -> None:
        if (isinstance(value, Tensor) and value.requires_grad and not self.requires_grad
                and _autograd.is_grad_enabled()):  # written into self's memory (a view's base sees it), self joins
            from .ops.shape import _put
            self._inplace("setitem", lambda before: _put(before, key, value, False))
            return
        ops.setitem(self, key, value)

    def index_put(self, indices: Any, values: Any, accumulate: bool = False) -> "Tensor":
        return ops.index_put(self, indices, values, accumulate)

    def expand_as(self, other: "Tensor") -> "Tensor":
        return ops.expand(self, other.shape)

    def view_as(self, other: "Tensor") -> "Tensor":
        return ops.reshape(self, other.shape)

    def reshape_as(self, other: "Tensor") -> "Tensor":
        return ops.reshape(self, other.shape)

    def flip(self, *dims: Any) -> "Tensor":
        return ops.flip(self, dims[0] if len(dims) == 1 else dims)

    def roll(self, shifts: Any, dims: Any = None) -> "Tensor":
        return ops.roll(self, shifts, dims)

    def repeat(self, *sizes: Any) -> "Tensor":
        return ops.repeat(self, *sizes)

    def chunk(self, chunks: int, dim: int = 0) -> tuple:
        return ops.chunk(self, chunks, dim)

    def split(self, split_size: Any, dim: int = 0) -> tuple:
        return ops.split(self, split_size, dim)

    def narrow(self, dim: int, start: int, length: int) -> "Tensor":
        return ops.narrow(self, dim, start, length)

    def gather(self, dim: int, index: Any) -> "Tensor":
        return ops.gather(self, dim, index)

    def scatter(self, dim: int, index: Any, src: Any = None, value: Any = None) -> "Tensor":
        return ops.scatter(self, dim, index, src, value)

    def scatter_add(self, dim: int, index: Any, src: Any) -> "Tensor":
        return ops.scatter_add(self, dim, index, src)

    def index_select(self, dim: int, index: Any) -> "Tensor":
        return ops.index_select(self, dim, index)

    def masked_fill(self, mask: Any, value: Any) -> "Tensor":
        return ops.masked_fill(self, mask, value)

    def tril(self, diagonal: int = 0) -> "Tensor":
        return ops.tril(self, diagonal)

    def triu(self, diagonal: int = 0) -> "Tensor":
        return ops.triu(self, diagonal)

    def movedim(self, source: Any, destination: Any) -> "Tensor":
        return ops.movedim(self, source, destination)

    def swapaxes(self, axis0: int, axis1: int) -> "Tensor":
        return ops.transpose(self, axis0, axis1)

    def swapdims(self, dim0: int, dim1: int) -> "Tensor":
        return ops.transpose(self, dim0, dim1)

    def t(self) -> "Tensor":
        return ops.t(self)

    def matmul(self, other: Any) -> "Tensor":
        return ops.matmul(self, self._lift(other))

    def mm(self, mat2: Any) -> "Tensor":
        return ops.mm(self, mat2)

    def bmm(self, mat2: Any) -> "Tensor":
        return ops.bmm(self, mat2)

    def clone(self) -> "Tensor":
        return ops.clone(self)

    def contiguous(self, memory_format: Any = None) -> "Tensor":
        return ops.contiguous(self)

    def type_as(self, other: "Tensor") -> "Tensor":
        return ops.cast(self, other.dtype)

    def long(self) -> "Tensor":
        return ops.cast(self, np.int64)

    def int(self) -> "Tensor":
        return ops.cast(self, np.int32)

    def bool(self) -> "Tensor":
        return ops.cast(self, np.bool_)

    def half(self) -> "Tensor":
        return ops.cast(self, np.float16)
    # ---- end of indexing and shape ops --------------------------------------------------------------------

    # ---- utility methods (PyTorch parity) ----
    # functions of self bound as methods: construction, views, splits, selections (tensor_utility.py); in-place
    # forms and logical/bitwise ops (tensor_inplace.py); random in-place initialisers (tensor_random.py)
    from . import tensor_inplace as _ti, tensor_random as _tr, tensor_utility as _tu
    new_full, new_zeros, new_ones, new_empty, new_tensor = (_tu.new_full, _tu.new_zeros, _tu.new_ones,
                                                            _tu.new_empty, _tu.new_tensor)
    type, element_size, stride = _tu.type, _tu.element_size, _tu.stride
    nbytes = property(_tu.nbytes)
    itemsize = property(_tu.element_size)
    retains_grad = property(lambda self: self._retains_grad)
    nelement, ndimension = numel, dim
    get_device = lambda self: -1  # noqa: E731  (the CPU, as PyTorch)
    ravel, broadcast_to, tile, select, unbind, unflatten = (_tu.ravel, _tu.broadcast_to, _tu.tile, _tu.select,
                                                            _tu.unbind, _tu.unflatten)
    moveaxis, split_with_sizes, tensor_split = _tu.moveaxis, _tu.split_with_sizes, _tu.tensor_split
    hsplit, vsplit, dsplit, unfold = _tu.hsplit, _tu.vsplit, _tu.dsplit, _tu.unfold
    repeat_interleave, rot90, fliplr, flipud = _tu.repeat_interleave, _tu.rot90, _tu.fliplr, _tu.flipud
    take, take_along_dim, argwhere, nonzero, masked_select = (_tu.take, _tu.take_along_dim, _tu.argwhere,
                                                              _tu.nonzero, _tu.masked_select)
    unique, unique_consecutive, bincount, histc = _tu.unique, _tu.unique_consecutive, _tu.bincount, _tu.histc
    sum_to_size, equal = _tu.sum_to_size, _tu.equal
    index_add, index_copy, index_fill, scatter_reduce = (_ti.index_add, _ti.index_copy, _ti.index_fill,
                                                         _ti.scatter_reduce)
    masked_fill_ = _ti.inplace("masked_fill", lambda t, mask, value: ops.masked_fill(t, mask, value))
    index_add_ = _ti.inplace("index_add", _ti.index_add)
    index_copy_ = _ti.inplace("index_copy", _ti.index_copy)
    index_fill_ = _ti.inplace("index_fill", _ti.index_fill)
    index_put_ = _ti.inplace("index_put", lambda t, indices, values, accumulate=False:
                             ops.index_put(t, indices, values, accumulate))
    scatter_ = _ti.inplace("scatter", _ti.scatter)
    scatter_add_ = _ti.inplace("scatter_add", lambda t, dim, index, src: ops.scatter_add(t, dim, index, src))
    scatter_reduce_ = _ti.inplace("scatter_reduce", _ti.scatter_reduce)
    tril_ = _ti.inplace("tril", lambda t, diagonal=0: ops.tril(t, diagonal))
    triu_ = _ti.inplace("triu", lambda t, diagonal=0: ops.triu(t, diagonal))
    squeeze_, unsqueeze_, t_, transpose_ = _ti.squeeze_, _ti.unsqueeze_, _ti.t_, _ti.transpose_
    neg_ = _ti.inplace("neg", lambda t: -t)
    abs_, exp_, log_, sqrt_ = _ti.unary_inplace("abs", "exp", "log", "sqrt")
    sigmoid_, tanh_, relu_, log1p_, expm1_, erf_ = _ti.unary_inplace("sigmoid", "tanh", "relu", "log1p", "expm1",
                                                                     "erf")
    eq_, ne_, lt_, le_, gt_, ge_ = _ti.compare_inplace("eq", "ne", "lt", "le", "gt", "ge")
    logical_and, logical_or, logical_xor, logical_not = (_ti.logical_and, _ti.logical_or, _ti.logical_xor,
                                                         _ti.logical_not)
    bitwise_and, bitwise_or, bitwise_xor, bitwise_not = (_ti.bitwise_and, _ti.bitwise_or, _ti.bitwise_xor,
                                                         _ti.bitwise_not)
    logical_and_, logical_or_, logical_xor_, logical_not_ = _ti.compare_inplace(
        "logical_and", "logical_or", "logical_xor", "logical_not")
    bitwise_and_, bitwise_or_, bitwise_xor_, bitwise_not_ = _ti.compare_inplace(
        "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not")
    __and__ = __rand__ = bitwise_and
    __or__ = __ror__ = bitwise_or
    __xor__ = __rxor__ = bitwise_xor
    __invert__ = bitwise_not
    uniform_, normal_, log_normal_, exponential_, cauchy_ = (_tr.uniform_, _tr.normal_, _tr.log_normal_,
                                                             _tr.exponential_, _tr.cauchy_)
    geometric_, bernoulli_, bernoulli, random_ = _tr.geometric_, _tr.bernoulli_, _tr.bernoulli, _tr.random_
    del _ti, _tr, _tu
    # ---- end of utility methods ----


from . import autograd as _autograd, backward_pass as _backward_pass  # noqa: E402
from . import ops  # noqa: E402  (ops need Tensor defined first)

_autograd._Tensor = _backward_pass._Tensor = Tensor
from . import tensor_methods  # noqa: E402  (torch.Tensor's methods written in other modules)

tensor_methods.bind(Tensor)
