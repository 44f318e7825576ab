"""Recurrent layers with PyTorch's names, parameter layout, gate order, initialisation and reprs: the cells
(RNNCell, LSTMCell, GRUCell: one time step) and the sequence layers (RNN, LSTM, GRU: stacked, optionally
bidirectional). Everything is a composition of differentiable ops (linear, sigmoid, tanh, relu, chunk, stack),
so backward through time and second derivatives come from the engine. The input projection x·W_ihᵀ of all time
steps is one matmul per layer and direction; only the recurrence h_{t−1} → h_t loops over time."""
from __future__ import annotations

import math
import warnings
from typing import Any, Callable, Optional

import numpy as np

from .. import functional as F
from ..errors import ArgumentTypeError, ShapeError
from ..memory import check_allocation
from ..ops import cat, stack
from ..tensor import Tensor
from . import validate
from .init import uniform_
from .module import Module
from .parameter import Parameter

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _rnn_step(act: Callable) -> Callable:
    def step(gi: Tensor, h: Tensor, w_hh: Tensor, b_hh: Optional[Tensor], c: Any = None,
             w_hr: Any = None) -> tuple:
        """h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh); gi holds the input part."""
        return act(gi + F.linear(h, w_hh, b_hh)), None
    return step


def _lstm_step(gi: Tensor, h: Tensor, w_hh: Tensor, b_hh: Optional[Tensor], c: Tensor,
               w_hr: Optional[Tensor] = None) -> tuple:
    """Gates i, f, g, o (PyTorch's order): c' = σ(f)⊙c + σ(i)⊙tanh(g), h' = σ(o)⊙tanh(c'), then h'·W_hrᵀ
    when projected."""
    i, f, g, o = (gi + F.linear(h, w_hh, b_hh)).chunk(4, -1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h = o.sigmoid() * c.tanh()
    return (h if w_hr is None else F.linear(h, w_hr)), c


def _gru_step(gi: Tensor, h: Tensor, w_hh: Tensor, b_hh: Optional[Tensor], c: Any = None,
              w_hr: Any = None) -> tuple:
    """Gates r, z, n (PyTorch's order): n = tanh(x_n + r⊙(h W_hnᵀ + b_hn)), h' = (1 − z)⊙n + z⊙h."""
    i_r, i_z, i_n = gi.chunk(3, -1)
    h_r, h_z, h_n = F.linear(h, w_hh, b_hh).chunk(3, -1)
    r, z = (i_r + h_r).sigmoid(), (i_z + h_z).sigmoid()
    n = (i_n + r * h_n).tanh()
    return n + z * (h - n), None


_STEPS = {"RNN_TANH": _rnn_step(Tensor.tanh), "RNN_RELU": _rnn_step(Tensor.relu), "LSTM": _lstm_step,
          "GRU": _gru_step}


def _time_steps(gi: Tensor) -> list[Tensor]:
    """gi[0], …, gi[T−1] through √T blocks of √T steps: each slice's adjoint is a zero array of its source's
    size, so slicing T steps straight out of gi would cost T full-size arrays in backward; blocks cost 2√T."""
    block = max(1, math.isqrt(gi.shape[0]))
    return [step for piece in gi.split(block, 0) for step in piece.unbind(0)]


def _sizes(layer: str, input_size: Any, hidden_size: Any, bias: Any) -> tuple[int, int]:
    """input_size, hidden_size checked as PyTorch checks them (TypeError for a non-int, error for ≤ 0)."""
    if not isinstance(bias, (bool, np.bool_)):
        raise TypeError(f"{layer}: bias should be of type bool, got: {type(bias).__name__}")
    return (validate.integer(layer, "input_size", input_size, 1),
            validate.integer(layer, "hidden_size", hidden_size, 1))


def _reset(module: Module, hidden_size: int) -> None:
    """Every parameter U(−1/√hidden_size, 1/√hidden_size), PyTorch's RNN initialisation."""
    bound = 1.0 / math.sqrt(hidden_size)
    for p in module.parameters():
        uniform_(p, -bound, bound)


def _input(layer: str, x: Any, like: Tensor, what: str = "input") -> Tensor:
    """The forward input as a Tensor of the parameters' dtype (PyTorch: RuntimeError in the cells, ValueError in
    the sequence layers; ArgumentTypeError is both, and a TypeError)."""
    x = validate.tensor_input(layer, x)
    if x.dtype != like.dtype and x.dtype != object:
        raise ArgumentTypeError(f"{layer}: {what} must have the parameters' dtype {like.dtype}, got dtype {x.dtype} "
                                f"(convert it, or the layer with .double() / .float())")
    return x


def _zeros(layer: str, shape: tuple, like: Tensor) -> Tensor:
    """A zero initial state, after checking the machine has the bytes."""
    check_allocation(layer, shape, like.dtype)
    return Tensor(np.zeros(shape, dtype=like.dtype))


class RNNCellBase(Module):
    """The parameters shared by the cells: weight_ih (G·hidden, input), weight_hh (G·hidden, hidden), biases."""

    _mode = "RNN_TANH"

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        layer = type(self).__name__
        self.input_size, self.hidden_size = _sizes(layer, input_size, hidden_size, bias)
        self.bias = bool(bias)
        chunks = validate.integer(layer, "num_chunks", num_chunks, 1)
        validate.device(layer, device)
        dtype = validate.float_dtype(layer, dtype)
        gates = chunks * self.hidden_size
        self.weight_ih = Parameter(validate.empty(layer, (gates, self.input_size), dtype))
        self.weight_hh = Parameter(validate.empty(layer, (gates, self.hidden_size), dtype))
        self.bias_ih = Parameter(validate.empty(layer, (gates,), dtype)) if bias else None
        self.bias_hh = Parameter(validate.empty(layer, (gates,), dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset(self, self.hidden_size)

    def _batched(self, input: Any, hx: Any) -> tuple[Tensor, Optional[Tensor], bool]:
        """input as (N, input_size) and hx as (N, hidden) (None stays None); whether the input had a batch."""
        layer = type(self).__name__
        input = _input(layer, input, self.weight_ih)
        if input.ndim not in (1, 2):
            raise ShapeError(f"{layer}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        if input.shape[-1] != self.input_size:
            raise ShapeError(f"{layer}: input has inconsistent input_size: got {input.shape[-1]}, expected "
                             f"{self.input_size}")
        batched = input.ndim == 2
        if not batched:
            input = input.unsqueeze(0)
        if hx is not None:
            hx = _input(layer, hx, input, "hidden state")
            if hx.ndim != input.ndim - (0 if batched else 1):
                raise ShapeError(f"{layer}: Expected hidden to be {1 + batched}D for "
                                 f"{'batched 2D' if batched else 'unbatched 1D'} input, got {hx.ndim}D instead")
            hx = hx if batched else hx.unsqueeze(0)
            if tuple(hx.shape) != (input.shape[0], self.hidden_size):
                raise ShapeError(f"{layer}: hidden state has shape {tuple(hx.shape)}, expected "
                                 f"{(input.shape[0], self.hidden_size)} (batch {input.shape[0]}, hidden_size "
                                 f"{self.hidden_size})")
        return input, hx, batched

    def _zeros(self, input: Tensor) -> Tensor:
        return _zeros(type(self).__name__, (input.shape[0], self.hidden_size), input)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            text += ", bias=False"
        nonlinearity = getattr(self, "nonlinearity", "tanh")
        if nonlinearity != "tanh":
            text += f", nonlinearity={nonlinearity}"
        return text


class RNNCell(RNNCellBase):
    """One Elman step h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or relu)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device: Any = None, dtype: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ShapeError(f"RNNCell: Unknown nonlinearity: {nonlinearity!r} (choose 'tanh' or 'relu')")
        self._mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(input_size, hidden_size, bias, _GATES[self._mode], device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tensor:
        x, h, batched = self._batched(input, hx)
        h = self._zeros(x) if h is None else h
        out = _STEPS[self._mode](F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh)[0]
        return out if batched else out.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step: (h', c') from x and (h, c), gates i, f, g, o as PyTorch."""

    _mode = "LSTM"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, _GATES[self._mode], device, dtype)

    def forward(self, input: Tensor, hx: Optional[tuple] = None) -> tuple[Tensor, Tensor]:
        if hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError(f"LSTMCell: hx must be a tuple (h_0, c_0), got {type(hx).__name__}")
        x, h, batched = self._batched(input, None if hx is None else hx[0])
        c = None if hx is None else self._batched(input, hx[1])[1]
        h, c = (self._zeros(x), self._zeros(x)) if hx is None else (h, c)
        h, c = _lstm_step(F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh, c)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step, gates r, z, n as PyTorch (n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)))."""

    _mode = "GRU"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, _GATES[self._mode], device, dtype)

    def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tensor:
        x, h, batched = self._batched(input, hx)
        h = self._zeros(x) if h is None else h
        out = _gru_step(F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh)[0]
        return out if batched else out.squeeze(0)


class RNNBase(Module):
    """Stacked, optionally bidirectional recurrent layers over a (T, N, input_size) sequence (batch_first:
    (N, T, input_size); unbatched: (T, input_size)), with PyTorch's parameters weight_ih_l{k}[_reverse], ..."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        layer = type(self).__name__
        if not isinstance(mode, str):
            raise TypeError(f"{layer}: mode must be a string ('LSTM', 'GRU', 'RNN_TANH' or 'RNN_RELU'), got "
                            f"{type(mode).__name__}")
        if mode not in _GATES:
            raise ShapeError(f"{layer}: Unrecognized RNN mode: {mode!r} (choose 'LSTM', 'GRU', 'RNN_TANH' or "
                             f"'RNN_RELU')")
        self.mode = mode
        self.input_size, self.hidden_size = _sizes(layer, input_size, hidden_size, bias)
        self.num_layers = validate.integer(layer, "num_layers", num_layers, 1)
        if not isinstance(batch_first, (bool, np.bool_)):
            raise TypeError(f"{layer}: batch_first should be of type bool, got: {type(batch_first).__name__}")
        if isinstance(dropout, (bool, np.bool_)) or not isinstance(dropout, (int, float, np.integer, np.floating)):
            raise ArgumentTypeError(f"{layer}: dropout should be a number in range [0, 1] representing the "
                                    f"probability of an element being zeroed, got {dropout!r}")
        self.dropout = validate.real(layer, "dropout (the probability of an element being zeroed)", dropout,
                                     0.0, 1.0)
        if not isinstance(bidirectional, (bool, np.bool_)):
            raise ArgumentTypeError(f"{layer}: bidirectional should be of type bool, got: "
                                    f"{type(bidirectional).__name__}")
        if self.dropout > 0 and self.num_layers == 1:
            warnings.warn(f"dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}", UserWarning, stacklevel=3)
        self.proj_size = validate.integer(layer, "proj_size", proj_size, 0)
        if self.proj_size and mode != "LSTM":
            raise ShapeError(f"{layer}: proj_size argument is only supported for LSTM, not RNN or GRU")
        if self.proj_size >= self.hidden_size:
            raise ShapeError(f"{layer}: proj_size has to be smaller than hidden_size, got proj_size "
                             f"{self.proj_size} and hidden_size {self.hidden_size}")
        self.bias, self.batch_first, self.bidirectional = bool(bias), bool(batch_first), bool(bidirectional)
        validate.device(layer, device)
        dtype = validate.float_dtype(layer, dtype)
        gates = _GATES[mode] * self.hidden_size
        real_hidden = self.proj_size or self.hidden_size
        per_direction = gates * (real_hidden + 2 * self.bias) + self.proj_size * self.hidden_size
        wide = real_hidden * (1 + self.bidirectional)
        total = (1 + self.bidirectional) * (gates * (self.input_size + wide * (self.num_layers - 1))
                                            + per_direction * self.num_layers)
        check_allocation(layer, (total,), dtype)  # all parameters at once, before a layer loop of num_layers
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for k in range(self.num_layers):
            for suffix in ("", "_reverse")[:1 + self.bidirectional]:
                inputs = self.input_size if k == 0 else real_hidden * (1 + self.bidirectional)
                shapes = {f"weight_ih_l{k}{suffix}": (gates, inputs), f"weight_hh_l{k}{suffix}": (gates, real_hidden)}
                if self.bias:
                    shapes.update({f"bias_ih_l{k}{suffix}": (gates,), f"bias_hh_l{k}{suffix}": (gates,)})
                if self.proj_size:
                    shapes[f"weight_hr_l{k}{suffix}"] = (self.proj_size, self.hidden_size)
                for name, shape in shapes.items():
                    setattr(self, name, Parameter(validate.empty(layer, shape, dtype)))
                self._flat_weights_names.extend(shapes)
                self._all_weights.append(list(shapes))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset(self, self.hidden_size)

    def flatten_parameters(self) -> None:
        """cuDNN's contiguous weight buffer: the NumPy engine has none, so there is nothing to do (as on CPU)."""

    @property
    def all_weights(self) -> list[list[Parameter]]:
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def _layer_name(self) -> str:
        return type(self).__name__

    def _check_input(self, input: Any) -> tuple[Tensor, bool]:
        """input as (T, N, input_size) (time first) and whether it had a batch dimension."""
        layer = self._layer_name()
        input = _input(layer, input, self.weight_ih_l0)
        if input.ndim not in (2, 3):
            raise ShapeError(f"{layer}: Expected input to be 2D or 3D, got {input.ndim}D instead")
        if input.shape[-1] != self.input_size:
            raise ShapeError(f"{layer}: input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                             f"got {input.shape[-1]}")
        batched = input.ndim == 3
        if input.shape[1 if batched and self.batch_first else 0] == 0:
            raise ShapeError(f"{layer}: Expected sequence length to be larger than 0, got input of shape "
                             f"{tuple(input.shape)}")
        if not batched:
            input = input.unsqueeze(1)
        elif self.batch_first:
            input = input.transpose(0, 1)
        return input, batched

    def _check_hidden(self, hx: Any, batched: bool, batch: int, size: int, which: str) -> Tensor:
        """One initial state as (layers·directions, N, size), checked as PyTorch checks it."""
        layer = self._layer_name()
        hx = _input(layer, hx, self.weight_ih_l0, which)
        want_dim = 3 if batched else 2
        if hx.ndim != want_dim:
            kind = "batched 3-D" if batched else "unbatched 2-D"
            raise ShapeError(f"{layer}: For {kind} input, {which} should also be {want_dim}-D but got "
                             f"{hx.ndim}-D tensor")
        hx = hx if batched else hx.unsqueeze(1)
        expected = (self.num_layers * (1 + self.bidirectional), batch, size)
        if tuple(hx.shape) != expected:
            what = "proj_size" if size != self.hidden_size else "hidden_size"
            raise ShapeError(f"{layer}: Expected {which} size {expected}, got {tuple(hx.shape)} "
                             f"(num_layers·num_directions, batch, {what})")
        return hx

    def _run(self, x: Tensor, h0: Optional[Tensor], c0: Optional[Tensor]) -> tuple:
        """The stacked recurrence on time-first x: output (T, N, D·H_out), h_n and c_n (or None)."""
        T, N = x.shape[0], x.shape[1]
        step, lstm = _STEPS[self.mode], self.mode == "LSTM"
        real_hidden = self.proj_size or self.hidden_size
        dirs = 1 + self.bidirectional
        zeros = lambda size: _zeros(self._layer_name(), (N, size), x)  # noqa: E731
        h_last, c_last = [], []
        for k in range(self.num_layers):
            if k > 0 and self.dropout > 0 and self.training:
                x = F.dropout(x, self.dropout, True)
            outputs = []
            for d, suffix in enumerate(("", "_reverse")[:dirs]):
                names = [f"{kind}_l{k}{suffix}" for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh",
                                                             "weight_hr")]
                w_ih, w_hh, b_ih, b_hh, w_hr = (getattr(self, n, None) for n in names)
                gi = F.linear(x, w_ih, b_ih)  # every time step's input projection in one matmul
                if b_hh is not None and self.mode != "GRU":  # GRU keeps b_hn inside r⊙(…)
                    gi, b_hh = gi + b_hh, None
                index = k * dirs + d
                h = zeros(real_hidden) if h0 is None else h0[index]
                c = (zeros(self.hidden_size) if c0 is None else c0[index]) if lstm else None
                steps = _time_steps(gi)
                seq = [None] * T
                for t in (range(T - 1, -1, -1) if d else range(T)):
                    h, c = step(steps[t], h, w_hh, b_hh, c, w_hr)
                    seq[t] = h
                outputs.append(stack(seq, 0))
                h_last.append(h)
                c_last.append(c)
            x = outputs[0] if dirs == 1 else cat(outputs, -1)
        return x, stack(h_last, 0), (stack(c_last, 0) if lstm else None)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            text += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        if self.dropout != 0:
            text += f", dropout={self.dropout}"
        if self.bidirectional:
            text += ", bidirectional=True"
        return text



    def _output(self, out: Tensor, batched: bool) -> Tensor:
        if not batched:
            return out.squeeze(1)
        return out.transpose(0, 1) if self.batch_first else out


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh) (or relu), stacked and optionally
    bidirectional; forward(input, hx=None) → (output, h_n)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device: Any = None, dtype: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ShapeError(f"RNN: Unknown nonlinearity {nonlinearity!r}. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size,
                         num_layers, bias, batch_first, dropout, bidirectional, 0, device, dtype)

    def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> tuple[Tensor, Tensor]:
        x, batched = self._check_input(input)
        h0 = None if hx is None else self._check_hidden(hx, batched, x.shape[1], self.hidden_size, "hx")
        out, h_n, _ = self._run(x, h0, None)
        return self._output(out, batched), (h_n if batched else h_n.squeeze(1))


