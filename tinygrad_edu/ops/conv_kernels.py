"""im2col and its adjoint col2im on arrays, and the three convolutions built on them: the column matrix Z of
lecture F31 (one row per (channel, kernel offset), one column per output position) turns a convolution into
a GEMM, W · Z.

Z is laid out item by item, (N, groups, C_g·kh·kw, oh·row): a batch item's numbers go image → columns → GEMM
→ output without a transpose, and the columns of a 1×1 convolution (or of one whose kernel covers the image)
are the image itself, a view. An item's columns come in two layouts:

* narrow, any stride and dtype: the oh×ow output positions, gathered with kh·kw strided copies and summed
  back with kh·kw strided slice-adds;
* wide, stride 1 on numbers: each output row is as wide as the padded input row (Wp ≥ ow columns), so a
  kernel offset (p, q) reads one contiguous run of the flattened padded image, starting at p·d·Wp + q·d.
  The Wp − ow extra columns are never read back: their outputs are dropped and the δ fed into them is zero.

On numbers, `conv`, `conv_weight` and `conv_transpose` run over the batch in chunks whose columns fit in the
cache, im2col → GEMM → output per chunk: a whole batch's Z (tens of MB) would go out to memory between im2col
and the GEMM, and again for each of the backward GEMMs. With stride 1, `conv_transpose` is itself a
convolution (of δ with the flipped kernel) where that moves less data than GEMM + col2im. SymPy values use
im2col/col2im on the whole batch (ops/conv.py).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Optional

import numpy as np

from .. import backend

Pair = tuple[int, int]
Padding = tuple[Pair, Pair]
# Wide layout only while Wp/ow ≤ this: LeNet's 5×5 conv on a 5×5 map would do 5× the GEMM work. On chunks in
# the cache, C3's 14/10 = 1.4 still wins (its 25 contiguous-run copies and adds beat 25 strided ones: its three
# passes 3.7 ms against 4.3); the digits CNN's 6/4 = 1.5 is a wash, so it stays narrow. Exact, as a fraction.
WIDE_MAX_RATIO = Fraction(7, 5)


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
        extra column) and the extra columns add at most 40 % to the GEMMs."""
        padded_width = size[1] + padding[1][0] + padding[1][1]
        wide = (tuple(stride) == (1, 1) and np.dtype(dtype).kind in "fc"
                and padded_width <= WIDE_MAX_RATIO * out[1])
        return cls(tuple(size), tuple(kernel), tuple(stride), padding, tuple(dilation), groups, tuple(out), wide)

    @functools.cached_property
    def padded(self) -> Pair:
        (top, bottom), (left, right) = self.padding
        return self.size[0] + top + bottom, self.size[1] + left + right

    @functools.cached_property
    def row(self) -> int:
        """Columns per output row in the column matrix: Wp (wide) or ow (narrow)."""
        return self.padded[1] if self.wide else self.out[1]

    @functools.cached_property
    def image_columns(self) -> bool:
        """Whether every image is its own column matrix (a view, no copy): no padding, and a 1×1 kernel with
        stride 1 or a kernel as large as the image (one output position, LeNet's C5)."""
        pointwise = self.kernel == (1, 1) and self.stride == (1, 1)
        whole = self.kernel == self.size and self.dilation == (1, 1)
        return self.padding == ((0, 0), (0, 0)) and (pointwise or whole)

    def offsets(self) -> list[tuple[int, int, int]]:
        """(p, q, start): each kernel offset and, in the wide layout, where its run begins in a flat image."""
        return self._offsets

    @functools.cached_property
    def _offsets(self) -> list[tuple[int, int, int]]:
        (kh, kw), (dh, dw), wp = self.kernel, self.dilation, self.padded[1]
        return [(p, q, p * dh * wp + q * dw) for p in range(kh) for q in range(kw)]

    def column_bytes(self, channels: int, itemsize: int) -> int:
        """Bytes of one batch item's columns: C·kh·kw rows of oh·row entries."""
        return channels * self.kernel[0] * self.kernel[1] * self.out[0] * self.row * itemsize


# ---- im2col and col2im: one chunk of items at a time ---------------------------------------------------

