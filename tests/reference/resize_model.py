#!/usr/bin/env python3
"""Integer re-implementation of the two uint8 resizes SHARP depends on.

This file is the executable form of the description in
``tests/fixtures/golden/resize/README.md``.  It follows that text step by step
(plain Python floats are IEEE doubles, ``np.float32`` gives single precision,
and all pixel arithmetic is integer), and checks itself against the real
libraries:

* ``pil_resize_u8``   == Pillow 9.3 ``Image.resize`` (BICUBIC / BILINEAR) for
  8-bit "L" and "RGB" images,
* ``cv2_linear_u8``   == OpenCV 4.8 ``cv2.resize(img, (w, h))`` (INTER_LINEAR)
  for uint8 images with 1 or 3 channels.

Run (reference virtualenv):

    ~/.venvs/reference/bin/python tests/reference/resize_model.py [--random N]

It asserts bit-exact equality on every stored vector in
``tests/fixtures/golden/resize/`` and on N random size pairs per library
(default 300), and exits non-zero on the first mismatch.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "fixtures" / "golden" / "resize"

# --------------------------------------------------------------------------------------
# Pillow (libImaging/Resample.c, 8 bits per channel)
# --------------------------------------------------------------------------------------

PIL_PRECISION_BITS = 32 - 8 - 2  # 22


def pil_bicubic(x: float) -> float:
    """Keys cubic convolution kernel with a = -0.5 (support 2)."""
    a = -0.5
    x = abs(x)
    if x < 1.0:
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1
    if x < 2.0:
        return (((x - 5) * x + 8) * x - 4) * a
    return 0.0


def pil_bilinear(x: float) -> float:
    """Triangle kernel (support 1)."""
    x = abs(x)
    return 1.0 - x if x < 1.0 else 0.0


PIL_FILTERS = {"bicubic": (pil_bicubic, 2.0), "bilinear": (pil_bilinear, 1.0)}


def _c_trunc(v: float) -> int:
    """C's (int) conversion of a double: truncation toward zero."""
    return int(v)


def pil_coefficients(in_size: int, out_size: int, filt: str):
    """Per output index: first source index, tap count and 22-bit integer weights.

    Mirrors precompute_coeffs() followed by normalize_coeffs_8bpc().
    """
    kernel, base_support = PIL_FILTERS[filt]
    scale = float(in_size) / out_size               # (double)(in1 - in0) / outSize, box = (0, size)
    filterscale = max(scale, 1.0)
    support = base_support * filterscale
    ss = 1.0 / filterscale
    taps = []
    for xx in range(out_size):
        center = 0.0 + (xx + 0.5) * scale
        xmin = max(_c_trunc(center - support + 0.5), 0)
        xmax = min(_c_trunc(center + support + 0.5), in_size) - xmin
        w = [kernel((x + xmin - center + 0.5) * ss) for x in range(xmax)]
        ww = 0.0
        for v in w:                                # sequential double sum, like the C loop
            ww += v
        if ww != 0.0:
            w = [v / ww for v in w]
        one = float(1 << PIL_PRECISION_BITS)
        k = [_c_trunc(-0.5 + v * one) if v < 0 else _c_trunc(0.5 + v * one) for v in w]
        taps.append((xmin, np.array(k, dtype=np.int64)))
    return taps


def _pil_clip8(acc: np.ndarray) -> np.ndarray:
    """clip8(): arithmetic shift by 22 then clamp to [0, 255] (lookup table in C)."""
    return np.clip(acc >> PIL_PRECISION_BITS, 0, 255).astype(np.uint8)


def pil_resize_u8(img: np.ndarray, out_w: int, out_h: int, filt: str = "bicubic") -> np.ndarray:
    """Pillow Image.resize((out_w, out_h), filt) for HxW or HxWxC uint8 arrays."""
    src = img.astype(np.int64)
    squeeze = src.ndim == 2
    if squeeze:
        src = src[..., None]
    in_h, in_w = src.shape[:2]
    if (in_w, in_h) == (out_w, out_h):
        return img.copy()
    need_h = out_w != in_w
    need_v = out_h != in_h
    htaps = pil_coefficients(in_w, out_w, filt)
    vtaps = pil_coefficients(in_h, out_h, filt)
    # Rows the vertical pass will read; the horizontal pass only computes those.
    y_first = vtaps[0][0]
    y_last = vtaps[-1][0] + len(vtaps[-1][1])
    rounding = 1 << (PIL_PRECISION_BITS - 1)
    cur = src
    if need_h:
        rows = src[y_first:y_last]
        tmp = np.empty((rows.shape[0], out_w, src.shape[2]), dtype=np.int64)
        for xx, (xmin, k) in enumerate(htaps):
            acc = rounding + np.tensordot(rows[:, xmin:xmin + len(k), :], k, axes=([1], [0]))
            tmp[:, xx, :] = _pil_clip8(acc)
        cur = tmp
        vtaps = [(ymin - y_first, k) for ymin, k in vtaps]
    if need_v:
        out = np.empty((out_h, cur.shape[1], src.shape[2]), dtype=np.int64)
        for yy, (ymin, k) in enumerate(vtaps):
            acc = rounding + np.tensordot(k, cur[ymin:ymin + len(k)], axes=([0], [0]))
            out[yy] = _pil_clip8(acc)
        cur = out
    res = cur.astype(np.uint8)
    return res[..., 0] if squeeze else res


