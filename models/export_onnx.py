#!/usr/bin/env python3
"""Export the three SHARP networks to ONNX files the SHARP viewer loads.

    depth.onnx   pixel_values [batch,3,384,384] f32 -> predicted_depth [batch,384,384] f32
    pose.onnx    image [batch,3,512,512] f32 -> heatmaps [batch,42,128,128], left_handness [batch,2],
                 right_handness [batch,2], z [batch,42]   (all f32)
    action.onnx  positions [batch,20,135] f32 -> logits [batch,36] f32

Weights come from the published SHARP checkpoints (``--pose-checkpoint``,
``--action-checkpoint``), from HuggingFace for DPT-Hybrid (``--depth-from-hub``),
or are random (``--random-init --seed N``, for benchmarks and pipeline tests
only).  A model without a weight source is skipped.  Every export is verified:
onnxruntime runs the written file and its outputs are compared with the PyTorch
module on the same inputs (batch 2 and batch 1), and the interface is checked
against the contract.  See models/README.md for the full contract and commands.

Examples:
    python models/export_onnx.py --random-init --seed 0 --out /tmp/sharp-models
    python models/export_onnx.py --depth-from-hub --pose-checkpoint sharp_pose.pth \\
        --action-checkpoint sharp_action.pth --fp16
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import importlib.util
import math
import sys
import time
import types
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn as nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sharp_networks import (ActionConfig, EffHandEgoNet3D, Hand3DActionTransformer,  # noqa: E402
                            count_parameters, soft_argmax, unproject)

OPSET = 18
DEFAULT_OUT = Path(__file__).resolve().parent
HUB_DEPTH_ID = "Intel/dpt-hybrid-midas"
RESCALE_1_255 = repr(1 / 255)                       # "0.00392156862745098"
# SHARP's pose preprocessing constants (get_3D_pose.py / albumentations), not configurable there.
POSE_MEAN = (0.485, 0.456, 0.406)
POSE_STD = (0.229, 0.224, 0.225)
FRAME_W, FRAME_H = 1280, 720
# The fixed camera matrix SHARP uses for cam4 (datasets/h2o.py CAM_INTRS), for the cross-check only.
SHARP_CAM_K = np.array([[636.6593017578125, 0.0, 635.283881879317],
                        [0.0, 636.251953125, 366.8740353496978],
                        [0.0, 0.0, 1.0]])
PIL_RESAMPLE_NAMES = {0: "pil_nearest", 1: "pil_lanczos", 2: "pil_bilinear", 3: "pil_bicubic",
                      4: "pil_box", 5: "pil_hamming"}


class ExportError(RuntimeError):
    """A problem the user can fix (bad path, checkpoint mismatch, failed verification)."""


# ----------------------------------------------------------------------------------------
# contracts
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tensor:
    name: str
    dims: tuple  # "batch" or an int


CONTRACTS = {
    "depth": ([Tensor("pixel_values", ("batch", 3, 384, 384))],
              [Tensor("predicted_depth", ("batch", 384, 384))]),
    "pose": ([Tensor("image", ("batch", 3, 512, 512))],
             [Tensor("heatmaps", ("batch", 42, 128, 128)), Tensor("left_handness", ("batch", 2)),
              Tensor("right_handness", ("batch", 2)), Tensor("z", ("batch", 42))]),
    "action": ([Tensor("positions", ("batch", 20, 135))], [Tensor("logits", ("batch", 36))]),
}
METADATA_KEYS = {
    "depth": ["sharp_viewer.contract", "sharp_viewer.source", "sharp_viewer.input_size",
              "sharp_viewer.resize", "sharp_viewer.rescale_factor", "sharp_viewer.mean",
              "sharp_viewer.std"],
    "pose": ["sharp_viewer.contract", "sharp_viewer.source", "sharp_viewer.input_size",
             "sharp_viewer.resize", "sharp_viewer.rescale_factor", "sharp_viewer.mean",
             "sharp_viewer.std", "sharp_viewer.heatmap_size", "sharp_viewer.frame_size"],
    "action": ["sharp_viewer.contract", "sharp_viewer.source", "sharp_viewer.window",
               "sharp_viewer.features", "sharp_viewer.num_classes"],
}


def csv(values) -> str:
    return ",".join(repr(float(v)) for v in values)


# ----------------------------------------------------------------------------------------
# weights
# ----------------------------------------------------------------------------------------

def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_state_dict(path: Path, unsafe: bool) -> dict:
    """Read a checkpoint: a plain state_dict, or one nested under a common key, maybe 'module.'-prefixed."""
    if not path.is_file():
        raise ExportError(f"checkpoint not found: {path}")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=not unsafe)
    except Exception as exc:  # noqa: BLE001 - report any unpickling problem with the file name
        hint = "" if unsafe else (" (it may contain pickled Python objects; if you trust the file, "
                                  "re-run with --unsafe-load)")
        raise ExportError(f"cannot read checkpoint {path}: {exc}{hint}") from exc
    for key in ("model_state_dict", "state_dict", "model", "net", "weights"):
        if isinstance(obj, dict) and key in obj and isinstance(obj[key], dict):
            obj = obj[key]
            break
    if not isinstance(obj, dict) or not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise ExportError(f"{path} does not hold a state_dict (a dict of tensors), found {type(obj)}")
    if obj and all(k.startswith("module.") for k in obj):
        obj = {k[len("module."):]: v for k, v in obj.items()}
    return obj


def load_strict(module: nn.Module, state: dict, path: Path, what: str) -> None:
    result = module.load_state_dict(state, strict=False)
    if result.missing_keys or result.unexpected_keys:
        def short(keys):
            return ", ".join(keys[:8]) + (f" ... ({len(keys)} in all)" if len(keys) > 8 else "")
        raise ExportError(f"{path} does not match the {what} network: missing keys [{short(result.missing_keys)}]"
                          f", unexpected keys [{short(result.unexpected_keys)}]")
    try:
        module.load_state_dict(state, strict=True)  # shape mismatches raise here
    except RuntimeError as exc:
        raise ExportError(f"{path} does not match the {what} network: {exc}") from exc


def image_like_batch(gen: torch.Generator, n: int, size: int) -> torch.Tensor:
    """Procedural photo-like images in [0, 1]: smooth colour fields, hard-edged boxes, mild noise."""
    coords = torch.linspace(0, 1, size)
    yy, xx = torch.meshgrid(coords, coords, indexing="ij")
    imgs = torch.empty(n, 3, size, size)
    for b in range(n):
        for c in range(3):
            f = torch.zeros(size, size)
            for _ in range(3):
                a, fx, fy, ph = torch.rand(4, generator=gen).tolist()
                f += a * torch.sin(2 * math.pi * (fx * 3 * xx + fy * 3 * yy) + 6.28 * ph)
            imgs[b, c] = (f - f.min()) / (f.max() - f.min() + 1e-6)
        for _ in range(6):
            x0, y0, w, h = (torch.rand(4, generator=gen) * torch.tensor([0.8, 0.8, 0.4, 0.4])).tolist()
            colour = torch.rand(3, 1, 1, generator=gen)
            xs, ys = int(x0 * size), int(y0 * size)
            imgs[b, :, ys:ys + max(1, int(h * size)), xs:xs + max(1, int(w * size))] = colour
    imgs += 0.02 * torch.randn(imgs.shape, generator=gen)
    return imgs.clamp(0, 1)


def imagenet_normalise(x: torch.Tensor) -> torch.Tensor:
    mean = torch.tensor(POSE_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(POSE_STD).view(1, 3, 1, 1)
    return (x - mean) / std


@torch.no_grad()
def recalibrate_batchnorm(model: nn.Module, gen: torch.Generator, batches: int, batch_size: int) -> None:
    """Re-estimate BatchNorm running statistics on image-like inputs (random-init pose only).

    Freshly initialised EfficientNet blocks with running stats (0, 1) blow up
    activations to ~1e4 in eval mode, which makes float32 comparisons
    meaningless.  Cumulative averages over a few batches of procedural images fix that.
    """
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None           # cumulative moving average
    model.eval()
    for bn in bns:
        bn.train()
    for _ in range(batches):
        model(imagenet_normalise(image_like_batch(gen, batch_size, 512)))
    model.eval()


# ----------------------------------------------------------------------------------------
# building the three models
# ----------------------------------------------------------------------------------------

class DepthWrapper(nn.Module):
    """DPTForDepthEstimation -> plain tensor output."""

    def __init__(self, dpt: nn.Module) -> None:
        super().__init__()
        self.dpt = dpt

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.dpt(pixel_values=pixel_values).predicted_depth


def hybrid_config():
    """A transformers DPTConfig with the architecture of Intel/dpt-hybrid-midas (ViT-B/16 + BiT-R50)."""
    from transformers import BitConfig, DPTConfig
    bit = BitConfig(global_padding="same", layer_type="bottleneck", depths=[3, 4, 9],
                    out_features=["stage1", "stage2", "stage3"], embedding_dynamic_padding=True)
    return DPTConfig(is_hybrid=True, backbone_config=bit, backbone_featmap_shape=[1, 1024, 24, 24],
                     neck_ignore_stages=[0, 1], reassemble_factors=[1, 1, 1, 0.5],
                     neck_hidden_sizes=[256, 512, 768, 768], readout_type="project",
                     use_batch_norm_in_fusion_residual=False, hidden_size=768, num_hidden_layers=12,
                     num_attention_heads=12, intermediate_size=3072, image_size=384, patch_size=16,
                     backbone_out_indices=[2, 5, 8, 11], head_in_index=-1)


def depth_preprocessing_metadata(cfg: dict) -> dict[str, str]:
    """Translate a DPTImageProcessor configuration into the viewer's metadata, refusing what it cannot do."""
    size = cfg.get("size") or {}
    if isinstance(size, int):
        size = {"height": size, "width": size}
    if "height" not in size or "width" not in size:
        raise ExportError(f"unsupported DPT processor size {size!r} (need height and width)")
    problems = []
    if not cfg.get("do_resize", True):
        problems.append("do_resize is false")
    if cfg.get("keep_aspect_ratio", False):
        problems.append("keep_aspect_ratio is true")
    if int(cfg.get("ensure_multiple_of", 1) or 1) != 1:
        problems.append(f"ensure_multiple_of = {cfg.get('ensure_multiple_of')}")
    if cfg.get("do_pad", False):
        problems.append("do_pad is true")
    if not cfg.get("do_rescale", True) or not cfg.get("do_normalize", True):
        problems.append("rescale/normalise disabled")
    resample = cfg.get("resample", 2)
    resample = int(getattr(resample, "value", resample))
    if resample not in (2, 3):
        problems.append(f"resample = {resample} (only PIL bilinear 2 / bicubic 3 are implemented)")
    if problems:
        raise ExportError("the DPT preprocessor config is outside the viewer's contract: " + "; ".join(problems))
    mean, std = cfg.get("image_mean"), cfg.get("image_std")
    if isinstance(mean, (int, float)):
        mean = [mean] * 3
    if isinstance(std, (int, float)):
        std = [std] * 3
    return {
        "sharp_viewer.input_size": f"{int(size['width'])}x{int(size['height'])}",
        "sharp_viewer.resize": PIL_RESAMPLE_NAMES[resample],
        "sharp_viewer.rescale_factor": repr(float(cfg.get("rescale_factor", 1 / 255))),
        "sharp_viewer.mean": csv(mean),
        "sharp_viewer.std": csv(std),
    }