def _padded(x: np.ndarray, geo: Geometry, buffer: Optional[np.ndarray] = None) -> np.ndarray:
    """x (n, C, H, W) inside a zero border (plus one spare zero row in the wide layout, where the last
    offset's run ends past row Hp); `buffer` is one from an earlier chunk: only its interior is rewritten."""
    (top, bottom), (left, right) = geo.padding
    spare = 1 if geo.wide else 0
    if not spare and top == bottom == left == right == 0:
        return x
    n, c, h, w = x.shape
    hp, wp = geo.padded
    out = backend.zeros((n, c, hp + spare, wp), x) if buffer is None else buffer[:n]
    out[:, :, top:top + h, left:left + w] = x
    return out


def im2col(x: np.ndarray, geo: Geometry, out: Optional[np.ndarray] = None,
           padded: Optional[np.ndarray] = None) -> np.ndarray:
    """(N, C, H, W) → (N, groups, C_g·kh·kw, oh·row): item n's column (i, j) holds the window output (i, j)
    reads. `out` and `padded` are buffers to reuse (their first N items are written)."""
    n, c = x.shape[:2]
    (kh, kw), (oh, ow), groups = geo.kernel, geo.out, geo.groups
    if geo.image_columns:
        return x.reshape(n, groups, -1, oh * ow)
    xp = _padded(x, geo, padded)
    cols = np.empty((n, c, kh, kw, oh * geo.row), x.dtype) if out is None else out[:n]
    if geo.wide:
        flat, run = xp.reshape(n, c, -1), oh * geo.row
        for p, q, start in geo.offsets():
            cols[:, :, p, q] = flat[:, :, start:start + run]
    else:
        (sh, sw), (dh, dw) = geo.stride, geo.dilation
        windows = cols.reshape(n, c, kh, kw, oh, ow)
        for p in range(kh):
            for q in range(kw):
                windows[:, :, p, q] = xp[:, :, p * dh:p * dh + sh * (oh - 1) + 1:sh,
                                         q * dw:q * dw + sw * (ow - 1) + 1:sw]
    return cols.reshape(n, groups, -1, oh * geo.row)


def col2im(cols: np.ndarray, geo: Geometry, out: Optional[np.ndarray] = None) -> np.ndarray:
    """The adjoint of im2col: (N, groups, C_g·kh·kw, oh·row) summed back into (N, C, H, W), written into
    `out` when given. One strided slice-add per kernel offset (narrow), or one copy when the windows tile the
    image."""
    n = cols.shape[0]
    (kh, kw), (oh, ow), (h, w) = geo.kernel, geo.out, geo.size
    c = cols.shape[1] * cols.shape[2] // (kh * kw)
    if geo.image_columns:
        image = cols.reshape(n, c, h, w)
    elif geo.wide:
        image = _col2im_wide(cols.reshape(n, c, kh, kw, oh * geo.row), geo)
    else:
        (top, _), (left, _) = geo.padding
        canvas = backend.zeros((n, c, *geo.padded), cols)
        windows = cols.reshape(n, c, kh, kw, oh, ow)
        if all(d == 1 and (s == k or o == 1) for k, s, d, o in zip(geo.kernel, geo.stride, geo.dilation, geo.out)):
            canvas[..., :oh * kh, :ow * kw] = windows.transpose(0, 1, 4, 2, 5, 3).reshape(n, c, oh * kh, ow * kw)
        else:
            (sh, sw), (dh, dw) = geo.stride, geo.dilation
            for p in range(kh):
                for q in range(kw):
                    canvas[:, :, p * dh:p * dh + sh * (oh - 1) + 1:sh,
                           q * dw:q * dw + sw * (ow - 1) + 1:sw] += windows[:, :, p, q]
        image = canvas[:, :, top:top + h, left:left + w]
    if out is None:
        return np.ascontiguousarray(image)
    out[...] = image
    return out


def _col2im_wide(windows: np.ndarray, geo: Geometry) -> np.ndarray:
    """One contiguous-run add per kernel offset into the flattened padded image (the first one a copy)."""
    n, c, run = windows.shape[0], windows.shape[1], windows.shape[-1]
    hp, wp = geo.padded
    (top, _), (left, _) = geo.padding
    canvas = np.empty((n, c, (hp + 1) * wp), windows.dtype)
    canvas[:, :, :run] = windows[:, :, 0, 0]
    canvas[:, :, run:] = 0
    for p, q, start in geo.offsets()[1:]:
        canvas[:, :, start:start + run] += windows[:, :, p, q]
    return canvas.reshape(n, c, hp + 1, wp)[:, :, top:top + geo.size[0], left:left + geo.size[1]]


