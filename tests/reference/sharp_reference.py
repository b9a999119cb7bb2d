#!/usr/bin/env python3
"""Reference implementation of the SHARP pipeline glue -> tests/fixtures/golden/pipeline/.

Everything around the three networks is reproduced here with the libraries the
SHARP authors used (Pillow 9.3 through transformers' slow DPTImageProcessor,
OpenCV 4.8, albumentations 1.3.1) plus explicit numpy formulas that spell out
each step's float arithmetic; the script asserts that the two agree before
writing anything.  The networks are the tiny contract fixtures from
``tests/fixtures/models/`` (built by make_fixture_models.py) run through
onnxruntime, so the Rust viewer can run the very same models and compare.

Stages (names follow the SHARP code that defines them):

1. pseudo-depth (get_h2o_depth.py): DPT preprocessing, depth model, 8-bit map
2. range masking (datasets/h2o.py: segment_background): pseudo-depth rule with
   threshold 120 on the cv2-upscaled map, and the ground-truth rule (700 mm)
3. pose (get_3D_pose.py, models/models.py, utils/general_utils.py):
   albumentations preprocessing, pose model, soft-argmax, unprojection, gating
4. action (datasets/h2o.py: H2O_actions, concatenate_and_normalise,
   sample2 / pytorchvideo uniform_temporal_subsample): features, action model

Run with the reference virtualenv (tests/reference/requirements.txt):

    ~/.venvs/reference/bin/python tests/reference/sharp_reference.py

Deterministic; regenerates every file identically.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import albumentations as A
import cv2
import numpy as np
import onnxruntime as ort
import PIL
import transformers
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / "tests" / "fixtures" / "models"
OUT = REPO / "tests" / "fixtures" / "golden" / "pipeline"
INPUTS = OUT / "inputs"

SEED = 424242
W, H = 1280, 720
# Intrinsics used for the golden data (SHARP's CAM_INTRS rounded as in SHARP_SPEC.md).
FX, FY, CX, CY = 636.6593, 636.2520, 635.2839, 366.8740
K = np.array([[FX, 0.0, CX], [0.0, FY, CY], [0.0, 0.0, 1.0]])

PSEUDO_THRESHOLD = 120
GT_FAR_MM = 700
WINDOW = 20
SAMPLING_LENGTHS = [1, 5, 19, 20, 21, 37, 64, 100, 233, 1000]
DEPTH_MEAN = DEPTH_STD = (0.5, 0.5, 0.5)
POSE_MEAN = (0.485, 0.456, 0.406)
POSE_STD = (0.229, 0.224, 0.225)


# ---------------------------------------------------------------------------------------
# synthetic inputs
# ---------------------------------------------------------------------------------------

def _hand_mask(xx, yy, wrist, angle, scale):
    """Boolean mask of a crude hand+forearm: forearm band to the bottom edge, palm, 5 fingers."""
    wx, wy = wrist
    ca, sa = np.cos(angle), np.sin(angle)
    # local coordinates: v points from wrist towards the fingertips (up the image)
    u = (xx - wx) * ca + (yy - wy) * sa
    v = -(xx - wx) * sa + (yy - wy) * ca
    v = -v
    palm = (u / (55 * scale)) ** 2 + ((v - 55 * scale) / (65 * scale)) ** 2 < 1
    forearm = (np.abs(u) < 45 * scale) & (v < 10 * scale)
    fingers = np.zeros_like(palm)
    for i, (off, length) in enumerate(((-62, 70), (-30, 110), (0, 125), (28, 115), (52, 85))):
        base_v = 95 * scale if i else 40 * scale
        fu = u - off * scale
        fv = v - base_v
        along = fv if i else fv * 0.8 - fu * 0.6
        fingers |= (np.abs(fu if i else fu * 0.8 + fv * 0.6) < 11 * scale) & (along > 0) & (along < length * scale)
    return palm | forearm | fingers


def make_scene(rng: np.random.Generator, t: float):
    """One 1280x720 egocentric-looking RGB frame and its uint16 GT depth (mm) at time t."""
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float64)
    # Wall (top) and table (bottom, nearer) with mild texture.
    table = yy > 300 + 0.05 * xx
    rgb = np.empty((H, W, 3))
    rgb[..., 0] = np.where(table, 150 + 30 * yy / H, 190 - 40 * yy / H)
    rgb[..., 1] = np.where(table, 110 + 25 * yy / H, 195 - 40 * yy / H)
    rgb[..., 2] = np.where(table, 80 + 10 * xx / W, 205 - 30 * yy / H)
    depth = np.where(table, 2100 - 550 * (yy - 300) / (H - 300), 2400 + 200 * xx / W)
    # Object: a box standing on the table.
    ox0, oy0 = int(560 + 40 * t), 330
    obj = (xx >= ox0) & (xx < ox0 + 150) & (yy >= oy0) & (yy < oy0 + 210)
    rgb[obj] = [40, 90, 170]
    rgb[obj & (yy < oy0 + 40)] = [230, 230, 235]          # white label band: hard edge
    depth = np.where(obj, 560 + 0.3 * (yy - oy0), depth)
    # Hands: left enters from bottom-left, right from bottom-right.
    skin = np.array([222, 170, 140])
    for wrist, angle, z0 in (((380 + 25 * t, 560 - 10 * t), 0.35, 430.0),
                             ((930 - 20 * t, 590), -0.4, 470.0)):
        m = _hand_mask(xx, yy, wrist, angle, 1.0)
        shade = 1.0 - 0.25 * (yy - 300) / H
        rgb[m] = skin * shade[m][:, None]
        # nearer at the fingertips, further down the forearm (beyond 700 mm near the edge)
        depth = np.where(m, z0 + 1.3 * np.clip(yy - wrist[1] + 120, 0, None), depth)
    # Fine wood-grain-like texture on the table (deterministic, compresses well in PNG).
    grain = 6.0 * np.sin(xx / 7.0 + 3.0 * np.sin(yy / 41.0)) * table
    rgb = rgb + grain[..., None]
    rgb = np.clip(np.round(rgb), 0, 255).astype(np.uint8)
    depth = np.round(depth)
    # Missing measurements: random holes and a band along the object's right edge.
    for _ in range(25):
        hx, hy = int(rng.integers(0, W - 40)), int(rng.integers(0, H - 30))
        depth[hy:hy + int(rng.integers(3, 30)), hx:hx + int(rng.integers(3, 40))] = 0
    depth[oy0:oy0 + 210, ox0 + 150:ox0 + 158] = 0
    return rgb, np.clip(depth, 0, 65535).astype(np.uint16)


# ---------------------------------------------------------------------------------------
# stage 1: pseudo-depth
# ---------------------------------------------------------------------------------------

def dpt_preprocess(frame: np.ndarray) -> np.ndarray:
    """transformers' DPTImageProcessor (slow, PIL path), checked against the explicit formula.

    Op order in transformers 4.32.1 (image_processing_dpt.py / image_transforms.py):
      resize: uint8 HWC -> PIL.Image -> resize((384, 384), BICUBIC) -> uint8 HWC
      rescale: ``image * rescale_factor`` (uint8 * python float -> float64), then ``.astype(float32)``
      normalize: ``(image - mean) / std`` with mean/std as float32 arrays -> float32 ops
      to CHW, batch dimension added by BatchFeature.
    """
    proc = transformers.DPTImageProcessor(
        do_resize=True, size={"height": 384, "width": 384}, resample=Image.Resampling.BICUBIC,
        keep_aspect_ratio=False, ensure_multiple_of=1, do_rescale=True, rescale_factor=1 / 255,
        do_normalize=True, image_mean=list(DEPTH_MEAN), image_std=list(DEPTH_STD))
    lib = proc(images=frame, return_tensors="np")["pixel_values"]
    resized = np.asarray(Image.fromarray(frame).resize((384, 384), Image.Resampling.BICUBIC))
    x = (resized * (1 / 255)).astype(np.float32)                    # float64 product -> float32
    x = (x - np.array(DEPTH_MEAN, np.float32)) / np.array(DEPTH_STD, np.float32)
    mine = x.transpose(2, 0, 1)[None].astype(np.float32)
    assert lib.dtype == np.float32 and lib.shape == (1, 3, 384, 384)
    assert np.array_equal(lib, mine), "DPT preprocessing: explicit formula != transformers"
    return lib


def depth_to_8bit(d: np.ndarray) -> np.ndarray:
    """get_h2o_depth.py: ``(output * 255 / np.max(output)).astype("uint8")``.

    ``output`` is float32 (torch -> numpy); ``output * 255`` is float32,
    ``np.max`` returns a float32 scalar, the division is float32, and astype
    truncates toward zero.  (The preceding torch bicubic interpolate from
    384x384 to 384x384 is an exact identity.)
    """
    assert d.dtype == np.float32
    return ((d * 255) / np.max(d)).astype("uint8")


# ---------------------------------------------------------------------------------------
# stage 2: masking
# ---------------------------------------------------------------------------------------

def segment_background(img: np.ndarray, depth: np.ndarray, threshold: float, depth_type: str):
    """datasets/h2o.py segment_background; returns (masked image, kept mask)."""
    if threshold == 0:
        return img.copy(), np.ones(img.shape[:2], bool)
    depth = depth.copy()
    if depth_type == "est_low":
        depth[depth < threshold] = 0
    elif depth_type == "gt":
        depth[depth > threshold] = 0
    else:
        raise ValueError(depth_type)
    keep = depth != 0
    out = np.zeros_like(img)
    out[keep] = img[keep]
    return out, keep


# ---------------------------------------------------------------------------------------
# stage 3: pose
# ---------------------------------------------------------------------------------------

def pose_preprocess(masked: np.ndarray) -> np.ndarray:
    """albumentations A.Resize(512, 512) + A.Normalize(ImageNet) + ToTensorV2, checked explicitly.

    Op order in albumentations 1.3.1 (augmentations/functional.py: normalize, normalize_cv2):
      resize: cv2.resize(img, (512, 512), interpolation=INTER_LINEAR)
      mean255 = float32(mean) * 255 (float32), std255 = float32(std) * 255 (float32),
      inv = np.reciprocal(std255, dtype=float32)
      x = float32(pixel); x = x - mean255 (float32, cv2.subtract); x = x * inv (float32, cv2.multiply)
      ToTensorV2: HWC -> CHW (no scaling).
    i.e. NOT (x/255 - mean)/std; the two differ in the last bits.
    """
    # ToTensorV2 imports torch; the reference venv has no torch, so the HWC->CHW
    # transpose is done by hand after A.Compose(Resize, Normalize).
    aug = A.Compose([A.Resize(512, 512), A.Normalize(mean=POSE_MEAN, std=POSE_STD)])
    lib = aug(image=masked)["image"].transpose(2, 0, 1)[None]
    resized = cv2.resize(masked, (512, 512), interpolation=cv2.INTER_LINEAR)
    mean255 = np.array(POSE_MEAN, np.float32) * np.float32(255.0)
    std255 = np.array(POSE_STD, np.float32) * np.float32(255.0)
    inv = np.reciprocal(std255, dtype=np.float32)
    mine = ((resized.astype(np.float32) - mean255) * inv).transpose(2, 0, 1)[None]
    assert lib.dtype == np.float32 and np.array_equal(lib, mine), \
        "pose preprocessing: explicit formula != albumentations"
    return np.ascontiguousarray(lib)


def soft_argmax(heatmaps: np.ndarray) -> np.ndarray:
    """utils/general_utils.py heatmaps_to_coordinates_tensor for one sample -> (42, 2) in [0, 1).

    Per map: p = h / sum(h); x = sum_c c * sum_r p[r, c]; y = sum_r r * sum_c p[r, c]; both / 128.
    SHARP runs this in float32 torch; here float64 (differences ~1e-6 relative).
    """
    h = heatmaps.astype(np.float64)
    n = h.shape[-1]
    p = h / h.sum(axis=(-1, -2), keepdims=True)
    ar = np.arange(n, dtype=np.float64)
    x = (p.sum(axis=-2) * ar).sum(axis=-1)
    y = (p.sum(axis=-1) * ar).sum(axis=-1)
    return np.stack([x, y], axis=-1) / n


def unproject(uvz: np.ndarray) -> np.ndarray:
    """project_points_2D_to_3D: K^-1 (computed in float64, cast to float32) times (u, v, 1), times z."""
    kinv = np.linalg.inv(K).astype(np.float32).astype(np.float64)
    uv1 = np.concatenate([uvz[:, :2], np.ones((uvz.shape[0], 1))], axis=1)
    return (uv1 @ kinv.T) * uvz[:, 2:3]


def present_from_logits(logits: np.ndarray) -> bool:
    """argmax(sigmoid(logits)) == 1 in float32 (ties, e.g. both saturated to 1.0, pick index 0)."""
    s = (1.0 / (1.0 + np.exp(-logits.astype(np.float32)))).astype(np.float32)
    return int(np.argmax(s)) == 1


# ---------------------------------------------------------------------------------------
# stage 4: action
# ---------------------------------------------------------------------------------------

def project_3d_to_2d(xyz: np.ndarray) -> np.ndarray:
    """project_points_3D_to_2D: uv = xyz @ K.T; uv[:, :2] / uv[:, 2:].

    An absent hand is all zeros in H2O, which gives 0/0 = NaN here exactly as in
    SHARP; the caller overwrites those rows with zeros.
    """
    uv = xyz @ K.T
    with np.errstate(invalid="ignore", divide="ignore"):
        return uv[:, :2] / uv[:, -1:]


def frame_features(left, right, left_flag, right_flag, obj_pts, obj_label):
    """One frame of H2O_actions (gt_hand_pose + GT object) -> pieces for concatenate_and_normalise."""
    merged3d = np.concatenate([left, right], axis=0)
    merged = project_3d_to_2d(merged3d)
    z = merged3d[:, 2].reshape(42, 1).copy()
    if left_flag == 0:
        merged[:21] = 0
        z[:21] = 0
    if right_flag == 0:
        merged[21:] = 0
        z[21:] = 0
    pts2d = project_3d_to_2d(obj_pts)
    xmax, ymax = pts2d.max(axis=0)
    xmin, ymin = pts2d.min(axis=0)
    bb = np.array([xmin, ymin, xmax, ymin, xmin, ymax, xmax, ymax]).reshape(4, 2)
    return merged, z, bb, float(obj_label)


def concatenate_and_normalise(pts_2d, pts_z, objs, labels, width=W, height=H):
    """(T,42,2) px, (T,42,1) m, (T,4,2) px, (T,) -> (T,135): [u/W, v/H, z]*42, box/(W,H)*4, label."""
    pts_2d_norm = pts_2d / (width, height)
    objs_norm = (objs / (width, height)).reshape(objs.shape[0], -1)
    kpts = np.concatenate([pts_2d_norm, pts_z], axis=2).reshape(pts_2d.shape[0], -1)
    merged = np.concatenate([kpts, objs_norm], axis=1)
    return np.concatenate([merged, labels.reshape(-1, 1)], axis=1)


def synthetic_action_inputs(rng: np.random.Generator):
    """20 frames: left hand present and moving towards the object, right hand absent, object 3 (lotion)."""
    # A rest pose of 21 joints (metres, camera frame): wrist then 4 joints per finger.
    wrist = np.array([-0.09, 0.11, 0.46])
    dirs = np.array([[-0.55, -0.55, -0.1], [-0.2, -1.0, -0.05], [0.0, -1.0, 0.0],
                     [0.2, -0.95, 0.0], [0.38, -0.85, 0.02]])
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    rest = [wrist]
    for f, d in enumerate(dirs):
        base = wrist + d * 0.05 + np.array([0.0, 0.0, 0.005 * f])
        for j in range(4):
            rest.append(base + d * (0.022 * j))
    rest = np.array(rest)
    # Object: 21 points = centre, 8 corners, 12 edge midpoints of a 6 x 12 x 4 cm box.
    c = np.array([0.04, 0.06, 0.52])
    half = np.array([0.03, 0.06, 0.02])
    corners = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)]) * half
    edges = []
    for i in range(8):
        for j in range(i + 1, 8):
            if np.sum(corners[i] != corners[j]) == 1:
                edges.append((corners[i] + corners[j]) / 2)
    box = c + np.vstack([np.zeros(3), corners, np.array(edges)])
    frames = []
    for t in range(WINDOW):
        s = t / (WINDOW - 1)
        shift = np.array([0.09 * s, -0.02 * np.sin(np.pi * s), 0.03 * s])
        left = rest + shift + rng.normal(0.0, 0.002, size=rest.shape)
        obj = box + np.array([0.0, 0.0, 0.004 * np.sin(2 * np.pi * s)])
        frames.append({"left_flag": 1, "right_flag": 0,
                       "left_joints_m": left, "right_joints_m": np.zeros((21, 3)),
                       "obj_label": 3, "obj_points_m": obj})
    return frames


# ---------------------------------------------------------------------------------------
# sampling
# ---------------------------------------------------------------------------------------

def torch_linspace_f32(start: float, end: float, steps: int) -> np.ndarray:
    """Reproduce torch.linspace(start, end, steps) (default dtype float32) on the CPU.

    ATen's linspace kernel (RangeFactoriesKernel.cpp) computes in float32:
      step = (end - start) / (steps - 1)                  (float32 division)
      i <  steps // 2:  start + step * i
      i >= steps // 2:  end - step * (steps - 1 - i)
    The x86-64 build contracts each ``a + b * c`` into one fused multiply-add,
    i.e. a single rounding to float32; that is what is done here (the product of
    a float32 and a small integer is exact in float64, so rounding the float64
    expression once is exactly an FMA).  Checked value for value against
    torch 2.15 for every n in 20..40000 (tests in models/README.md).  Rounding
    twice instead changes some values by an ulp but never the truncated indices:
    for 20 samples the exact values i * (n - 1) / 19 are integers only for
    i = 0, 19 or when 19 divides n - 1 (then every product is exact), and are
    otherwise at least 1/19 away from an integer.
    """
    f = np.float32
    s, e = f(start), f(end)
    if steps == 1:
        return np.array([s], np.float32)
    step = f((e - s) / f(steps - 1))
    half = steps // 2
    out = np.empty(steps, np.float32)
    for i in range(steps):
        if i < half:
            out[i] = f(np.float64(s) + np.float64(step) * i)
        else:
            out[i] = f(np.float64(e) - np.float64(step) * (steps - 1 - i))
    return out


def sample2_uniform(n: int, out_frames: int = WINDOW) -> list[int]:
    """datasets/h2o.py sample2(..., 'uniform'): indices of the frames used for one window.

    n >= out_frames: pytorchvideo uniform_temporal_subsample ->
        torch.linspace(0, n - 1, out_frames) (float32), clamp to [0, n-1], .long() (truncation)
    n <  out_frames: np.trunc(np.arange(out_frames) * n / out_frames) (float64) -> repeats frames
    """
    if n >= out_frames:
        lin = torch_linspace_f32(0, n - 1, out_frames)
        return [int(v) for v in np.clip(lin, 0, n - 1).astype(np.int64)]
    return [int(v) for v in np.trunc(np.arange(0, out_frames) * n / out_frames).astype(int)]


# ---------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------

def save_png(path: Path, arr: np.ndarray) -> None:
    """8-bit gray/RGB via Pillow; 16-bit gray via OpenCV (read back as SHARP does, IMREAD_ANYDEPTH)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if arr.dtype == np.uint16:
        cv2.imwrite(str(path), arr, [cv2.IMWRITE_PNG_COMPRESSION, 9])
        back = cv2.imread(str(path), cv2.IMREAD_ANYDEPTH)
    else:
        Image.fromarray(arr).save(path, optimize=True, compress_level=9)
        back = np.asarray(Image.open(path))
    assert back.dtype == arr.dtype and np.array_equal(back, arr), f"PNG round trip failed: {path}"


