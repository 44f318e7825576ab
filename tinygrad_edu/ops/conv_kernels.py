"""im2col and its adjoint col2im on arrays: the column matrix Z of lecture F31 (one column per output
position, one row per (channel, kernel offset)) that turns a convolution into one GEMM, W · Z.

Two memory layouts of the same matrix:

* narrow, any stride and dtype: columns (n, i, j) for the oh×ow output positions, gathered through a
  sliding_window_view and summed back with kh·kw strided slice-adds;
* wide, stride 1 on numbers: each output row is as wide as the padded input row (Wp ≥ ow columns), so a
  kernel offset (p, q) reads and writes one contiguous run of the flattened padded image, starting at
  p·d·Wp + q·d. The Wp − ow extra columns per row are never read back: their outputs are dropped and the
  δ fed into them is zero, so the GEMMs stay exact. This turns short 32-element row copies into runs of
  oh·Wp elements, which is most of col2im's and im2col's cost.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import backend

Pair = tuple[int, int]
Padding = tuple[Pair, Pair]
WIDE_MAX_RATIO = 1.25  # wide layout only while Wp/ow ≤ this: LeNet's 5×5 conv on a 5×5 map would do 5× the work


@dataclass(frozen=True)
class Geometry:
    """One convolution's shape facts: image (H, W), kernel, stride, padding per side, dilation, groups,
    output (oh, ow), and whether the column matrix is in the wide layout."""

    size: Pair
    kernel: Pair
    stride: Pair
    padding: Padding
    dilation: Pair
    groups: int
    out: Pair
    wide: bool

    @classmethod
    def of(cls, dtype: np.dtype, size: Pair, kernel: Pair, stride: Pair, padding: Padding, dilation: Pair,
           groups: int, out: Pair) -> "Geometry":
        """The geometry, wide when the stride is 1, the values are numbers (SymPy objects would pay for every
        extra column) and the extra columns add at most a quarter to the GEMMs."""
        padded_width = size[1] + padding[1][0] + padding[1][1]
        wide = (tuple(stride) == (1, 1) and np.dtype(dtype).kind in "fc"
                and padded_width <= WIDE_MAX_RATIO * out[1])
        return cls(tuple(size), tuple(kernel), tuple(stride), padding, tuple(dilation), groups, tuple(out), wide)

    @property
    def padded(self) -> Pair:
        (top, bottom), (left, right) = self.padding
        return self.size[0] + top + bottom, self.size[1] + left + right

    @property
    def row(self) -> int:
        """Columns per output row in the column matrix: Wp (wide) or ow (narrow)."""
        return self.padded[1] if self.wide else self.out[1]

    def offsets(self) -> list[tuple[int, int, int]]:
        """(p, q, start): each kernel offset and, in the wide layout, where its run begins in a flat image."""
        (kh, kw), (dh, dw), wp = self.kernel, self.dilation, self.padded[1]
        return [(p, q, p * dh * wp + q * dw) for p in range(kh) for q in range(kw)]


def _pad(x: np.ndarray, padding: Padding) -> np.ndarray:
    """x (…, H, W) with zeros around its last two axes, ((top, bottom), (left, right)) of them."""
    (top, bottom), (left, right) = padding
    if top == bottom == left == right == 0:
        return x
    out = backend.zeros(x.shape[:-2] + (x.shape[-2] + top + bottom, x.shape[-1] + left + right), x)
    out[..., top:top + x.shape[-2], left:left + x.shape[-1]] = x
    return out


def im2col(x: np.ndarray, geo: Geometry) -> np.ndarray:
    """(N, C, H, W) → (groups, C_g·kh·kw, N·oh·row): column (n, i, j) holds the window output (i, j) reads."""
    return _im2col_wide(x, geo) if geo.wide else _im2col_narrow(x, geo)


def _im2col_narrow(x: np.ndarray, geo: Geometry) -> np.ndarray:
    n, c = x.shape[:2]
    (kh, kw), (sh, sw), (dh, dw), (oh, ow), groups = geo.kernel, geo.stride, geo.dilation, geo.out, geo.groups
    xp = _pad(x, geo.padding)
    xp = xp.reshape(n, groups, c // groups, *xp.shape[2:])
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    windows = sliding_window_view(xp, span, axis=(3, 4))[..., :sh * (oh - 1) + 1:sh, :sw * (ow - 1) + 1:sw, ::dh, ::dw]
    return windows.transpose(1, 2, 5, 6, 0, 3, 4).reshape(groups, (c // groups) * kh * kw, n * oh * ow)


def _im2col_wide(x: np.ndarray, geo: Geometry) -> np.ndarray:
    n, c, h, w = x.shape
    (top, _), (left, _) = geo.padding
    hp, wp = geo.padded
    run = geo.out[0] * wp
    flat = np.zeros((c, n, hp + 1, wp), x.dtype)  # one spare row: the last offset's run ends past row hp
    flat[:, :, top:top + h, left:left + w] = x.transpose(1, 0, 2, 3)
    flat = flat.reshape(c, n, -1)
    cols = np.empty((c, *geo.kernel, n, run), x.dtype)
    for p, q, start in geo.offsets():
        cols[:, p, q] = flat[:, :, start:start + run]
    return cols.reshape(geo.groups, -1, n * run)


def col2im(cols: np.ndarray, n: int, geo: Geometry) -> np.ndarray:
    """The adjoint of im2col: (groups, C_g·kh·kw, N·oh·row) summed back into (N, C, H, W)."""
    return _col2im_wide(cols, n, geo) if geo.wide else _col2im_narrow(cols, n, geo)


def _col2im_narrow(cols: np.ndarray, n: int, geo: Geometry) -> np.ndarray:
    """One strided slice-add per kernel offset, or one copy when the windows tile the image."""
    groups = cols.shape[0]
    (kh, kw), (oh, ow), (h, w) = geo.kernel, geo.out, geo.size
    c_g = cols.shape[1] // (kh * kw)
    (top, _), (left, _) = geo.padding
    canvas = backend.zeros((groups, c_g, n, *geo.padded), cols)
    windows = cols.reshape(groups, c_g, kh, kw, n, oh, ow)
    if all(d == 1 and (s == k or o == 1) for k, s, d, o in zip(geo.kernel, geo.stride, geo.dilation, geo.out)):
        tiles = windows.transpose(0, 1, 4, 5, 2, 6, 3).reshape(groups, c_g, n, oh * kh, ow * kw)
        canvas[..., :oh * kh, :ow * kw] = tiles
    else:
        _add_windows(canvas, windows, geo.stride, geo.dilation)
    image = canvas[..., top:top + h, left:left + w]
    return image.transpose(2, 0, 1, 3, 4).reshape(n, groups * c_g, h, w)


def _add_windows(canvas: np.ndarray, windows: np.ndarray, stride: Pair, dilation: Pair) -> None:
    """canvas[…, s·i + d·p, s·j + d·q] += windows[:, :, p, q, …, i, j], one strided slice-add per (p, q)."""
    kh, kw, oh, ow = windows.shape[2], windows.shape[3], windows.shape[5], windows.shape[6]
    (sh, sw), (dh, dw) = stride, dilation
    for p in range(kh):
        for q in range(kw):
            canvas[..., p * dh:p * dh + sh * (oh - 1) + 1:sh, q * dw:q * dw + sw * (ow - 1) + 1:sw] += windows[:, :, p, q]


def _col2im_wide(cols: np.ndarray, n: int, geo: Geometry) -> np.ndarray:
    """One contiguous-run add per kernel offset into the flattened padded image."""
    (kh, kw), (h, w) = geo.kernel, geo.size
    (top, _), (left, _) = geo.padding
    hp, wp = geo.padded
    run = geo.out[0] * wp
    c = cols.shape[0] * cols.shape[1] // (kh * kw)
    canvas = np.zeros((c, n, (hp + 1) * wp), cols.dtype)
    windows = cols.reshape(c, kh, kw, n, run)
    for p, q, start in geo.offsets():
        canvas[:, :, start:start + run] += windows[:, p, q]
    image = canvas.reshape(c, n, hp + 1, wp)[:, :, top:top + h, left:left + w]
    return np.ascontiguousarray(image.transpose(1, 0, 2, 3))


def output_columns(y: np.ndarray, geo: Geometry) -> np.ndarray:
    """(N, O, oh, ow) → (groups, O_g, N·oh·row), the layout of W·Z; the wide layout's extra columns are 0."""
    n, o, oh, ow = y.shape
    if geo.row == ow:
        return y.reshape(n, geo.groups, o // geo.groups, -1).transpose(1, 2, 0, 3).reshape(geo.groups, o // geo.groups, -1)
    out = backend.zeros((o, n, oh, geo.row), y)
    out[..., :ow] = y.transpose(1, 0, 2, 3)
    return out.reshape(geo.groups, o // geo.groups, -1)


def output_image(y: np.ndarray, n: int, geo: Geometry) -> np.ndarray:
    """(groups, O_g, N·oh·row) → (N, O, oh, ow) in NCHW order, the wide layout's extra columns dropped
    (a transposed view would make every later op stride across the batch)."""
    oh, ow = geo.out
    return np.ascontiguousarray(y.reshape(-1, n, oh, geo.row)[..., :ow].transpose(1, 0, 2, 3))