# --------------------------------------------------------------------------------------
# OpenCV (imgproc/src/resize.cpp, INTER_LINEAR, CV_8U)
# --------------------------------------------------------------------------------------

CV_COEF_BITS = 11
CV_COEF_SCALE = 1 << CV_COEF_BITS  # 2048
F32 = np.float32


def cv_linear_table(in_size: int, out_size: int, clamp: bool):
    """Source index and 11-bit weights per output index, as hal::resize builds them.

    clamp=True applies the x-direction border rule (sx < 0 -> sx = 0, fx = 0;
    sx >= in_size - 1 -> sx = in_size - 1, fx = 0); the y direction is not clamped
    here (its rows are clamped when they are fetched).
    """
    inv_scale = out_size / in_size                  # double
    scale = 1.0 / inv_scale                         # double; NOT in_size/out_size
    idx = np.empty(out_size, dtype=np.int64)
    w0 = np.empty(out_size, dtype=np.int64)
    w1 = np.empty(out_size, dtype=np.int64)
    for d in range(out_size):
        f = F32((d + 0.5) * scale - 0.5)            # computed in double, stored as float
        s = math.floor(f)                           # cvFloor
        f = F32(f - F32(s))
        if clamp:
            if s < 0:
                s, f = 0, F32(0.0)
            if s >= in_size - 1:
                s, f = in_size - 1, F32(0.0)
        # saturate_cast<short>(float): round half to even (cvRound / cvtss2si)
        w0[d] = int(np.rint(F32(F32(1.0) - f) * F32(CV_COEF_SCALE)))
        w1[d] = int(np.rint(f * F32(CV_COEF_SCALE)))
        idx[d] = s
    return idx, w0, w1


def cv2_linear_u8(img: np.ndarray, out_w: int, out_h: int) -> np.ndarray:
    """cv2.resize(img, (out_w, out_h)) with INTER_LINEAR for uint8 HxW / HxWxC."""
    src = img.astype(np.int64)
    squeeze = src.ndim == 2
    if squeeze:
        src = src[..., None]
    in_h, in_w = src.shape[:2]
    if (in_w, in_h) == (out_w, out_h):
        return img.copy()
    scale_x = 1.0 / (out_w / in_w)
    scale_y = 1.0 / (out_h / in_h)
    if scale_x == 2.0 and scale_y == 2.0:
        # INTER_LINEAR with an exact factor 2 in both directions becomes INTER_AREA (fast).
        s = src[0:2 * out_h:2, 0:2 * out_w:2] + src[0:2 * out_h:2, 1:2 * out_w:2] \
            + src[1:2 * out_h:2, 0:2 * out_w:2] + src[1:2 * out_h:2, 1:2 * out_w:2]
        res = ((s + 2) >> 2).astype(np.uint8)
        return res[..., 0] if squeeze else res
    # Horizontal pass: int32 row buffers, weights sum to 2048.
    sx, ax0, ax1 = cv_linear_table(in_w, out_w, clamp=True)
    right = sx >= in_w - 1                          # dx >= xmax: S[sx] * 2048
    sx1 = np.where(right, sx, sx + 1)
    hbuf = src[:, sx, :] * ax0[None, :, None] + src[:, sx1, :] * ax1[None, :, None]
    hbuf[:, right, :] = src[:, sx[right], :] * CV_COEF_SCALE
    # Vertical pass: rows sy and sy + 1, each clamped to [0, in_h - 1].
    sy, by0, by1 = cv_linear_table(in_h, out_h, clamp=False)
    r0 = np.clip(sy, 0, in_h - 1)
    r1 = np.clip(sy + 1, 0, in_h - 1)
    h0 = hbuf[r0] >> 4
    h1 = hbuf[r1] >> 4
    res = (((by0[:, None, None] * h0) >> 16) + ((by1[:, None, None] * h1) >> 16) + 2) >> 2
    res = res.astype(np.uint8)
    return res[..., 0] if squeeze else res


# --------------------------------------------------------------------------------------
# Self-check against the libraries
# --------------------------------------------------------------------------------------

def _load(name: str) -> np.ndarray:
    from PIL import Image
    return np.asarray(Image.open(VECTORS / name))


