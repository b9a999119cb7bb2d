#!/usr/bin/env python3
"""PyTorch reference pipeline benchmark: SHARP's per-frame chain as the authors' scripts
run it (eager PyTorch, CPU-side pre/post-processing), timed per stage and end to end.

It is the baseline `sharp-viewer bench` is compared with in BENCHMARKS.md. The chain per
frame, with the same architectures as models/export_onnx.py builds:

  depth   DPTImageProcessor (PIL resize to 384x384, rescale, normalise) -> DPT-Hybrid ->
          bicubic 384x384 -> SHARP's per-frame 8-bit normalisation (on the CPU, as SHARP);
  mask    8-bit map resized to the frame (cv2.resize, bilinear), pixels < threshold dropped;
  pose    albumentations-style Resize(512) + ImageNet Normalize (cv2) -> EffHandEgoNet3D ->
          sigmoid handedness, soft-argmax, unprojection with the H2O intrinsics;
  action  20-frame window of 135 features -> Hand3DActionTransformer -> softmax.

Weights are random (the speed does not depend on them). Frames are decoded once up front
(the viewer's bench does the same), so the figures are for processing only.

    python models/bench_pytorch.py TAKE_DIR --device cuda --frames 300 --json out.json
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sharp_networks import EffHandEgoNet3D, Hand3DActionTransformer, soft_argmax, unproject  # noqa: E402

try:
    import cv2
except ImportError:  # the device image may lack OpenCV; PIL's bilinear is then used
    cv2 = None

H2O_K = np.array([[636.6593, 0.0, 635.2839], [0.0, 636.2520, 366.8740], [0.0, 0.0, 1.0]])
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
STAGES = ("depth", "mask", "pose", "action")


def resize_linear(img: np.ndarray, width: int, height: int) -> np.ndarray:
    if cv2 is not None:
        return cv2.resize(img, (width, height), interpolation=cv2.INTER_LINEAR)
    return np.asarray(Image.fromarray(img).resize((width, height), Image.BILINEAR))


def load_frames(take: Path, count: int) -> list[np.ndarray]:
    paths = sorted((take / "rgb").glob("*.png"))
    if not paths:
        raise SystemExit(f"{take}/rgb holds no PNG frames (make one with `sharp-viewer make-sample`)")
    decoded = [np.asarray(Image.open(p).convert("RGB")) for p in paths[: min(count, len(paths))]]
    return [decoded[i % len(decoded)] for i in range(count)]


class Reference:
    """The three networks on one device, with SHARP's glue around them."""

    def __init__(self, device: torch.device, threshold: int) -> None:
        from transformers import DPTForDepthEstimation, DPTImageProcessor

        from export_onnx import hybrid_config

        torch.manual_seed(0)
        self.device = device
        self.threshold = threshold
        self.processor = DPTImageProcessor()
        self.depth = DPTForDepthEstimation(hybrid_config()).to(device).eval()
        self.pose = EffHandEgoNet3D().to(device).eval()
        self.action = Hand3DActionTransformer().to(device).eval()
        self.window: list[np.ndarray] = []

    @torch.no_grad()
    def depth_map(self, rgb: np.ndarray) -> np.ndarray:
        inputs = self.processor(images=rgb, return_tensors="pt").to(self.device)
        predicted = self.depth(**inputs).predicted_depth
        prediction = torch.nn.functional.interpolate(
            predicted.unsqueeze(1), size=(384, 384), mode="bicubic", align_corners=False)
        output = prediction.squeeze().cpu().numpy()
        return (output * 255 / np.max(output)).astype("uint8")

    def mask(self, rgb: np.ndarray, depth8: np.ndarray) -> np.ndarray:
        depth = resize_linear(depth8, rgb.shape[1], rgb.shape[0])
        masked = np.zeros_like(rgb)
        keep = depth >= self.threshold
        masked[keep] = rgb[keep]
        return masked

    @torch.no_grad()
    def pose_features(self, masked: np.ndarray) -> np.ndarray:
        x = resize_linear(masked, 512, 512).astype(np.float32) / 255.0
        x = (x - IMAGENET_MEAN) / IMAGENET_STD
        tensor = torch.from_numpy(x.transpose(2, 0, 1)).unsqueeze(0).to(self.device)
        heatmaps, left, right, z = self.pose(tensor)
        present = torch.sigmoid(torch.stack((left, right), dim=1)).cpu()
        uv = soft_argmax(heatmaps).cpu() * torch.tensor([1280.0, 720.0])
        xyz = unproject(uv.double(), z.cpu().double(), H2O_K)
        features = np.zeros(135, dtype=np.float32)
        features[:126] = xyz.numpy().reshape(-1)[:126] / 1000.0
        features[126] = float(present.numpy().reshape(-1)[0])
        return features

    @torch.no_grad()
    def classify(self, features: np.ndarray) -> np.ndarray:
        self.window.append(features)
        del self.window[:-20]
        window = np.stack(self.window + [self.window[-1]] * (20 - len(self.window)))
        logits = self.action(torch.from_numpy(window).unsqueeze(0).to(self.device))
        return torch.softmax(logits, dim=1).cpu().numpy()


def timed(device: torch.device, fn, *args):
    started = time.perf_counter()
    out = fn(*args)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return out, time.perf_counter() - started


def summary(values: list[float]) -> dict[str, float]:
    ms = sorted(v * 1000.0 for v in values)

    def pct(p: float) -> float:
        return ms[min(len(ms) - 1, int(round(p / 100.0 * (len(ms) - 1))))]

    return {"median_ms": statistics.median(ms), "p90_ms": pct(90), "p99_ms": pct(99), "mean_ms": statistics.fmean(ms)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("take", type=Path, help="a take folder with rgb/*.png (1280x720)")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--frames", type=int, default=300)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--threshold", type=int, default=120, help="pseudo-depth keep threshold (SHARP: 120)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)

    device = torch.device(args.device)
    ref = Reference(device, args.threshold)
    frames = load_frames(args.take, args.warmup + args.frames)
    per_stage: dict[str, list[float]] = {s: [] for s in STAGES}
    total: list[float] = []
    run_started = 0.0
    for i, rgb in enumerate(frames):
        if i == args.warmup:
            run_started = time.perf_counter()
        started = time.perf_counter()
        depth8, t_depth = timed(device, ref.depth_map, rgb)
        masked, t_mask = timed(device, ref.mask, rgb, depth8)
        features, t_pose = timed(device, ref.pose_features, masked)
        _, t_action = timed(device, ref.classify, features)
        elapsed = time.perf_counter() - started
        if i >= args.warmup:
            for stage, t in zip(STAGES, (t_depth, t_mask, t_pose, t_action)):
                per_stage[stage].append(t)
            total.append(elapsed)
    wall = time.perf_counter() - run_started
    report = {
        "pipeline": "PyTorch eager reference (SHARP scripts' glue)",
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "torch": torch.__version__,
        "resize": "cv2" if cv2 is not None else "PIL bilinear (OpenCV missing)",
        "frames": args.frames,
        "throughput_fps": args.frames / wall,
        "end_to_end": summary(total),
        "stages": {s: summary(v) for s, v in per_stage.items()},
    }
    print(json.dumps(report, indent=2))
    if args.json:
        tmp = args.json.with_suffix(args.json.suffix + ".partial")
        tmp.write_text(json.dumps(report, indent=2))
        tmp.replace(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