def output_columns(y: np.ndarray, geo: Geometry, buffer: Optional[np.ndarray] = None) -> np.ndarray:
    """(N, O, oh, ow) → (N, groups, O_g, oh·row), the layout of W·Z; the wide layout's extra columns are 0
    (`buffer`, from an earlier chunk, keeps them 0: only the first ow columns of each row are written)."""
    n, o, oh, ow = y.shape
    if geo.row == ow:
        return y.reshape(n, geo.groups, o // geo.groups, oh * ow)
    out = backend.zeros((n, o, oh, geo.row), y) if buffer is None else buffer[:n]
    out[..., :ow] = y
    return out.reshape(n, geo.groups, o // geo.groups, oh * geo.row)


def output_image(cols: np.ndarray, geo: Geometry, out: Optional[np.ndarray] = None) -> np.ndarray:
    """(N, groups, O_g, oh·row) → (N, O, oh, ow), the wide layout's extra columns dropped; into `out` if given."""
    n = cols.shape[0]
    (oh, ow), o = geo.out, cols.shape[1] * cols.shape[2]
    image = cols.reshape(n, o, oh, geo.row)[..., :ow]
    if out is None:
        return np.ascontiguousarray(image)
    out[...] = image
    return out


# ---- the three convolutions on numbers, chunk by chunk ---------------------------------------------------

@functools.lru_cache(maxsize=1)
def cache_bytes() -> int:
    """The L2 cache of one core, from sysfs; 1 MiB when unknown."""
    try:
        for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
            if (index / "level").read_text().strip() == "2":
                size = (index / "size").read_text().strip().upper()
                return int(size.rstrip("KM")) * {"K": 1 << 10, "M": 1 << 20}.get(size[-1:], 1)
    except (OSError, ValueError):
        pass
    return 1 << 20


CHUNK_CACHES = 4  # a chunk's columns may fill 4 L2 caches: measured on the benchmark's convolutions (see chunks)


def chunks(n: int, item_bytes: int) -> list[slice]:
    """The batch 0..n−1 in chunks of as many items as CHUNK_CACHES·L2 bytes of columns hold (at least one).
    Measured (CPU time of conv fwd+bwd, AMD EPYC, 1 MiB L2): columns of the whole batch cost CIFAR-style 32 ms
    against 18 and depthwise 32 against 9; chunks of 0.5 MiB cost LeNet's C1 3.4 ms against 2.4 (the per-chunk
    calls add up); 1–8 MiB are within noise of each other for CIFAR, and 4 MiB is best or near it everywhere."""
    size = max(1, min(n, CHUNK_CACHES * cache_bytes() // max(1, item_bytes)))
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def _chunk_buffers(x: np.ndarray, geo: Geometry, size: int, dtype: np.dtype) -> tuple:
    """The column buffer and the zero-bordered padded image one chunk of `size` items reuses."""
    c = x.shape[1]
    cols = np.empty((size, c, *geo.kernel, geo.out[0] * geo.row), dtype)
    (top, bottom), (left, right) = geo.padding
    spare = 1 if geo.wide else 0
    bordered = spare or top or bottom or left or right
    padded = np.zeros((size, c, geo.padded[0] + spare, geo.padded[1]), dtype) if bordered else None
    return cols, padded


def conv(x: np.ndarray, w: np.ndarray, geo: Geometry) -> np.ndarray:
    """y = W ⋆ x on numbers: (N, C, H, W) ⋆ (O, C_g, kh, kw) → (N, O, oh, ow), im2col → GEMM per chunk."""
    return conv_with_columns(x, w, geo)[0]


def conv_with_columns(x: np.ndarray, w: np.ndarray, geo: Geometry) -> tuple[np.ndarray, Optional[np.ndarray]]:
    """`conv`, and its column matrix when the whole batch's took one chunk, for conv_weight to reuse: re-reading a
    cache-sized matrix beats rebuilding it (the digits CNN's weight gradients 34 → 17 ms an epoch), while a
    larger one costs more to keep than to rebuild chunk by chunk (CIFAR-style fwd + ∂W 13.1 against 11.3 ms)."""
    n, o, groups = x.shape[0], w.shape[0], geo.groups
    dtype = np.result_type(x, w)
    wm = np.ascontiguousarray(w.reshape(groups, o // groups, -1), dtype)
    y = np.empty((n, o, *geo.out), dtype)
    parts = chunks(n, geo.column_bytes(x.shape[1], dtype.itemsize))
    size = parts[0].stop - parts[0].start
    cols_buf, padded_buf = (None, None) if geo.image_columns else _chunk_buffers(x, geo, size, dtype)
    out_buf = np.empty((size, groups, o // groups, geo.out[0] * geo.row), dtype) if geo.row != geo.out[1] else None
    for part in parts:
        cols = im2col(x[part], geo, cols_buf, padded_buf)
        m = cols.shape[0]
        if geo.out == (1, 1):  # a dense layer (LeNet's C5): one GEMM for the chunk, not one matrix-vector per item
            y[part].reshape(m, groups, o // groups)[...] = np.matmul(cols[..., 0].swapaxes(0, 1),
                                                                     wm.swapaxes(1, 2)).swapaxes(0, 1)
        elif out_buf is None:
            np.matmul(wm, cols, out=y[part].reshape(m, groups, o // groups, -1))
        else:
            output_image(np.matmul(wm, cols, out=out_buf[:m]), geo, out=y[part])
    return y, (cols if len(parts) == 1 and not geo.image_columns else None)


def conv_weight(x: np.ndarray, dy: np.ndarray, geo: Geometry, columns: Optional[np.ndarray] = None) -> np.ndarray:
    """∂E/∂W = Σ_{n,i,j} δ[n,o,i,j] · Z[n,(c,p,q),(i,j)] on numbers: per chunk, im2col of x (or `columns`, the whole
    batch's from conv_with_columns) and one GEMM Z·δᵀ per item, summed over the chunk's items. Measured choices:
    with C_g·kh·kw ≥ 64 rows δᵀ is copied first (BLAS is twice as fast on two row-major operands, LeNet C3 and
    CIFAR); with fewer output positions than O_g (C5's one) the per-item products would outweigh the columns, so
    the chunk is one GEMM (C5 1.3 ms → 0.2)."""
    n, o, groups = x.shape[0], dy.shape[1], geo.groups
    o_g, k_g = o // groups, x.shape[1] // groups * geo.kernel[0] * geo.kernel[1]
    dtype = np.result_type(x, dy)
    positions = geo.out[0] * geo.row
    if columns is not None and columns.shape == (n, groups, k_g, positions) and columns.dtype == dtype:
        parts, size = [slice(0, n)], n
        cols_buf = padded_buf = None
    else:
        parts = chunks(n, geo.column_bytes(x.shape[1], dtype.itemsize))
        size, columns = parts[0].stop - parts[0].start, None
        cols_buf, padded_buf = (None, None) if geo.image_columns else _chunk_buffers(x, geo, size, dtype)
    delta_buf = np.zeros((size, o, geo.out[0], geo.row), dtype) if geo.row != geo.out[1] else None
    delta_t = np.empty((size, groups, positions, o_g), dtype) if positions >= o_g and k_g >= 64 else None
    dw_t = np.zeros((groups, k_g, o_g), dtype)
    for part in parts:
        cols = columns if columns is not None else im2col(x[part], geo, cols_buf, padded_buf)
        delta = output_columns(dy[part], geo, delta_buf)
        m = cols.shape[0]
        if positions < o_g:
            dw_t += np.matmul(cols.transpose(1, 2, 0, 3).reshape(groups, k_g, m * positions),
                              delta.transpose(1, 0, 3, 2).reshape(groups, m * positions, o_g))
        elif delta_t is not None:
            delta_t[:m] = delta.swapaxes(-1, -2)
            dw_t += np.matmul(cols, delta_t[:m]).sum(0)
        else:
            dw_t += np.matmul(cols, delta.swapaxes(-1, -2)).sum(0)
    return dw_t.transpose(0, 2, 1).reshape(o, x.shape[1] // groups, *geo.kernel)


def conv_transpose(dy: np.ndarray, w: np.ndarray, geo: Geometry) -> np.ndarray:
    """x = Wᵀ ⋆ δ on numbers, the adjoint of `conv` in x: (N, O, oh, ow) → (N, C, H, W): GEMM → col2im per
    chunk, or, with stride 1 and a finite W where it moves less data, the convolution of δ padded by
    d(k − 1) − p with the flipped kernel (no col2im; a non-finite W would turn its zero padding into NaN)."""
    if geo.stride == (1, 1) and _flipping_pays(w.shape, geo) and np.isfinite(w).all():
        return _flipped_convolution(dy, w, geo)
    n, o, groups = dy.shape[0], dy.shape[1], geo.groups
    dtype = np.result_type(dy, w)
    c = w.shape[1] * groups
    w_t = np.ascontiguousarray(w.reshape(groups, o // groups, -1).transpose(0, 2, 1), dtype)
    x = np.empty((n, c, *geo.size), dtype)
    parts = chunks(n, geo.column_bytes(c, dtype.itemsize))
    size = parts[0].stop - parts[0].start
    cols_buf = np.empty((size, groups, w_t.shape[1], geo.out[0] * geo.row), dtype)
    delta_buf = np.zeros((size, o, geo.out[0], geo.row), dtype) if geo.row != geo.out[1] else None
    for part in parts:
        delta = output_columns(dy[part], geo, delta_buf)
        if geo.out == (1, 1):  # one GEMM for the chunk, as in `conv`
            cols = np.matmul(delta[..., 0].swapaxes(0, 1), w_t.swapaxes(1, 2)).swapaxes(0, 1)[..., None]
        else:
            cols = np.matmul(w_t, delta, out=cols_buf[:delta.shape[0]])
        col2im(cols, geo, out=x[part])
    return x


def _flipping_pays(w_shape: tuple, geo: Geometry) -> bool:
    """Whether δ_x as a convolution of δ (O_g·k² rows of H·row′ columns per group) moves less data than GEMM +
    col2im (C_g·k² rows of oh·row): a col2im entry (GEMM write, read, add into the image) costs about 2.5 im2col
    entries (copy, GEMM read). Measured: CIFAR 16→32 7.3 ms against 7.4 and depthwise 3.2 against 17 take the
    flip; LeNet's C1 (1.5 against 4.1) and C3 (1.7 against 3.7, its δ padded by 4 on 10×10) do not."""
    o, c_g = w_shape[:2]
    spans = [d * (k - 1) for k, d in zip(geo.kernel, geo.dilation)]
    flipped_width = geo.size[1] + spans[1]
    flipped_row = flipped_width if flipped_width <= WIDE_MAX_RATIO * geo.size[1] else geo.size[1]
    return o // geo.groups * geo.size[0] * flipped_row <= 2.5 * c_g * geo.out[0] * geo.row


def _flipped_convolution(dy: np.ndarray, w: np.ndarray, geo: Geometry) -> np.ndarray:
    """Stride 1: δ_x[s] = Σ_p W[p]·δ[s + top − d·p] = Σ_p' W[k−1−p']·δ_pad[s + d·p'], δ padded by d(k − 1) − top
    before (cropped where that is negative) and by whatever gives H outputs after."""
    groups = geo.groups
    o, c_g, kh, kw = w.shape
    flipped = (w.reshape(groups, o // groups, c_g, kh, kw)[..., ::-1, ::-1].transpose(0, 2, 1, 3, 4)
               .reshape(groups * c_g, o // groups, kh, kw))
    crops, pads = [], []
    for axis in range(2):
        span = geo.dilation[axis] * (geo.kernel[axis] - 1)
        before = span - geo.padding[axis][0]
        after = geo.size[axis] + span - geo.out[axis] - before
        crops.append(slice(max(0, -before), geo.out[axis] - max(0, -after)))
        pads.append((max(0, before), max(0, after)))
    delta = dy[:, :, crops[0], crops[1]]
    size = delta.shape[2:]
    flipped_geo = Geometry.of(np.result_type(dy, w), size, geo.kernel, (1, 1), tuple(pads), geo.dilation, groups,
                              geo.size)
    return conv(delta, flipped, flipped_geo)