def check_vectors() -> int:
    """Compare the model with every stored vector; returns the number of checks."""
    cases = [
        ("frame_rgb_1280x720.png", "pil_bicubic_384x384.png", "pil", "bicubic"),
        ("frame_rgb_1280x720.png", "pil_bilinear_384x384.png", "pil", "bilinear"),
        ("frame_rgb_1280x720.png", "cv2_linear_512x512.png", "cv2", None),
        ("depth8_384x384.png", "cv2_linear_depth8_1280x720.png", "cv2", None),
        ("small_rgb_37x23.png", "small_pil_bicubic_11x17.png", "pil", "bicubic"),
        ("small_rgb_37x23.png", "small_pil_bicubic_53x29.png", "pil", "bicubic"),
        ("small_rgb_37x23.png", "small_pil_bicubic_20x23.png", "pil", "bicubic"),
        ("small_rgb_37x23.png", "small_cv2_linear_11x17.png", "cv2", None),
        ("small_rgb_37x23.png", "small_cv2_linear_53x29.png", "cv2", None),
        ("small_gray_37x23.png", "small_gray_pil_bicubic_11x17.png", "pil", "bicubic"),
        ("small_gray_37x23.png", "small_gray_pil_bicubic_53x29.png", "pil", "bicubic"),
        ("small_gray_37x23.png", "small_gray_cv2_linear_11x17.png", "cv2", None),
        ("small_gray_37x23.png", "small_gray_cv2_linear_53x29.png", "cv2", None),
        ("small_rgb_74x46.png", "small_cv2_linear_half_37x23.png", "cv2", None),
    ]
    for src_name, ref_name, lib, filt in cases:
        src, ref = _load(src_name), _load(ref_name)
        h, w = ref.shape[:2]
        got = pil_resize_u8(src, w, h, filt) if lib == "pil" else cv2_linear_u8(src, w, h)
        _assert_equal(got, ref, f"{ref_name} (from {src_name})")
    return len(cases)


def _assert_equal(got: np.ndarray, ref: np.ndarray, what: str) -> None:
    if got.shape != ref.shape or not np.array_equal(got, ref):
        diff = np.abs(got.astype(int) - ref.astype(int)) if got.shape == ref.shape else None
        detail = (f"shape {got.shape} vs {ref.shape}" if diff is None else
                  f"{int((diff > 0).sum())} values differ, max |diff| {int(diff.max())}, "
                  f"first at {tuple(int(i) for i in np.argwhere(diff > 0)[0])}")
        raise AssertionError(f"MISMATCH {what}: {detail}")


def check_random(n: int, seed: int = 7) -> int:
    """Random sizes (up-, down- and mixed scaling, 1 and 3 channels) against the libraries."""
    import cv2
    from PIL import Image
    rng = np.random.default_rng(seed)
    count = 0
    for i in range(n):
        ch = 3 if i % 2 == 0 else 1
        in_w, in_h = int(rng.integers(1, 200)), int(rng.integers(1, 200))
        if i % 10 == 0:        # a few big ones, incl. SHARP-like shapes
            in_w, in_h = int(rng.integers(300, 1400)), int(rng.integers(200, 800))
        out_w, out_h = int(rng.integers(1, 260)), int(rng.integers(1, 260))
        if i % 17 == 0:        # exact factor-2 shrink
            out_w, out_h = max(in_w // 2, 1), max(in_h // 2, 1)
            in_w, in_h = 2 * out_w, 2 * out_h
        shape = (in_h, in_w, ch) if ch == 3 else (in_h, in_w)
        img = rng.integers(0, 256, size=shape, dtype=np.uint8)
        if i % 3 == 0:         # flat regions + saturated edges
            img[: in_h // 2] = 255 if i % 2 else 0
        mode = "RGB" if ch == 3 else "L"
        for filt, pil_f in (("bicubic", Image.Resampling.BICUBIC),
                            ("bilinear", Image.Resampling.BILINEAR)):
            ref = np.asarray(Image.fromarray(img, mode).resize((out_w, out_h), pil_f))
            _assert_equal(pil_resize_u8(img, out_w, out_h, filt), ref,
                          f"PIL {filt} {in_w}x{in_h}x{ch} -> {out_w}x{out_h}")
        ref = cv2.resize(img, (out_w, out_h))
        _assert_equal(cv2_linear_u8(img, out_w, out_h), ref,
                      f"cv2 linear {in_w}x{in_h}x{ch} -> {out_w}x{out_h}")
        count += 3
    return count


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--random", type=int, default=300, help="random size cases (default 300)")
    args = ap.parse_args()
    n_vec = check_vectors()
    print(f"stored vectors: {n_vec} cases bit-exact")
    n_rand = check_random(args.random)
    print(f"random sizes: {n_rand} comparisons bit-exact")
    return 0


if __name__ == "__main__":
    sys.exit(main())
