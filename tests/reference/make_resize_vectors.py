#!/usr/bin/env python3
"""Generate bit-exact test vectors for the three uint8 resizes SHARP relies on.

The SHARP pipeline resizes images with two different libraries, and the viewer
must reproduce both bit for bit:

* Pillow ``Image.resize(..., BICUBIC)``: what HuggingFace's DPTImageProcessor
  does to the RGB frame before the depth network (1280x720 -> 384x384).
* OpenCV ``cv2.resize(img, (w, h))`` with the default ``INTER_LINEAR``:
  albumentations' ``A.Resize(512, 512)`` in the pose preprocessing
  (1280x720 RGB -> 512x512) and the upscale of SHARP's 8-bit pseudo-depth map
  back to frame size in ``datasets/h2o.py`` (384x384 gray -> 1280x720).

Inputs are procedural and seeded (smooth gradients, hard edges that make
bicubic overshoot clip at 0 and 255, and noise patches), so any rounding
difference shows up.  Noise is confined to patches to keep the PNGs small.

Run with the reference virtualenv (see tests/reference/requirements.txt):

    ~/.venvs/reference/bin/python tests/reference/make_resize_vectors.py

Outputs go to ``tests/fixtures/golden/resize/`` (see the README there).  The
script is deterministic: running it again rewrites identical files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import cv2
import numpy as np
import PIL
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "tests" / "fixtures" / "golden" / "resize"

SEED = 20241124


def smooth_field(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A smooth float field in [0, 1] made of a few random low-frequency waves."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    field = np.zeros((h, w))
    for _ in range(4):
        fx, fy = rng.uniform(0.5, 3.0, size=2)
        phase = rng.uniform(0, 2 * np.pi)
        field += np.sin(2 * np.pi * (fx * xx / w + fy * yy / h) + phase)
    field -= field.min()
    field /= field.max()
    return field


def make_frame_rgb(rng: np.random.Generator, h: int = 720, w: int = 1280) -> np.ndarray:
    """Deterministic 1280x720 RGB test frame: gradients + edges + noise patches."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 255.0 * xx / (w - 1)                                  # horizontal ramp
    g = 255.0 * yy / (h - 1)                                  # vertical ramp
    b = 255.0 * smooth_field(rng, h, w)                       # smooth waves
    img = np.stack([r, g, b], axis=-1)

    # Hard-edged shapes with extreme colours (bicubic overshoot -> clipping).
    palette = np.array([[0, 0, 0], [255, 255, 255], [255, 0, 0], [0, 255, 0],
                        [0, 0, 255], [255, 255, 0], [0, 255, 255], [128, 64, 200]],
                       dtype=np.float64)
    for i in range(14):
        x0 = int(rng.integers(0, w - 120)); y0 = int(rng.integers(0, h - 120))
        x1 = x0 + int(rng.integers(5, 260)); y1 = y0 + int(rng.integers(5, 200))
        img[y0:y1, x0:x1] = palette[i % len(palette)]
    for i in range(8):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        rad = rng.uniform(10, 90)
        mask = (xx - cx) ** 2 + (yy - cy) ** 2 < rad ** 2
        img[mask] = palette[(i + 3) % len(palette)]

    # Thin lines and checkerboards at 1, 2 and 3 pixel periods.
    img[100:620, 640] = 255.0
    img[360, 200:1100] = 0.0
    for period, (x0, y0) in zip((1, 2, 3), ((40, 560), (160, 560), (280, 560))):
        sub = ((yy[y0:y0 + 96, x0:x0 + 96] // period + xx[y0:y0 + 96, x0:x0 + 96] // period) % 2)
        img[y0:y0 + 96, x0:x0 + 96] = (sub * 255.0)[..., None]

    # Diagonal hard edge (anti-aliasing-free staircase).
    diag = (xx - 900) > (yy - 300) * 0.7
    region = (xx > 900) & (xx < 1200) & (yy > 400) & (yy < 700)
    img[region & diag] = [20, 230, 40]

    img = np.clip(np.round(img), 0, 255).astype(np.uint8)

    # Noise: a full-range patch and a low-amplitude patch (kept small for PNG size).
    img[40:140, 1100:1240] = rng.integers(0, 256, size=(100, 140, 3), dtype=np.uint8)
    low = rng.integers(-6, 7, size=(160, 300, 3))
    patch = img[420:580, 420:720].astype(np.int32) + low
    img[420:580, 420:720] = np.clip(patch, 0, 255).astype(np.uint8)
    return img


def make_depth8(rng: np.random.Generator, n: int = 384) -> np.ndarray:
    """A 384x384 uint8 map that looks like SHARP's 8-bit relative inverse depth.

    Far background is dark (small inverse depth) with a gentle gradient towards
    the bottom of the image (the table gets nearer), two bright "hands/arms"
    enter from the bottom edge with hard silhouettes, an object blob sits in
    between, and a noisy band mimics texture.  Contains exact 0 and 255.
    """
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float64)
    d = 30.0 + 90.0 * (yy / (n - 1)) ** 1.5 + 10.0 * smooth_field(rng, n, n)
    # Two arms: thick slanted bars ending in round "hands".
    for (x_bottom, x_top, y_top, level) in ((70, 130, 170, 215.0), (320, 250, 150, 235.0)):
        t = np.clip((n - 1 - yy) / (n - 1 - y_top), 0, 1)
        xc = x_bottom + (x_top - x_bottom) * t
        arm = (np.abs(xx - xc) < 34) & (yy >= y_top)
        hand = (xx - x_top) ** 2 + (yy - y_top) ** 2 < 48 ** 2
        shade = level + 20.0 * (yy / (n - 1))
        d = np.where(arm | hand, shade, d)
    # Object in the middle with a sharp rectangular edge.
    d[200:260, 160:230] = 170.0
    # Fingers: thin bright stripes (1-3 px) to stress the upscale.
    d[110:150, 118] = 255.0
    d[105:150, 124:126] = 250.0
    d[112:150, 131:134] = 245.0
    d = np.clip(np.round(d), 0, 255).astype(np.uint8)
    # Texture noise band and a saturated corner.
    band = rng.integers(-8, 9, size=(40, n))
    d[20:60] = np.clip(d[20:60].astype(np.int32) + band, 0, 255).astype(np.uint8)
    d[0:12, 0:12] = 0
    d[0:6, n - 6:n] = 255
    return d


def save_png(path: Path, arr: np.ndarray) -> None:
    """Write an 8-bit gray or RGB PNG with maximal zlib compression."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "RGB" if arr.ndim == 3 else "L"
    Image.fromarray(arr, mode=mode).save(path, optimize=True, compress_level=9)


def pil_resize(arr: np.ndarray, w: int, h: int, resample) -> np.ndarray:
    mode = "RGB" if arr.ndim == 3 else "L"
    return np.asarray(Image.fromarray(arr, mode=mode).resize((w, h), resample=resample))


def cv2_resize(arr: np.ndarray, w: int, h: int) -> np.ndarray:
    """cv2.resize with the default interpolation (INTER_LINEAR), as SHARP calls it."""
    return cv2.resize(arr, (w, h))


def main() -> int:
    rng = np.random.default_rng(SEED)
    OUT.mkdir(parents=True, exist_ok=True)
    manifest = []

    def emit(name: str, arr: np.ndarray, call: str, source: str | None) -> None:
        save_png(OUT / name, arr)
        back = np.asarray(Image.open(OUT / name))
        if not np.array_equal(back, arr):
            raise RuntimeError(f"PNG round trip changed {OUT / name}")
        manifest.append({"file": name, "width": int(arr.shape[1]), "height": int(arr.shape[0]),
                         "channels": 1 if arr.ndim == 2 else int(arr.shape[2]),
                         "input": source, "call": call})

    bicubic = Image.Resampling.BICUBIC
    bilinear = Image.Resampling.BILINEAR

    # (a) + (b): the full-size RGB frame.
    frame = make_frame_rgb(rng)
    emit("frame_rgb_1280x720.png", frame, "procedural input (seeded)", None)
    emit("pil_bicubic_384x384.png", pil_resize(frame, 384, 384, bicubic),
         "PIL.Image.fromarray(frame).resize((384, 384), Image.BICUBIC)", "frame_rgb_1280x720.png")
    emit("pil_bilinear_384x384.png", pil_resize(frame, 384, 384, bilinear),
         "PIL.Image.fromarray(frame).resize((384, 384), Image.BILINEAR)", "frame_rgb_1280x720.png")
    emit("cv2_linear_512x512.png", cv2_resize(frame, 512, 512),
         "cv2.resize(frame, (512, 512))  # INTER_LINEAR", "frame_rgb_1280x720.png")

    # (c): the pseudo-depth upscale.
    depth8 = make_depth8(rng)
    emit("depth8_384x384.png", depth8, "procedural input (seeded)", None)
    emit("cv2_linear_depth8_1280x720.png", cv2_resize(depth8, 1280, 720),
         "cv2.resize(depth8, (1280, 720))  # INTER_LINEAR", "depth8_384x384.png")

    # Small odd sizes to pin down border handling.
    small_rgb = rng.integers(0, 256, size=(23, 37, 3), dtype=np.uint8)
    small_rgb[5:12, 3:9] = 255  # a saturated block next to noise -> overshoot/clipping
    small_rgb[15:20, 25:33] = 0
    emit("small_rgb_37x23.png", small_rgb, "procedural input (seeded)", None)
    small_gray = rng.integers(0, 256, size=(23, 37), dtype=np.uint8)
    small_gray[0:6, 30:37] = 255
    emit("small_gray_37x23.png", small_gray, "procedural input (seeded)", None)
    for (w, h) in ((11, 17), (53, 29)):
        emit(f"small_pil_bicubic_{w}x{h}.png", pil_resize(small_rgb, w, h, bicubic),
             f"PIL resize((w={w}, h={h}), BICUBIC)", "small_rgb_37x23.png")
        emit(f"small_cv2_linear_{w}x{h}.png", cv2_resize(small_rgb, w, h),
             f"cv2.resize(img, ({w}, {h}))", "small_rgb_37x23.png")
        emit(f"small_gray_pil_bicubic_{w}x{h}.png", pil_resize(small_gray, w, h, bicubic),
             f"PIL resize((w={w}, h={h}), BICUBIC), mode L", "small_gray_37x23.png")
        emit(f"small_gray_cv2_linear_{w}x{h}.png", cv2_resize(small_gray, w, h),
             f"cv2.resize(img, ({w}, {h}))", "small_gray_37x23.png")
    # Only the width changes: Pillow skips the vertical pass entirely.
    emit("small_pil_bicubic_20x23.png", pil_resize(small_rgb, 20, 23, bicubic),
         "PIL resize((20, 23), BICUBIC): horizontal pass only", "small_rgb_37x23.png")
    # Exactly half in both directions: OpenCV silently switches INTER_LINEAR to INTER_AREA.
    small_74 = rng.integers(0, 256, size=(46, 74, 3), dtype=np.uint8)
    emit("small_rgb_74x46.png", small_74, "procedural input (seeded)", None)
    emit("small_cv2_linear_half_37x23.png", cv2_resize(small_74, 37, 23),
         "cv2.resize(img, (37, 23)): scale exactly 2 in x and y -> INTER_AREA fast path",
         "small_rgb_74x46.png")

    versions = {"python": sys.version.split()[0], "numpy": np.__version__,
                "pillow": PIL.__version__, "opencv": cv2.__version__, "seed": SEED}
    (OUT / "manifest.json").write_text(json.dumps({"versions": versions, "files": manifest},
                                                  indent=1) + "\n")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"wrote {len(manifest)} images to {OUT} ({total / 1e6:.2f} MB)")
    print(json.dumps(versions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