class GRU(RNNBase):
    """Gated recurrent unit (gates r, z, n as PyTorch), stacked and optionally bidirectional;
    forward(input, hx=None) → (output, h_n)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, 0,
                         device, dtype)

    forward = RNN.forward  # one hidden state in and out, as RNN's


class LSTM(RNNBase):
    """Long short-term memory (gates i, f, g, o as PyTorch), stacked, optionally bidirectional and projected
    (proj_size > 0: h_t = (o⊙tanh c_t) W_hrᵀ); forward(input, (h_0, c_0)=None) → (output, (h_n, c_n))."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device, dtype)

    def forward(self, input: Tensor, hx: Optional[tuple] = None) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        x, batched = self._check_input(input)
        h0 = c0 = None
        if hx is not None:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError(f"LSTM: hx must be a tuple (h_0, c_0), got {type(hx).__name__}")
            h0 = self._check_hidden(hx[0], batched, x.shape[1], self.proj_size or self.hidden_size, "hx")
            c0 = self._check_hidden(hx[1], batched, x.shape[1], self.hidden_size, "cx")
        out, h_n, c_n = self._run(x, h0, c0)
        if not batched:
            h_n, c_n = h_n.squeeze(1), c_n.squeeze(1)
        return self._output(out, batched), (h_n, c_n)


__all__ = ["RNNCellBase", "RNNCell", "LSTMCell", "GRUCell", "RNNBase", "RNN", "LSTM", "GRU"]
