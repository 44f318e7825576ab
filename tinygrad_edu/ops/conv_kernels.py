"""im2col and its adjoint col2im on arrays, and the three convolutions built on them: the column matrix Z of
lecture F31 (one row per (channel, kernel offset), one column per output position) turns a convolution into
a GEMM, W · Z.

Z is laid out item by item, (N, groups, C_g·kh·kw, oh·row): a batch item's numbers go image → columns → GEMM
→ output without a transpose, and the columns of a 1×1 convolution (or of one whose kernel covers the image)
are the image itself, a view. An item's columns come in two layouts:

* narrow, any stride and dtype: the oh×ow output positions, gathered with kh·kw strided copies (with stride 1
  in height: kw strided copies, then kh·kw contiguous runs of them) and summed back with kh·kw strided
  slice-adds;
* wide, stride 1 on numbers: each output row is as wide as the padded input row (Wp ≥ ow columns), so a
  kernel offset (p, q) reads one contiguous run of the flattened padded image, starting at p·d·Wp + q·d.
  The Wp − ow extra columns are never read back: their outputs are dropped and the δ fed into them is zero.

On numbers, `conv`, `conv_weight` and `conv_transpose` run over the batch in chunks whose columns fit in the
cache, im2col → GEMM → output per chunk: a whole batch's Z (tens of MB) would go out to memory between im2col
and the GEMM, and again for each of the backward GEMMs. With stride 1 three kernels leave Z aside where that
moves less data: `conv_transpose` as the convolution of δ with the flipped kernel; "framed" kernels, which lay
a chunk's padded images (or δ's) end to end per channel in frames of Hp·Wp entries (or tighter ones that share
their zero border, `tight_frame`), so that a kernel offset is a shift of one long run and only kw (or kh)
shifted copies are made (`_framed_transpose` for short runs, `_framed_conv` for depthwise convolutions); and
`conv_backward`, both gradients from one framed layout of δ and x. The shifted copies are blocks of one buffer
spaced apart so that copying between them runs at full speed (`_blocks`). SymPy values use im2col/col2im on the
whole batch (ops/conv.py).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from .. import backend
from . import scratch

Pair = tuple[int, int]
Padding = tuple[Pair, Pair]
# Wide layout only while Wp/ow ≤ this: LeNet's 5×5 conv on a 5×5 map would do 5× the GEMM work. With stride 1
# in height the narrow im2col also copies contiguous runs (kw strided copies first, see im2col), so C3's 14/10 =
# 1.4 now goes narrow (its conv fwd+bwd 3.01 → 2.85 ms, 40 % less GEMM work), while LeNet's C1 (32/28) and the
# CIFAR-style 34/32 stay wide. Exact, as a fraction.
WIDE_MAX_RATIO = Fraction(5, 4)



def _kernel(kernel: Callable) -> Callable:
    """A kernel whose GEMMs meet ∞·0 and ∞ − ∞ without NumPy's warnings: NaN is the value, as in PyTorch (a fresh
    np.errstate per call, ~1 µs against a convolution's milliseconds; the caller's settings are restored), and whose
    scratch arrays (`scratch.empty`/`scratch.zeros`, never what it returns) are borrowed from one call to the next:
    a LeNet-5 step's ~1,700 page faults of mapping them anew, ≈ 6 ms without `keep_freed_memory`."""
    borrowing = scratch.borrowing(kernel)

    @functools.wraps(kernel)
    def run(*args, **kwargs):
        with np.errstate(all="ignore"):
            return borrowing(*args, **kwargs)

    return run