# transformers 4.32.1 (SHARP's version) DPTImageProcessor defaults.  A hub config that omits
# a key gets the default of whichever transformers version loads it, and the resample default
# changed since (BILINEAR then, BICUBIC in transformers 5); SHARP's behaviour is what counts.
SHARP_ERA_DPT_DEFAULTS = {"do_resize": True, "size": {"height": 384, "width": 384}, "resample": 2,
                          "keep_aspect_ratio": False, "ensure_multiple_of": 1, "do_rescale": True,
                          "rescale_factor": 1 / 255, "do_normalize": True,
                          "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}


def hub_preprocessor_config(model_id: str) -> dict:
    """The hub's preprocessor_config.json, completed with the defaults SHARP's transformers used."""
    import json
    from huggingface_hub import hf_hub_download
    raw = json.loads(Path(hf_hub_download(model_id, "preprocessor_config.json")).read_text())
    cfg = dict(SHARP_ERA_DPT_DEFAULTS)
    cfg.update(raw)
    absent = sorted(set(SHARP_ERA_DPT_DEFAULTS) - set(raw))
    if absent:
        print(f"  depth: {model_id} preprocessor_config.json does not set {', '.join(absent)}; "
              f"using transformers 4.32.1 defaults for them")
    return cfg


def build_depth(args, gen: torch.Generator):
    from transformers import DPTForDepthEstimation, DPTImageProcessor
    if args.depth_from_hub:
        model_id = args.depth_from_hub
        try:
            dpt = DPTForDepthEstimation.from_pretrained(model_id)
            proc_cfg = hub_preprocessor_config(model_id)
        except Exception as exc:  # noqa: BLE001
            raise ExportError(f"cannot load {model_id} from the HuggingFace hub (or its cache): {exc}") from exc
        revision = getattr(dpt.config, "_commit_hash", None)
        source = f"huggingface:{model_id}" + (f"@{revision}" if revision else "")
    else:
        torch.manual_seed(args.seed)
        dpt = DPTForDepthEstimation(hybrid_config())
        proc_cfg = DPTImageProcessor().to_dict()    # the installed processor's defaults
        source = f"random-init seed {args.seed} (DPT-Hybrid architecture, transformers defaults)"
    dpt.eval()
    meta = {"sharp_viewer.contract": "depth-v1", "sharp_viewer.source": source}
    meta.update(depth_preprocessing_metadata(proc_cfg))
    w, h = (int(v) for v in meta["sharp_viewer.input_size"].split("x"))
    if (w, h) != (384, 384):
        raise ExportError(f"depth input size {w}x{h} differs from the depth-v1 contract (384x384)")
    mean = torch.tensor([float(v) for v in meta["sharp_viewer.mean"].split(",")]).view(1, 3, 1, 1)
    std = torch.tensor([float(v) for v in meta["sharp_viewer.std"].split(",")]).view(1, 3, 1, 1)
    example = (image_like_batch(gen, 2, 384) - mean) / std
    return DepthWrapper(dpt).eval(), meta, example


def build_pose(args, gen: torch.Generator):
    torch.manual_seed(args.seed)
    net = EffHandEgoNet3D()
    if args.pose_checkpoint:
        path = Path(args.pose_checkpoint)
        load_strict(net, load_state_dict(path, args.unsafe_load), path, "EffHandEgoNet3D pose")
        source = f"{path.name} sha256:{sha256_of(path)}"
    else:
        with torch.no_grad():                      # realistic depth range for benchmarks
            net.z_estimation_l.bias.fill_(500.0)
            net.z_estimation_r.bias.fill_(500.0)
        t0 = time.time()
        recalibrate_batchnorm(net, gen, batches=args.bn_batches, batch_size=2)
        print(f"  pose: BatchNorm statistics re-estimated on {args.bn_batches}x2 image-like inputs "
              f"({time.time() - t0:.0f} s)")
        source = f"random-init seed {args.seed} (BatchNorm re-estimated, z bias 500 mm)"
    net.eval()
    meta = {
        "sharp_viewer.contract": "pose-v1", "sharp_viewer.source": source,
        "sharp_viewer.input_size": "512x512", "sharp_viewer.resize": "cv2_linear",
        "sharp_viewer.rescale_factor": RESCALE_1_255, "sharp_viewer.mean": csv(POSE_MEAN),
        "sharp_viewer.std": csv(POSE_STD), "sharp_viewer.heatmap_size": "128",
        "sharp_viewer.frame_size": f"{FRAME_W}x{FRAME_H}",
    }
    example = imagenet_normalise(image_like_batch(gen, 2, 512))
    return net, meta, example


def build_action(args, gen: torch.Generator):
    cfg = ActionConfig()
    torch.manual_seed(args.seed)
    net = Hand3DActionTransformer(cfg)
    if args.action_checkpoint:
        path = Path(args.action_checkpoint)
        load_strict(net, load_state_dict(path, args.unsafe_load), path, "Hand3DActionTransformer action")
        source = f"{path.name} sha256:{sha256_of(path)}"
    else:
        source = f"random-init seed {args.seed}"
    net.eval()
    meta = {"sharp_viewer.contract": "action-v1", "sharp_viewer.source": source,
            "sharp_viewer.window": str(cfg.seq_length), "sharp_viewer.features": str(cfg.input_dim),
            "sharp_viewer.num_classes": str(cfg.out_dim)}
    example = action_like_batch(gen, 2)
    return net, meta, example


def action_like_batch(gen: torch.Generator, n: int) -> torch.Tensor:
    """Plausible feature windows: u, v in [0, 1], z ~0.3-0.7 m, a box, an object id in 1..8."""
    x = torch.rand(n, 20, 135, generator=gen)
    x[:, :, 2:126:3] = 0.3 + 0.4 * x[:, :, 2:126:3]
    x[:, :, 134] = torch.randint(1, 9, (n, 1), generator=gen).float()
    return x


# ----------------------------------------------------------------------------------------
# export and verification
# ----------------------------------------------------------------------------------------

def export_onnx(module: nn.Module, example: torch.Tensor, kind: str, path: Path) -> None:
    inputs, outputs = CONTRACTS[kind]
    batch = torch.export.Dim("batch", min=1, max=64)
    arg = inputs[0].name
    with torch.no_grad():
        prog = torch.onnx.export(module, (example,), dynamo=True, external_data=False,
                                 opset_version=OPSET, input_names=[arg],
                                 output_names=[o.name for o in outputs],
                                 dynamic_shapes=({0: batch},), optimize=True, verbose=False)
    prog.save(str(path), external_data=False)


def finish_onnx(path: Path, kind: str, metadata: dict[str, str]) -> None:
    """Name the dynamic dimension 'batch' everywhere, attach metadata, check the model."""
    model = onnx.load(str(path))
    inputs, outputs = CONTRACTS[kind]
    syms = set()
    for vi in list(model.graph.input) + list(model.graph.output):
        d0 = vi.type.tensor_type.shape.dim[0]
        if d0.dim_param:
            syms.add(d0.dim_param)
    for vi in list(model.graph.input) + list(model.graph.output) + list(model.graph.value_info):
        for d in vi.type.tensor_type.shape.dim:
            if d.dim_param in syms:
                d.dim_param = "batch"
    del model.metadata_props[:]
    for k in METADATA_KEYS[kind]:
        if k not in metadata:
            raise ExportError(f"internal: metadata key {k} missing for {kind}")
        entry = model.metadata_props.add()
        entry.key, entry.value = k, metadata[k]
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def check_contract(sess: ort.InferenceSession, kind: str, path: Path, fp16: bool) -> None:
    inputs, outputs = CONTRACTS[kind]
    problems = []
    for got, want in ((sess.get_inputs(), inputs), (sess.get_outputs(), outputs)):
        if [g.name for g in got] != [w.name for w in want]:
            problems.append(f"names {[g.name for g in got]} != {[w.name for w in want]}")
            continue
        for g, w in zip(got, want):
            if g.type != "tensor(float)":
                problems.append(f"{g.name}: dtype {g.type} != tensor(float)")
            if tuple(g.shape) != w.dims:
                problems.append(f"{g.name}: shape {g.shape} != {list(w.dims)}")
    meta = sess.get_modelmeta().custom_metadata_map
    missing = [k for k in METADATA_KEYS[kind] if k not in meta]
    if missing:
        problems.append(f"metadata keys missing: {missing}")
    if problems:
        raise ExportError(f"{path} violates the {kind} contract: " + "; ".join(problems))


def compare(sess, module, x: torch.Tensor, kind: str) -> dict[str, tuple[float, float]]:
    """Max abs diff and max |reference| per output between onnxruntime and PyTorch.

    For the pose network the soft-argmax keypoints (in 1280x720 pixels) derived
    from both heatmap sets are compared as well, since that is what the viewer uses.
    """
    with torch.no_grad():
        ref = module(x)
    ref = ref if isinstance(ref, tuple) else (ref,)
    got = sess.run(None, {CONTRACTS[kind][0][0].name: x.numpy()})
    res = {}
    for o, r, g in zip(CONTRACTS[kind][1], ref, got):
        r = r.numpy()
        if g.shape != r.shape:
            raise ExportError(f"{kind}: output {o.name} shape {g.shape} != PyTorch {r.shape}")
        if not np.all(np.isfinite(g)):
            raise ExportError(f"{kind}: output {o.name} contains non-finite values")
        res[o.name] = (float(np.max(np.abs(g.astype(np.float64) - r))), float(np.max(np.abs(r))))
    if kind == "pose":
        scale = torch.tensor([float(FRAME_W), float(FRAME_H)], dtype=torch.float64)
        kp_ref = soft_argmax(ref[0].double()) * scale
        kp_got = soft_argmax(torch.from_numpy(got[0]).double()) * scale
        res["keypoints_px"] = (float((kp_ref - kp_got).abs().max()), float(FRAME_W))
    return res


def verify(path: Path, module: nn.Module, example: torch.Tensor, kind: str, fp16: bool) -> str:
    """Contract check plus onnxruntime-vs-PyTorch comparison on batch 2 and batch 1.

    float32 exports must agree to 1e-3 relative (of each output's magnitude);
    fp16 exports must give finite outputs, and their differences are reported
    (they depend on the weights, and random weights exaggerate them).
    """
    if fp16 and not session_survives(path):
        raise ExportError(f"onnxruntime crashes when loading {path}")
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    check_contract(sess, kind, path, fp16)
    lines = []
    worst = 0.0
    for label, x in (("batch 2", example), ("batch 1", example[:1].clone())):
        diffs = compare(sess, module, x, kind)
        for name, (d, scale) in diffs.items():
            rel = d / max(scale, 1e-12)
            if name != "keypoints_px":
                worst = max(worst, rel)
                lines.append(f"    {label:7s} {name:15s} max|onnx - torch| = {d:.3e}  (max|torch| = {scale:.3e}, "
                             f"relative {rel:.1e})")
            else:
                lines.append(f"    {label:7s} {'soft-argmax':15s} max|onnx - torch| = {d:.3e} px (1280x720 frame)")
    limit = 1e-3
    if worst > limit:
        if fp16:
            lines.append(f"    WARNING: fp16 differs from float32 PyTorch by up to {worst:.1e} relative")
        else:
            raise ExportError(f"{path}: onnxruntime differs from PyTorch by {worst:.2e} relative "
                              f"(limit {limit:.0e}):\n" + "\n".join(lines))
    return "\n".join(lines)


# Kept in float32 inside fp16 models, on top of onnxruntime's default block list:
# LayerNormalization (normalising a whole 21x135 block in half precision loses too much).
FP16_EXTRA_BLOCKED = ["LayerNormalization"]
# onnxruntime 1.32's CPU graph optimiser (ORT_ENABLE_ALL, NchwcTransformer) crashes with a
# segmentation fault on some fp16 graphs (seen: the action network's attention-scaling Mul
# nodes).  If the first conversion crashes a probe session, these op types are kept in float32
# too, one set after the other, until a session can be created and run.
FP16_FALLBACK_BLOCKS = [[], ["Mul"], ["Mul", "Transpose"]]

_PROBE = """
import sys, numpy as np, onnxruntime as ort
s = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
feed = {i.name: np.zeros([1 if isinstance(d, str) else d for d in i.shape], np.float32) for i in s.get_inputs()}
s.run(None, feed)
"""


def session_survives(path: Path) -> bool:
    """Create and run an onnxruntime session in a child process (it may crash, see above)."""
    import subprocess
    r = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True)
    return r.returncode == 0