def to_list(a) -> list:
    return np.asarray(a, dtype=np.float64).tolist()


def session(name: str) -> ort.InferenceSession:
    path = MODELS / name
    if not path.exists():
        raise SystemExit(f"missing fixture model {path}; run tests/reference/make_fixture_models.py")
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1          # deterministic reduction order
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def main() -> int:
    rng = np.random.default_rng(SEED)
    INPUTS.mkdir(parents=True, exist_ok=True)

    frames, gt_depth = [], None
    for t in (0, 1):
        rgb, dep = make_scene(rng, float(t))
        frames.append(rgb)
        save_png(INPUTS / f"frame{t}_rgb_1280x720.png", rgb)
        if t == 0:
            gt_depth = dep
            save_png(INPUTS / "frame0_depth_mm_1280x720.png", dep)

    # ---- stage 1: pseudo-depth --------------------------------------------------------
    depth_sess = session("depth_tiny.onnx")
    depth8 = []
    depth_summary = {}
    for t, rgb in enumerate(frames):
        x = dpt_preprocess(rgb)
        np.save(OUT / f"depth_input_frame{t}.npy", x)
        d = depth_sess.run(["predicted_depth"], {"pixel_values": x})[0][0]
        assert d.dtype == np.float32 and d.shape == (384, 384)
        np.save(OUT / f"depth_raw_frame{t}.npy", d)
        d8 = depth_to_8bit(d)
        save_png(OUT / f"depth8_frame{t}.png", d8)
        depth8.append(d8)
        depth_summary[f"frame{t}"] = {"raw_min": float(d.min()), "raw_max": float(d.max()),
                                      "depth8_mean": float(d8.mean())}

    # ---- stage 2: masks (frame 0) -----------------------------------------------------
    up = cv2.resize(depth8[0], (W, H))                     # INTER_LINEAR, as datasets/h2o.py
    masked_pseudo, keep_pseudo = segment_background(frames[0], up, PSEUDO_THRESHOLD, "est_low")
    save_png(OUT / "mask_pseudo_t120_frame0.png", (keep_pseudo * 255).astype(np.uint8))
    save_png(OUT / "masked_pseudo_t120_frame0.png", masked_pseudo)
    masked_gt, keep_gt = segment_background(frames[0], gt_depth / 1.0, GT_FAR_MM, "gt")
    save_png(OUT / "mask_gt_far700_frame0.png", (keep_gt * 255).astype(np.uint8))
    save_png(OUT / "masked_gt_far700_frame0.png", masked_gt)

    # ---- stage 3: pose (pseudo-masked frame 0, SHARP's evaluation setting) -------------
    pose_sess = session("pose_tiny.onnx")
    x = pose_preprocess(masked_pseudo)
    np.save(OUT / "pose_input_frame0.npy", x)
    hm, ll, rl, z = pose_sess.run(["heatmaps", "left_handness", "right_handness", "z"], {"image": x})
    xy = soft_argmax(hm[0])
    uv = xy * np.array([W, H], dtype=np.float64)
    z_mm = z[0].astype(np.float64)
    uvz = np.concatenate([uv, z_mm[:, None]], axis=1)
    joints = unproject(uvz)
    present = [present_from_logits(ll[0]), present_from_logits(rl[0])]
    gated = joints.copy()
    gated[:21] *= int(present[0])
    gated[21:] *= int(present[1])
    if present[0] == present[1]:
        raise SystemExit("golden pose: expected exactly one hand present; adjust the fixture")
    pose = {
        "source_frame": "masked_pseudo_t120_frame0.png",
        "keypoints_xy_norm": to_list(xy),
        "keypoints_uv": to_list(uv),
        "z_mm": to_list(z_mm),
        "joints_3d_mm": to_list(joints),
        "present": present,
        "joints_3d_mm_gated": to_list(gated),
        "left_handness_logits": to_list(ll[0]),
        "right_handness_logits": to_list(rl[0]),
        "heatmap_sums": to_list(hm[0].astype(np.float64).sum(axis=(1, 2))),
        "sharp_pose_file_rows": to_list(uvz.reshape(-1, 63)),
        "intrinsics": {"fx": FX, "fy": FY, "cx": CX, "cy": CY, "width": W, "height": H},
    }
    (OUT / "pose_frame0.json").write_text(json.dumps(pose, indent=1) + "\n")

    # ---- stage 4: action --------------------------------------------------------------
    act_frames = synthetic_action_inputs(rng)
    pts, zs, boxes, labels = [], [], [], []
    for f in act_frames:
        m, zz, bb, lab = frame_features(f["left_joints_m"], f["right_joints_m"], f["left_flag"],
                                        f["right_flag"], f["obj_points_m"], f["obj_label"])
        pts.append(m); zs.append(zz); boxes.append(bb); labels.append(lab)
    feats = concatenate_and_normalise(np.array(pts), np.array(zs), np.array(boxes), np.array(labels))
    assert feats.shape == (WINDOW, 135)
    act_sess = session("action_tiny.onnx")
    logits = act_sess.run(["logits"], {"positions": feats[None].astype(np.float32)})[0][0]
    lg = logits.astype(np.float64)
    prob = np.exp(lg - lg.max())
    prob /= prob.sum()
    top5 = [int(i) + 1 for i in np.argsort(-lg, kind="stable")[:5]]
    action = {
        "intrinsics": {"fx": FX, "fy": FY, "cx": CX, "cy": CY, "width": W, "height": H},
        "frames": [{"left_flag": f["left_flag"], "right_flag": f["right_flag"],
                    "left_joints_m": to_list(f["left_joints_m"]),
                    "right_joints_m": to_list(f["right_joints_m"]),
                    "obj_label": f["obj_label"], "obj_points_m": to_list(f["obj_points_m"])}
                   for f in act_frames],
        "features": to_list(feats),
        "features_float32_fed_to_model": True,
        "logits": to_list(logits),
        "probabilities": to_list(prob),
        "top5": top5,
    }
    (OUT / "action_window.json").write_text(json.dumps(action, indent=1) + "\n")

    # ---- sampling ------------------------------------------------------------------------
    sampling = {"window": WINDOW, "indices": {str(n): sample2_uniform(n) for n in SAMPLING_LENGTHS}}
    (OUT / "uniform_sampling.json").write_text(json.dumps(sampling, indent=1) + "\n")

    versions = {"python": sys.version.split()[0], "numpy": np.__version__, "pillow": PIL.__version__,
                "opencv": cv2.__version__, "albumentations": A.__version__,
                "transformers": transformers.__version__, "onnxruntime": ort.__version__,
                "seed": SEED}
    summary = {"versions": versions, "depth": depth_summary,
               "mask_pseudo_kept_fraction": float(keep_pseudo.mean()),
               "mask_gt_kept_fraction": float(keep_gt.mean()),
               "pose_present": present, "action_top5": top5}
    (OUT / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(json.dumps(summary, indent=1))
    print(f"wrote {OUT} ({total / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