def _at_most_wide(width: int, out: int) -> bool:
    """width ≤ WIDE_MAX_RATIO·out, exactly, in integers (Fraction arithmetic costs µs on every call)."""
    return width * WIDE_MAX_RATIO.denominator <= WIDE_MAX_RATIO.numerator * out


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
    @functools.lru_cache(maxsize=1024)
    def of(cls, dtype: np.dtype, size: Pair, kernel: Pair, stride: Pair, padding: Padding, dilation: Pair,
           groups: int, out: Pair) -> "Geometry":
        """The geometry, wide when the stride is 1, the values are numbers (SymPy objects would pay for every
        extra column) and the extra columns add at most 25 % to the GEMMs. Cached per arguments (tuples): a
        training step asks for the same few geometries every time, and a Geometry is immutable."""
        padded_width = size[1] + padding[1][0] + padding[1][1]
        wide = (tuple(stride) == (1, 1) and np.dtype(dtype).kind in "fc"
                and _at_most_wide(padded_width, out[1]))
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
        stride 1 whose output is the whole image or a kernel as large as the image (one output position, LeNet's
        C5). A transposed convolution's δ_y can want fewer outputs than the image gives (output_padding < dilation
        with stride 1: its last rows are never read), and then takes the columns."""
        pointwise = self.kernel == (1, 1) and self.stride == (1, 1) and self.out == self.size
        whole = self.kernel == self.size and self.dilation == (1, 1) and self.out == (1, 1)
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
    elif geo.stride[0] == 1 and kh > 1:
        # kw strided copies of the columns each offset q reads (all rows), then each (p, q) is rows d·p … d·p + oh − 1
        # of one of them: a contiguous run of oh·ow. LeNet's C3: 0.29 ms against 0.52 for kh·kw strided copies.
        sw, (dh, dw) = geo.stride[1], geo.dilation
        shifted = scratch.empty((n, c, kw, xp.shape[2], ow), x.dtype)
        for q in range(kw):
            shifted[:, :, q] = xp[:, :, :, q * dw:q * dw + sw * (ow - 1) + 1:sw]
        flat = shifted.reshape(n, c, kw, -1)
        for p in range(kh):
            cols[:, :, p] = flat[:, :, :, p * dh * ow:(p * dh + oh) * ow]
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


# The framed input gradient (_framed_transpose) only where an item's run of columns is shorter than this.
FRAMED_MAX_RUN = 256

CHUNK_CACHES = 4  # a chunk's columns may fill 4 L2 caches: measured on the benchmark's convolutions (see chunks)


def chunks(n: int, item_bytes: int) -> list[slice]:
    """The batch 0..n−1 in chunks of as many items as CHUNK_CACHES·L2 bytes of columns hold (at least one).
    Measured (CPU time of conv fwd+bwd, AMD EPYC, 1 MiB L2): columns of the whole batch cost CIFAR-style 32 ms
    against 18 and depthwise 32 against 9; chunks of 0.5 MiB cost LeNet's C1 3.4 ms against 2.4 (the per-chunk
    calls add up); 1–8 MiB are within noise of each other for CIFAR, and 4 MiB is best or near it everywhere."""
    size = max(1, min(n, CHUNK_CACHES * cache_bytes() // max(1, item_bytes)))
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


SAFE_MIN = 256  # bytes (see _blocks)


def _blocks(buffer: np.ndarray, count: int, rows: int, run: int, shifts: list[int]) -> np.ndarray:
    """`count` blocks of rows × run entries in `buffer` (block 0 at its start), for copies from block 0 into block k
    whose destination starts shifts[k − 1] entries after its source (relative to their blocks). Blocks are spaced
    so that neither such a copy's destination nor block k itself starts within SAFE_MIN bytes of a multiple of
    4 KiB from where block 0 is read: there stores and later loads alias in the CPU (4K aliasing). Measured on the
    depthwise backward: two shifted copies of δ with blocks 2·2¹² bytes apart 1.55 ms against 0.25 a little further
    apart, and its ∂E/∂W GEMM over rows of two blocks 0.16 against 0.08 ms a chunk."""
    length = rows * run
    stride = _block_stride(length, buffer.itemsize, tuple(shifts))
    return buffer[:count * stride].reshape(count, stride)[:, :length].reshape(count, rows, run)


@functools.lru_cache(maxsize=256)
def _block_stride(length: int, itemsize: int, shifts: tuple) -> int:
    """The spacing of `_blocks` (searched once per geometry: the search is 0.05 ms of Python)."""
    for gap in range(0, 4096 // itemsize, max(1, 64 // itemsize)):
        if all(SAFE_MIN <= ((k * (length + gap) + d) * itemsize) % 4096 <= 4096 - SAFE_MIN
               for k, shift in enumerate(shifts, 1) for d in (0, shift)):
            return length + gap
    return length


def _block_entries(count: int, rows: int, run: int, itemsize: int) -> int:
    """The size of a buffer that holds any `_blocks(…, count, rows, run′ ≤ run, …)`."""
    return count * (rows * run + 4096 // itemsize)


def _chunk_buffers(x: np.ndarray, geo: Geometry, size: int, dtype: np.dtype, kept: bool = False) -> tuple:
    """The column buffer and the zero-bordered padded image one chunk of `size` items reuses (borrowed scratch; the
    columns a fresh array when they are `kept` after the kernel returns)."""
    c = x.shape[1]
    cols = (np.empty if kept else scratch.empty)((size, c, *geo.kernel, geo.out[0] * geo.row), dtype)
    (top, bottom), (left, right) = geo.padding
    spare = 1 if geo.wide else 0
    bordered = spare or top or bottom or left or right
    padded = scratch.zeros((size, c, geo.padded[0] + spare, geo.padded[1]), dtype) if bordered else None
    return cols, padded


def conv(x: np.ndarray, w: np.ndarray, geo: Geometry) -> np.ndarray:
    """y = W ⋆ x on numbers: (N, C, H, W) ⋆ (O, C_g, kh, kw) → (N, O, oh, ow), im2col → GEMM per chunk."""
    return conv_with_columns(x, w, geo)[0]


@_kernel
def conv_with_columns(x: np.ndarray, w: np.ndarray, geo: Geometry) -> tuple[np.ndarray, Optional[np.ndarray]]:
    """`conv`, and its column matrix when the whole batch's took one chunk, for conv_weight to reuse: re-reading a
    cache-sized matrix beats rebuilding it (the digits CNN's weight gradients 34 → 17 ms an epoch), while a
    larger one costs more to keep than to rebuild chunk by chunk (CIFAR-style fwd + ∂W 13.1 against 11.3 ms)."""
    if _framed_forward_pays(w.shape, geo):
        return _framed_conv(x, w, geo), None
    n, o, groups = x.shape[0], w.shape[0], geo.groups
    dtype = np.result_type(x, w)
    wm = np.ascontiguousarray(w.reshape(groups, o // groups, -1), dtype)
    y = np.empty((n, o, *geo.out), dtype)
    parts = chunks(n, geo.column_bytes(x.shape[1], dtype.itemsize))
    size = parts[0].stop - parts[0].start
    cols_buf, padded_buf = (None, None) if geo.image_columns else _chunk_buffers(x, geo, size, dtype, len(parts) == 1)
    out_buf = scratch.empty((size, groups, o // groups, geo.out[0] * geo.row), dtype) if geo.row != geo.out[1] else None
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


def _framed_forward_pays(w_shape: tuple, geo: Geometry) -> bool:
    """Depthwise (one input and one output channel per group), stride 1, on numbers: per-item columns would be
    kh·kw copies of the image for one matrix-vector product per item and channel. Measured (ms, per-item columns →
    `_framed_conv`): 32 channels of 32² 3×3 2.15 → 1.6, 5×5 4.3 → 2.9, 64 of 16² 1.33 → 1.06; a channel multiplier
    of 2 gains 10 % (2.70 → 2.45), of 4 or 6 loses (16 → 64 on 16²: 0.62 → 0.75; LeNet's C1: 0.51 → 0.69)."""
    o, c_g = w_shape[:2]
    return geo.stride == (1, 1) and c_g == 1 and o == geo.groups and geo.kernel != (1, 1) and not geo.image_columns


def tight_frame(geo: Geometry) -> Pair:
    """Rows and columns of a frame that shares its zero border with the next one: Hp·Wp frames end to end hold
    bottom + top zero rows between two images (and right + left zero columns between two rows) where a window
    reading past one needs only max(top, bottom) (max(left, right)): it reads on into the next frame's top rows (the
    next row's left columns), zeros too. At least oh × ow, so that each frame holds its outputs (LeNet-like 3×3,
    padding 1 on 32²: 33·33 = 1089 entries against 34·34 = 1156, 6 % less work per pass)."""
    (h, width), (oh, ow), ((top, bottom), (left, right)) = geo.size, geo.out, geo.padding
    return max(h + max(top, bottom), oh), max(width + max(left, right), ow)


def _framed_conv(x: np.ndarray, w: np.ndarray, geo: Geometry) -> np.ndarray:
    """y = W ⋆ x for one input channel per group (C groups, O_g outputs each), stride 1, with each channel's chunk of
    padded images laid end to end in tight frames of fh·fw (`tight_frame`): x is written into the first of kw
    copies shifted by q·d (kw blocks of C rows, so copying one into another is one non-overlapping copy), one GEMM
    per channel (kh·O_g × kw) gives a row per (p, o), and y is row p = 0 plus rows p read from p·d·fw on, off each
    frame's oh×ow corner. An output in the corner sums exactly the products of Σ W·x_pad (the zero border
    included, the last frame's bottom border in a zero tail after the chunk's frames), in the order Σ_p Σ_q; the
    rest is dropped. Measured (32 channels of 32², 3×3): one GEMM per p, each added, 2.05 ms → one GEMM 1.5 (rows
    of copies interleaved per channel 1.85, as NumPy copies overlapping operands first; as kh·kw multiply-adds of
    shifted views 2.5; as one einsum over them 19)."""
    n, c = x.shape[:2]
    o = w.shape[0]
    dtype = np.result_type(x, w)
    (kh, kw), (oh, ow), (h, width) = geo.kernel, geo.out, geo.size
    ((top, _), (left, _)), (dh, dw) = geo.padding, geo.dilation
    (fh, fw), o_g = tight_frame(geo), o // c
    frame, reach = fh * fw, (kh - 1) * dh * fw  # rows p read up to `reach` entries past the chunk's frames
    extra = reach + (kw - 1) * dw  # and copy q reads q·d further: a zero tail of `extra` after copy 0's frames
    w_rows = np.ascontiguousarray(w.reshape(c, o_g, kh, kw).transpose(0, 2, 1, 3).reshape(c, kh * o_g, kw), dtype)
    y = np.empty((n, o, oh, ow), dtype)
    parts = chunks(n, (c * kw + o * kh) * frame * dtype.itemsize)
    size = parts[0].stop - parts[0].start
    shifted_buf = scratch.zeros(_block_entries(kw, c, size * frame + extra, dtype.itemsize), dtype)
    rows_buf = scratch.empty(o * kh * (size * frame + reach), dtype)
    for part in parts:
        m = part.stop - part.start
        run = m * frame
        shifted = _blocks(shifted_buf, kw, c, run + extra, [-q * dw for q in range(1, kw)])
        if m != size:  # a shorter last chunk lays its frames (and tail) out afresh
            shifted[0] = 0
        shifted[0, :, :run].reshape(c, m, fh, fw)[:, :, top:top + h, left:left + width] = x[part].transpose(1, 0, 2, 3)
        for q in range(1, kw):  # x[t + q·d] for every t the GEMM reads (its last q·d entries are never read)
            shifted[q, :, :run + extra - q * dw] = shifted[0, :, q * dw:]
        rows = np.matmul(w_rows, shifted[:, :, :run + reach].transpose(1, 0, 2),
                         out=rows_buf[:o * kh * (run + reach)].reshape(c, kh * o_g, run + reach))
        rows = rows.reshape(c, kh, o_g, run + reach)
        out = rows[:, 0, :, :run]
        for p in range(1, kh):
            out += rows[:, p, :, p * dh * fw:p * dh * fw + run]
        y[part].reshape(m, c, o_g, oh, ow)[...] = (out.reshape(c, o_g, m, fh, fw)[..., :oh, :ow]
                                                   .transpose(2, 0, 1, 3, 4))
    return y


@_kernel
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
    delta_buf = scratch.zeros((size, o, geo.out[0], geo.row), dtype) if geo.row != geo.out[1] else None
    delta_t = scratch.empty((size, groups, positions, o_g), dtype) if positions >= o_g and k_g >= 64 else None
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


@_kernel
def conv_transpose(dy: np.ndarray, w: np.ndarray, geo: Geometry) -> np.ndarray:
    """x = Wᵀ ⋆ δ on numbers, the adjoint of `conv` in x: (N, O, oh, ow) → (N, C, H, W): GEMM → col2im per
    chunk, or, with stride 1 and a finite W where it moves less data, the convolution of δ padded by
    d(k − 1) − p with the flipped kernel (no col2im) or the framed GEMM → col2im (`_framed_transpose`); a
    non-finite W would turn either's zeros into NaN. A kernel that covers the image (one output position: a dense
    layer, LeNet's C5) is one GEMM per group, δ · W, written straight into x (0.12 → 0.07 ms for C5)."""
    if geo.image_columns and geo.out == (1, 1):
        return _dense_transpose(dy, w, geo)
    if geo.stride == (1, 1) and np.isfinite(w).all():
        if _flipping_pays(w.shape, geo):
            return _flipped_convolution(dy, w, geo)
        if _framing_pays(w.shape, geo):
            return _framed_transpose(dy, w, geo)
    n, o, groups = dy.shape[0], dy.shape[1], geo.groups
    dtype = np.result_type(dy, w)
    c = w.shape[1] * groups
    w_t = np.ascontiguousarray(w.reshape(groups, o // groups, -1).transpose(0, 2, 1), dtype)
    x = np.empty((n, c, *geo.size), dtype)
    parts = chunks(n, geo.column_bytes(c, dtype.itemsize))
    size = parts[0].stop - parts[0].start
    cols_buf = scratch.empty((size, groups, w_t.shape[1], geo.out[0] * geo.row), dtype)
    delta_buf = scratch.zeros((size, o, geo.out[0], geo.row), dtype) if geo.row != geo.out[1] else None
    for part in parts:
        delta = output_columns(dy[part], geo, delta_buf)
        if geo.out == (1, 1):  # one GEMM for the chunk, as in `conv`
            cols = np.matmul(delta[..., 0].swapaxes(0, 1), w_t.swapaxes(1, 2)).swapaxes(0, 1)[..., None]
        else:
            cols = np.matmul(w_t, delta, out=cols_buf[:delta.shape[0]])
        col2im(cols, geo, out=x[part])
    return x


def _dense_transpose(dy: np.ndarray, w: np.ndarray, geo: Geometry) -> np.ndarray:
    """x[n, g, :] = Σ_o δ[n, g·O_g + o] · W[g·O_g + o, :] for a kernel that covers the image: δ (N, O, 1, 1) times W
    (O, C_g·H·W) per group, the adjoint of `conv`'s one GEMM for the chunk."""
    n, o, groups = dy.shape[0], dy.shape[1], geo.groups
    dtype = np.result_type(dy, w)
    c = w.shape[1] * groups
    x = np.empty((n, c, *geo.size), dtype)
    np.matmul(dy.reshape(n, groups, o // groups).swapaxes(0, 1), w.reshape(groups, o // groups, -1),
              out=x.reshape(n, groups, -1).swapaxes(0, 1), dtype=dtype)
    return x


def _framing_pays(w_shape: tuple, geo: Geometry) -> bool:
    """Whether `_framed_transpose` beats per-item GEMM + col2im: runs shorter than FRAMED_MAX_RUN entries per item
    and channel (their N·C_g·kh·kw adds are mostly call overhead) and more rows of per-item columns (C_g·kh·kw)
    than shifted δ rows (O_g·kw) to copy instead. Measured (ms, old → framed): LeNet C3 2.12 → 1.18, 8→32 5×5 on
    12² 2.53 → 2.12, 16→16 3×3 on 8² 1.08 → 0.50; kept per item: 3→16 on 8² (0.21 against 0.24), 1→32 on 14²
    (0.36 against 1.45), LeNet C1 with its runs of 896 (1.29 against 1.78)."""
    o, c_g, kh, _ = w_shape
    return (not geo.image_columns and geo.out[0] * geo.row < FRAMED_MAX_RUN
            and c_g * kh > o // geo.groups)


def _framed_transpose(dy: np.ndarray, w: np.ndarray, geo: Geometry) -> np.ndarray:
    """Stride 1, finite W: GEMM → col2im with every channel's chunk of items laid end to end. δ sits in frames of
    Hp·Wp entries (the padded image's size, zero outside its oh×ow corner), so kernel offset (p, q) adds W[:, :, p, q]ᵀ·δ
    into the flat image at p·d·Wp + q·d + t: a frame's zeros give W·0 = 0 wherever they land, also in the next
    item's frame. The q's go into the GEMM (kw copies of δ shifted by q·d, K = O_g·kw), so one GEMM gives a row per
    (c, p) and col2im is kh adds of C long runs. Against per-item columns it does (Hp·Wp)/(oh·row) times the GEMM
    work but replaces N·C·kh·kw short adds by C·kh long ones: LeNet's C3 input gradient 1.29 → 1.14 ms (25 offsets
    as rows) → 1.0 (q's in the GEMM). Where it pays: `_framing_pays`."""
    n, o, groups = dy.shape[0], dy.shape[1], geo.groups
    dtype = np.result_type(dy, w)
    c, (kh, kw), (oh, ow), (h, width) = w.shape[1] * groups, geo.kernel, geo.out, geo.size
    (hp, wp), ((top, _), (left, _)), (dh, dw) = geo.padded, geo.padding, geo.dilation
    o_g, c_g = o // groups, c // groups
    frame, lead, tail = hp * wp, (kw - 1) * dw, (kh - 1) * dh * wp
    # W as (group, (c, p), (o, q)): row (c, p) of the GEMM sums offset p's kw taps over δ shifted by q·d
    w_rows = np.ascontiguousarray(w.reshape(groups, o_g, c_g, kh, kw).transpose(0, 2, 3, 1, 4)
                                  .reshape(groups, c_g * kh, o_g * kw), dtype)
    x = np.empty((n, c, h, width), dtype)
    parts = chunks(n, c * kh * kw * frame * dtype.itemsize)
    size = parts[0].stop - parts[0].start
    delta_buf = scratch.zeros(o * (lead + size * frame), dtype)  # `lead` zeros before the first frame: δ[t − q·d] = 0
    shifted_buf = scratch.empty(o * kw * size * frame, dtype)
    rows_buf = scratch.empty(c * kh * size * frame, dtype)
    canvas_buf = scratch.empty(c * (size * frame + tail), dtype)
    for part in parts:
        m = part.stop - part.start
        run = m * frame
        delta = delta_buf[:o * (lead + run)].reshape(o, lead + run)
        if m != size:  # a shorter last chunk lays its frames out afresh
            delta[...] = 0
        delta[:, lead:].reshape(o, m, hp, wp)[:, :, :oh, :ow] = dy[part].transpose(1, 0, 2, 3)
        shifted = shifted_buf[:o * kw * run].reshape(o, kw, run)
        for q in range(kw):
            shifted[:, q] = delta[:, lead - q * dw:lead - q * dw + run]
        rows = np.matmul(w_rows, shifted.reshape(groups, o_g * kw, run),
                         out=rows_buf[:c * kh * run].reshape(groups, c_g * kh, run)).reshape(c, kh, run)
        canvas = canvas_buf[:c * (run + tail)].reshape(c, run + tail)
        canvas[:, :run] = rows[:, 0]
        canvas[:, run:] = 0
        for p in range(1, kh):
            canvas[:, p * dh * wp:p * dh * wp + run] += rows[:, p]
        x[part] = canvas[:, :run].reshape(c, m, hp, wp)[:, :, top:top + h, left:left + width].transpose(1, 0, 2, 3)
    return x


def _flipping_pays(w_shape: tuple, geo: Geometry) -> bool:
    """Whether δ_x as a convolution of δ (O_g·k² rows of H·row′ columns per group) moves less data than GEMM +
    col2im (C_g·k² rows of oh·row): a col2im entry (GEMM write, read, add into the image) costs about 2.5 im2col
    entries (copy, GEMM read). Measured: CIFAR 16→32 7.3 ms against 7.4 and depthwise 3.2 against 17 take the
    flip; LeNet's C1 (1.5 against 4.1) and C3 (1.7 against 3.7, its δ padded by 4 on 10×10) do not."""
    o, c_g = w_shape[:2]
    spans = [d * (k - 1) for k, d in zip(geo.kernel, geo.dilation)]
    flipped_width = geo.size[1] + spans[1]
    flipped_row = flipped_width if _at_most_wide(flipped_width, geo.size[1]) else geo.size[1]
    return o // geo.groups * geo.size[0] * flipped_row <= 2.5 * c_g * geo.out[0] * geo.row


def _flipped(dy: np.ndarray, w: np.ndarray, geo: Geometry) -> tuple[np.ndarray, np.ndarray, Geometry]:
    """Stride 1: δ_x[s] = Σ_p W[p]·δ[s + top − d·p] = Σ_p' W[k−1−p']·δ_pad[s + d·p'], δ padded by d(k − 1) − top
    before (cropped where that is negative: those δ rows only meet x's zero border) and by whatever gives H
    outputs after. Returns the flipped kernel (C, O_g, kh, kw), the cropped δ and the geometry of that convolution."""
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
    flipped_geo = Geometry.of(np.result_type(dy, w), delta.shape[2:], geo.kernel, (1, 1), tuple(pads), geo.dilation,
                              groups, geo.size)
    return flipped, delta, flipped_geo


def _flipped_convolution(dy: np.ndarray, w: np.ndarray, geo: Geometry) -> np.ndarray:
    """δ_x as the convolution of (cropped, padded) δ with the flipped kernel (see _flipped)."""
    flipped, delta, flipped_geo = _flipped(dy, w, geo)
    return conv(delta, flipped, flipped_geo)


def fuses_backward(w: np.ndarray, geo: Geometry) -> bool:
    """Whether `conv_backward` applies: stride 1 on numbers with a finite W, where δ_x would take the flipped-kernel
    convolution (δ with as few channels as x or fewer, per kernel row: depthwise, CIFAR-style; LeNet's C3 and C1,
    with 2.7× and 6× the channels in δ, are faster apart: C3 1.8 ms against 2.4), and not where the image is its
    own column matrix (a 1×1 convolution's two backward GEMMs copy nothing)."""
    return (geo.stride == (1, 1) and w.dtype.kind in "fc" and not geo.image_columns and _flipping_pays(w.shape, geo)
            and bool(np.isfinite(w).all()))


@_kernel
def conv_backward(dy: np.ndarray, x: np.ndarray, w: np.ndarray,
                  geo: Geometry) -> tuple[np.ndarray, Optional[np.ndarray]]:
    """δ_x and ∂E/∂W together, where `fuses_backward`, in tight frames of fh·fw (`tight_frame`): per chunk, δ in
    frames and shifted by q·d (kw blocks of O rows, made once) gives δ_x = Σ_p (W-rows · δ-shifted) added at p·d·fw,
    and x in the same frames (its zero border included, zeros past the chunk's frames) shifted by p·d·fw (kh blocks
    of C rows) gives ∂E/∂W[o, c, p, q] = Σ_u δ-shifted[(q, o), u] · x-shifted[(p, c), u]: a frame's zeros meet only
    finite x entries and give 0, every other product is one of Σ δ·x_pad's. Neither operand's kh·kw-row im2col is
    built. Each kind of copy is a block (δ and x are written into block 0 and block 0 is copied into the others:
    blocks do not overlap, so NumPy copies straight, `_blocks`), a GEMM's K rows are (q, o) and (p, c), one run of
    rows per group where a group has one output or one input channel or there is one group (depthwise,
    CIFAR-style; any other grouping copies them together), and δ_x's rows are summed in place into row p = 0.
    Depthwise 3×3 backward (ms): 5.1 (separate δ_x and ∂E/∂W) → 3.7 (one im2col of δ for both) → 3.4 (Hp·Wp
    frames, rows copied from interleaved runs, summed on a canvas) → 3.0 (blocks, in place, tight frames);
    CIFAR-style 11.5 → 10.6 → 10.3 → 9.5 (the last two side by side). ∂E/∂W is None where it comes out non-finite
    (a frame's 0 may have met an inf of x as 0·inf): the caller redoes it with `conv_weight`."""
    n, o, groups = dy.shape[0], dy.shape[1], geo.groups
    dtype = np.result_type(dy, w, x)
    c, (kh, kw), (oh, ow), (h, width) = x.shape[1], geo.kernel, geo.out, geo.size
    ((top, _), (left, _)), (dh, dw) = geo.padding, geo.dilation
    (fh, fw), o_g, c_g = tight_frame(geo), o // groups, c // groups
    frame = fh * fw
    # W as (group, (c, p), (q, o)): row (c, p) of the GEMM sums offset p's kw taps over δ shifted by q·d
    w_rows = np.ascontiguousarray(w.reshape(groups, o_g, c_g, kh, kw).transpose(0, 2, 3, 4, 1)
                                  .reshape(groups, c_g * kh, kw * o_g), dtype)
    dx = np.empty((n, c, h, width), dtype)
    dw_t = np.zeros((groups, kw * o_g, kh * c_g), dtype)
    parts = chunks(n, (o * kw + c * kh) * frame * dtype.itemsize)
    size = parts[0].stop - parts[0].start
    # Block 0 of each holds δ (or x) at its frames' corners (interiors) and zeros elsewhere: only those are ever
    # written, and a shorter chunk's block 0 is a prefix of the frames of the first chunk's.
    delta_buf = scratch.zeros(_block_entries(kw, o, size * frame, dtype.itemsize), dtype)
    image_buf = scratch.zeros(_block_entries(kh, c, size * frame, dtype.itemsize), dtype)
    rows_buf = scratch.empty(c * kh * size * frame, dtype)
    for part in parts:
        m = part.stop - part.start
        run = m * frame
        shifted = _blocks(delta_buf, kw, o, run, [q * dw for q in range(1, kw)])
        shifted[0].reshape(o, m, fh, fw)[:, :, :oh, :ow] = dy[part].transpose(1, 0, 2, 3)
        for q in range(1, kw):  # δ[t − q·d], 0 before the first frame
            shift = min(q * dw, run)  # a shift may pass a chunk of tight frames
            shifted[q, :, shift:] = shifted[0, :, :run - shift]
            shifted[q, :, :shift] = 0
        shifted = shifted.reshape(kw, groups, o_g, run).transpose(1, 0, 2, 3).reshape(groups, kw * o_g, run)
        rows = np.matmul(w_rows, shifted, out=rows_buf[:c * kh * run].reshape(groups, c_g * kh, run))
        rows = rows.reshape(groups, c_g, kh, run)
        image = rows[:, :, 0]
        for p in range(1, kh):
            shift = min(p * dh * fw, run)
            image[..., shift:] += rows[:, :, p, :run - shift]
        dx[part].reshape(m, groups, c_g, h, width)[...] = (
            image.reshape(groups, c_g, m, fh, fw)[..., top:top + h, left:left + width].transpose(2, 0, 1, 3, 4))
        x_rows = _blocks(image_buf, kh, c, run, [-p * dh * fw for p in range(1, kh)])
        x_rows[0].reshape(c, m, fh, fw)[:, :, top:top + h, left:left + width] = x[part].transpose(1, 0, 2, 3)
        for p in range(1, kh):  # x[t + p·d·fw], 0 past the chunk's frames (the last item's bottom border)
            shift = min(p * dh * fw, run)
            x_rows[p, :, :run - shift] = x_rows[0, :, shift:]
            x_rows[p, :, run - shift:] = 0
        x_rows = x_rows.reshape(kh, groups, c_g, run).transpose(1, 0, 2, 3).reshape(groups, kh * c_g, run)
        dw_t += np.matmul(shifted, x_rows.swapaxes(-1, -2))
    if not np.isfinite(dw_t).all():
        return dx, None
    dw_t = dw_t.reshape(groups, kw, o_g, kh, c_g).transpose(0, 2, 4, 3, 1)
    return dx, np.ascontiguousarray(dw_t.reshape(o, c_g, kh, kw))