def to_fp16(src: Path, dst: Path) -> str:
    """float16 weights and compute, float32 inputs/outputs (the contract stays unchanged).

    Returns a note on which op types were kept in float32.
    """
    from onnxruntime.transformers.float16 import DEFAULT_OP_BLOCK_LIST, convert_float_to_float16
    for extra in FP16_FALLBACK_BLOCKS:
        blocked = FP16_EXTRA_BLOCKED + extra
        half = convert_float_to_float16(onnx.load(str(src)), keep_io_types=True, disable_shape_infer=False,
                                        op_block_list=list(DEFAULT_OP_BLOCK_LIST) + blocked)
        drop_repeated_nodes(half.graph)
        toposort(half.graph)   # the converter appends its input casts at the end of the node list
        onnx.checker.check_model(half)
        onnx.save(half, str(dst))
        if session_survives(dst):
            return f"kept in float32: {', '.join(blocked)} (+ onnxruntime defaults)"
        print(f"  onnxruntime crashed on the fp16 graph with {blocked} in float32; retrying")
    dst.unlink()
    raise ExportError(f"could not produce an fp16 model from {src} that onnxruntime {ort.__version__} can load")


def drop_repeated_nodes(graph: onnx.GraphProto) -> None:
    """Remove exact repeats of a node (same op, inputs, attributes and outputs).

    onnxruntime's float16 converter (seen with 1.30) can insert the same float32 cast twice
    when one value feeds two blocked nodes, which breaks SSA form; the repeat computes
    nothing new. A different node reusing an output name is still an error.
    """
    producers: dict[str, onnx.NodeProto] = {}
    kept = []
    for node in graph.node:
        earlier = [producers[o] for o in node.output if o in producers]
        if earlier:
            first = earlier[0]
            same = (first.op_type == node.op_type and list(first.input) == list(node.input)
                    and list(first.output) == list(node.output) and list(first.attribute) == list(node.attribute))
            if not same:
                raise ExportError(f"two different nodes write {node.output[0]} in the fp16 graph")
            continue
        producers.update({o: node for o in node.output})
        kept.append(node)
    del graph.node[:]
    graph.node.extend(kept)


def toposort(graph: onnx.GraphProto) -> None:
    """Reorder graph.node so every node comes after the producers of its inputs."""
    known = {i.name for i in graph.input} | {t.name for t in graph.initializer} | {""}
    pending = list(graph.node)
    ordered = []
    while pending:
        rest = []
        for node in pending:
            if all(i in known for i in node.input):
                ordered.append(node)
                known.update(node.output)
            else:
                rest.append(node)
        if len(rest) == len(pending):
            raise ExportError(f"cannot order the fp16 graph; unresolved inputs of {rest[0].name}")
        pending = rest
    del graph.node[:]
    graph.node.extend(ordered)


# ----------------------------------------------------------------------------------------
# cross-check with the authors' original classes
# ----------------------------------------------------------------------------------------

class _Placeholder(types.ModuleType):
    """Stands in for an uninstalled data-loading package; any attribute is an empty class."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return type(name, (), {})


@contextlib.contextmanager
def original_sharp_modules(clone: Path):
    """Make the authors' ``models.models`` importable from a local clone, for this check only.

    Their module pulls in data-loading dependencies (cv2, pandas, matplotlib,
    pytorchvideo, albumentations) that the networks do not use; any that are
    not installed are replaced by empty placeholder modules while importing.
    numpy >= 2 lacks ``np.VisibleDeprecationWarning`` used at import time; it
    is aliased temporarily.  The EfficientNet is built without downloading
    ImageNet weights (they are overwritten by the state_dict anyway).
    """
    import torchvision
    if not (clone / "models" / "models.py").is_file():
        raise ExportError(f"{clone} does not look like a clone of wiktormucha/SHARP (no models/models.py)")
    stubbed, saved_modules = [], {}
    for name in ("cv2", "pandas", "matplotlib", "matplotlib.pyplot", "pytorchvideo",
                 "pytorchvideo.transforms", "pytorchvideo.transforms.functional", "albumentations"):
        root = name.split(".")[0]
        if root not in stubbed and importlib.util.find_spec(root) is not None:
            continue
        saved_modules[name] = sys.modules.get(name)
        sys.modules[name] = _Placeholder(name)
        stubbed.append(name)
    for parent in list(stubbed):
        if "." in parent:
            head, tail = parent.rsplit(".", 1)
            setattr(sys.modules[head], tail, sys.modules[parent])
    aliased = not hasattr(np, "VisibleDeprecationWarning")
    if aliased:
        np.VisibleDeprecationWarning = np.exceptions.VisibleDeprecationWarning
    real_effnet = torchvision.models.efficientnet_v2_s
    torchvision.models.efficientnet_v2_s = lambda *a, **k: real_effnet(weights=None)
    clashing = {k: sys.modules.pop(k) for k in list(sys.modules)
                if k in ("models", "utils", "datasets") or k.startswith(("models.", "utils.", "datasets."))}
    sys.path.insert(0, str(clone))
    try:
        yield importlib.import_module("models.models"), stubbed
    finally:
        sys.path.remove(str(clone))
        for k in [k for k in sys.modules if k in ("models", "utils", "datasets")
                  or k.startswith(("models.", "utils.", "datasets."))]:
            del sys.modules[k]
        sys.modules.update(clashing)
        torchvision.models.efficientnet_v2_s = real_effnet
        if aliased:
            del np.VisibleDeprecationWarning
        for name, mod in saved_modules.items():
            if mod is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = mod


def check_against_original(clone: Path, built: dict, gen: torch.Generator) -> list[str]:
    report = []
    with original_sharp_modules(clone) as (orig, stubbed):
        if stubbed:
            report.append(f"  (placeholder modules while importing their code: {', '.join(stubbed)})")
        if "pose" in built:
            ours = built["pose"][0]
            theirs = orig.EffHandEgoNet3D()
            theirs.load_state_dict(ours.state_dict(), strict=True)
            theirs.eval()
            x = imagenet_normalise(image_like_batch(gen, 2, 512))
            with torch.no_grad():
                hm, lh, rh, z = ours(x)
                ref = theirs(x)
            for name, a, b in (("heatmaps", hm, ref["heatmaps"]), ("left_handness", lh, ref["left_handness"]),
                               ("right_handness", rh, ref["right_handness"]), ("z", z, ref["z"])):
                report.append(f"  pose   {name:15s} max|ours - original| = {float((a - b).abs().max()):.3e}")
            # Their eval-mode post-processing vs the formula in SHARP_SPEC.md section 4.
            uv = soft_argmax(hm) * torch.tensor([float(FRAME_W), float(FRAME_H)])
            xyz = unproject(uv.double(), z.double(), SHARP_CAM_K)
            report.append(f"  pose   kpts25d (u,v)   max|spec formula - original| = "
                          f"{float((uv - ref['kpts2d_img']).abs().max()):.3e} px")
            report.append(f"  pose   kpts_3d_cam     max|spec formula - original| = "
                          f"{float((xyz - ref['kpts_3d_cam'].double()).abs().max()):.3e} mm")
            report.append(f"  pose   parameters: ours {count_parameters(ours)}, original {count_parameters(theirs)}")
        if "action" in built:
            ours = built["action"][0]
            cfg = types.SimpleNamespace(input_dim=135, out_dim=36, dropout=0.0, dropout_att=0.3,
                                        trans_num_heads=3, trans_num_layers=2, hidden_layers=135,
                                        seq_length=20, dropout_mlp=0.0)
            theirs = orig.Hand3DActionTransformer(cfg, device="cpu")
            theirs.load_state_dict(ours.state_dict(), strict=True)
            theirs.eval()
            pos_theirs = orig.get_positional_embeddings(21, 135, device="cpu")
            x = action_like_batch(gen, 4)
            with torch.no_grad():
                a, b = ours(x), theirs(x)
            report.append(f"  action positional table max|ours - original| = "
                          f"{float((ours.positions[0] - pos_theirs).abs().max()):.3e}")
            report.append(f"  action logits          max|ours - original| = {float((a - b).abs().max()):.3e}"
                          f"  (argmax equal: {bool((a.argmax(1) == b.argmax(1)).all())})")
    return report


# ----------------------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------------------

def parse_args(argv=None):
    ap = argparse.ArgumentParser(description="Export SHARP's depth, pose and action networks to ONNX "
                                             "for the SHARP viewer.",
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: models/)")
    ap.add_argument("--pose-checkpoint", type=Path, help="SHARP EffHandEgoNet3D state_dict (.pth)")
    ap.add_argument("--action-checkpoint", type=Path, help="SHARP Hand3DActionTransformer state_dict (.pth)")
    ap.add_argument("--depth-from-hub", nargs="?", const=HUB_DEPTH_ID, default=None, metavar="MODEL_ID",
                    help=f"load DPT from HuggingFace (default id {HUB_DEPTH_ID}); needs internet or the HF cache")
    ap.add_argument("--random-init", action="store_true",
                    help="random weights for every model without another source (benchmarks/tests only)")
    ap.add_argument("--seed", type=int, default=0, help="seed for --random-init and test inputs (default 0)")
    ap.add_argument("--only", nargs="+", choices=["depth", "pose", "action"],
                    help="export only these models")
    ap.add_argument("--fp16", action="store_true", help="also write *_fp16.onnx (float32 inputs/outputs)")
    ap.add_argument("--check-against-original", type=Path, metavar="SHARP_CLONE",
                    help="compare the re-implemented networks with the authors' classes from a local clone")
    ap.add_argument("--bn-batches", type=int, default=8,
                    help="batches of 2 image-like inputs for BatchNorm re-estimation (random-init pose)")
    ap.add_argument("--unsafe-load", action="store_true",
                    help="allow checkpoints with pickled Python objects (torch.load weights_only=False)")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    torch.set_grad_enabled(False)
    wanted = args.only or ["depth", "pose", "action"]
    sources = {"depth": args.depth_from_hub or args.random_init,
               "pose": args.pose_checkpoint or args.random_init,
               "action": args.action_checkpoint or args.random_init}
    todo = [k for k in wanted if sources[k]]
    skipped = [k for k in wanted if not sources[k]]
    if skipped:
        print(f"skipping {', '.join(skipped)}: no weights given (use --depth-from-hub / --pose-checkpoint / "
              f"--action-checkpoint, or --random-init)")
    if not todo:
        print("nothing to export", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"torch {torch.__version__}, onnx {onnx.__version__}, onnxruntime {ort.__version__}, opset {OPSET}")
    builders = {"depth": build_depth, "pose": build_pose, "action": build_action}
    built = {}
    try:
        for kind in todo:
            gen = torch.Generator().manual_seed(args.seed + 1)
            t0 = time.time()
            module, meta, example = builders[kind](args, gen)
            built[kind] = (module, meta, example)
            print(f"[{kind}] {count_parameters(module) / 1e6:.1f} M parameters; source: {meta['sharp_viewer.source']}")
            path = args.out / f"{kind}.onnx"
            export_onnx(module, example, kind, path)
            finish_onnx(path, kind, meta)
            print(f"[{kind}] wrote {path} ({path.stat().st_size / 2**20:.1f} MiB, {time.time() - t0:.0f} s); "
                  f"verifying with onnxruntime:")
            print(verify(path, module, example, kind, fp16=False))
            if args.fp16:
                half = args.out / f"{kind}_fp16.onnx"
                note = to_fp16(path, half)
                print(f"[{kind}] wrote {half} ({half.stat().st_size / 2**20:.1f} MiB; {note}); verifying:")
                print(verify(half, module, example, kind, fp16=True))
        if args.check_against_original:
            print(f"checking against the original classes in {args.check_against_original}:")
            gen = torch.Generator().manual_seed(args.seed + 2)
            for line in check_against_original(args.check_against_original, built, gen):
                print(line)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
