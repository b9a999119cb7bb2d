#!/usr/bin/env python3
"""Build the tiny ONNX contract fixtures in tests/fixtures/models/.

The fixtures have exactly the interface of the real exports written by
``models/export_onnx.py`` (input/output names, ranks, fixed dims, float32,
a dynamic batch dimension called ``batch``, opset 18, the same
``sharp_viewer.*`` metadata keys), but only a few kilobytes of seeded weights,
so the viewer's loaders, pipelines and tests can run without the real networks.

* ``depth_tiny.onnx``  ``pixel_values`` [batch,3,384,384] -> ``predicted_depth`` [batch,384,384]
  (non-negative; 8x8 average pool, two 3x3 convolutions with ReLU, Softplus,
  plus a top-to-bottom ramp so nearer = bigger near the bottom, bilinear
  upsampling back to 384x384).
* ``pose_tiny.onnx``   ``image`` [batch,3,512,512] -> ``heatmaps`` [batch,42,128,128] (sigmoid),
  ``left_handness`` / ``right_handness`` [batch,2] (logits), ``z`` [batch,42] (mm).
  Heatmaps: 4x4 average pool to 128x128, concatenated with in-graph x, y, x^2,
  y^2 coordinate planes, a seeded 1x1 convolution and a sigmoid: every joint
  gets a blob around its own seeded centre that the image content shifts.
  Handedness: global average colour -> small linear layer on top of a strong
  bias (left present, right absent for ordinary images).  z: 500 + 150 *
  tanh(linear(global average colour)), i.e. 350..650 mm.
* ``action_tiny.onnx`` ``positions`` [batch,20,135] -> ``logits`` [batch,36]
  (mean over time, seeded 135x36 MatMul, bias).
* broken variants for the loader's validation tests:
  ``pose_wrong_heatmap_shape.onnx`` (heatmaps [batch,21,128,128]),
  ``depth_wrong_input_name.onnx`` (input called ``input``),
  ``action_wrong_dtype.onnx`` (float64 input).
* ``pose_batch_called_n.onnx``: pose_tiny with its free first dimension called ``N``;
  valid, but the viewer's load-time batch fix (by the name ``batch``) misses it, so its
  shape read stays in the graph (the shape-folding test).

Usage (any venv with numpy, onnx and onnxruntime; the reference venv works):

    ~/.venvs/reference/bin/python tests/reference/make_fixture_models.py

Deterministic: the same files (byte for byte) on every run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "tests" / "fixtures" / "models"
SOURCE = "tiny contract fixture (tests/reference/make_fixture_models.py)"
OPSET = 18
IR_VERSION = 9  # widely supported by onnxruntime >= 1.15
RESCALE = "0.00392156862745098"  # 1/255, as transformers writes it


def depth_metadata() -> dict[str, str]:
    return {
        "sharp_viewer.contract": "depth-v1",
        "sharp_viewer.source": SOURCE,
        "sharp_viewer.input_size": "384x384",
        "sharp_viewer.resize": "pil_bicubic",
        "sharp_viewer.rescale_factor": RESCALE,
        "sharp_viewer.mean": "0.5,0.5,0.5",
        "sharp_viewer.std": "0.5,0.5,0.5",
    }


def pose_metadata() -> dict[str, str]:
    return {
        "sharp_viewer.contract": "pose-v1",
        "sharp_viewer.source": SOURCE,
        "sharp_viewer.input_size": "512x512",
        "sharp_viewer.resize": "cv2_linear",
        "sharp_viewer.rescale_factor": RESCALE,
        "sharp_viewer.mean": "0.485,0.456,0.406",
        "sharp_viewer.std": "0.229,0.224,0.225",
        "sharp_viewer.heatmap_size": "128",
        "sharp_viewer.frame_size": "1280x720",
    }


def action_metadata() -> dict[str, str]:
    return {
        "sharp_viewer.contract": "action-v1",
        "sharp_viewer.source": SOURCE,
        "sharp_viewer.window": "20",
        "sharp_viewer.features": "135",
        "sharp_viewer.num_classes": "36",
    }


def f32(name: str, arr) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(arr, dtype=np.float32), name)


def i64(name: str, arr) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(arr, dtype=np.int64), name)


def vinfo(name: str, dims, elem=TensorProto.FLOAT) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, elem, dims)


def finish(graph: onnx.GraphProto, metadata: dict[str, str], path: Path) -> None:
    """Wrap in a model (opset 18, IR 9), attach metadata, run the full onnx checker, save."""
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="sharp_viewer-fixtures", producer_version="1")
    model.ir_version = IR_VERSION
    model.doc_string = "Tiny SHARP viewer contract fixture; not a trained network."
    helper.set_model_props(model, metadata)
    onnx.checker.check_model(model, full_check=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))


# ---------------------------------------------------------------------------------------
# depth
# ---------------------------------------------------------------------------------------

def build_depth(rng: np.random.Generator, input_name: str = "pixel_values") -> onnx.GraphProto:
    w1 = rng.normal(0.0, 0.5, size=(4, 3, 3, 3))
    b1 = rng.normal(0.0, 0.1, size=(4,))
    w2 = np.abs(rng.normal(0.0, 0.5, size=(1, 4, 3, 3)))
    b2 = np.array([0.2])
    ramp = np.linspace(0.0, 1.0, 48).reshape(1, 1, 48, 1) * np.ones((1, 1, 1, 48))
    inits = [
        f32("w1", w1), f32("b1", b1), f32("w2", w2), f32("b2", b2),
        f32("ramp", ramp), f32("gain", [300.0]), f32("ramp_gain", [900.0]),
        f32("scales", [1.0, 1.0, 8.0, 8.0]), i64("squeeze_axes", [1]),
    ]
    nodes = [
        helper.make_node("AveragePool", [input_name], ["pooled"], kernel_shape=[8, 8], strides=[8, 8]),
        helper.make_node("Conv", ["pooled", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], pads=[1, 1, 1, 1]),
        helper.make_node("Softplus", ["c2"], ["sp"]),
        helper.make_node("Mul", ["sp", "gain"], ["spg"]),
        helper.make_node("Mul", ["ramp", "ramp_gain"], ["rampg"]),
        helper.make_node("Add", ["spg", "rampg"], ["low"]),
        helper.make_node("Resize", ["low", "", "scales"], ["up"], mode="linear",
                         coordinate_transformation_mode="half_pixel"),
        helper.make_node("Squeeze", ["up", "squeeze_axes"], ["predicted_depth"]),
    ]
    return helper.make_graph(nodes, "depth_tiny",
                             [vinfo(input_name, ["batch", 3, 384, 384])],
                             [vinfo("predicted_depth", ["batch", 384, 384])], inits)


# ---------------------------------------------------------------------------------------
# pose
# ---------------------------------------------------------------------------------------

def build_pose(rng: np.random.Generator, n_heatmaps: int = 42, batch: str = "batch") -> onnx.GraphProto:
    # Per-joint blob centres: left hand joints left of centre, right hand joints right.
    cx = np.concatenate([rng.uniform(0.15, 0.45, 21), rng.uniform(0.55, 0.85, 21)])[:n_heatmaps]
    cy = rng.uniform(0.3, 0.8, n_heatmaps)
    sharp = rng.uniform(25.0, 60.0, n_heatmaps)                   # 1 / blob width^2
    img_w = rng.normal(0.0, 1.2, size=(n_heatmaps, 3))            # how much colour moves the blob
    # logit = c - s((x-cx)^2 + (y-cy)^2) + img_w . rgb
    w = np.zeros((n_heatmaps, 7, 1, 1))
    w[:, 0:3, 0, 0] = img_w
    w[:, 3, 0, 0] = 2 * sharp * cx
    w[:, 4, 0, 0] = 2 * sharp * cy
    w[:, 5, 0, 0] = -sharp
    w[:, 6, 0, 0] = -sharp
    bias = 2.0 - sharp * (cx ** 2 + cy ** 2)
    hand_l = rng.normal(0.0, 0.3, size=(3, 2))
    hand_r = rng.normal(0.0, 0.3, size=(3, 2))
    z_w = rng.normal(0.0, 0.6, size=(3, 42))
    z_b = rng.normal(0.0, 0.3, size=(42,))
    inits = [
        f32("coord", (np.arange(128) + 0.5) / 128.0), f32("conv_w", w), f32("conv_b", bias),
        i64("shape_x", [1, 1, 1, 128]), i64("shape_y", [1, 1, 128, 1]), i64("hw", [1, 128, 128]),
        i64("zero", [0]), i64("one", [1]),
        f32("hand_l_w", hand_l), f32("hand_l_b", [0.0, 2.5]),
        f32("hand_r_w", hand_r), f32("hand_r_b", [0.0, -2.5]),
        f32("z_w", z_w), f32("z_b", z_b), f32("z_scale", [150.0]), f32("z_offset", [500.0]),
    ]
    nodes = [
        helper.make_node("AveragePool", ["image"], ["pooled"], kernel_shape=[4, 4], strides=[4, 4]),
        # coordinate planes expanded to [batch, 1, 128, 128]
        helper.make_node("Shape", ["pooled"], ["pshape"]),
        helper.make_node("Slice", ["pshape", "zero", "one"], ["batch_dim"]),
        helper.make_node("Concat", ["batch_dim", "hw"], ["plane_shape"], axis=0),
        helper.make_node("Reshape", ["coord", "shape_x"], ["xrow"]),
        helper.make_node("Reshape", ["coord", "shape_y"], ["ycol"]),
        helper.make_node("Expand", ["xrow", "plane_shape"], ["xs"]),
        helper.make_node("Expand", ["ycol", "plane_shape"], ["ys"]),
        helper.make_node("Mul", ["xs", "xs"], ["xx"]),
        helper.make_node("Mul", ["ys", "ys"], ["yy"]),
        helper.make_node("Concat", ["pooled", "xs", "ys", "xx", "yy"], ["feat"], axis=1),
        helper.make_node("Conv", ["feat", "conv_w", "conv_b"], ["logit"]),
        helper.make_node("Sigmoid", ["logit"], ["heatmaps"]),
        # global colour -> handedness and z
        helper.make_node("GlobalAveragePool", ["image"], ["gap"]),
        helper.make_node("Flatten", ["gap"], ["colour"], axis=1),
        helper.make_node("Gemm", ["colour", "hand_l_w", "hand_l_b"], ["left_handness"]),
        helper.make_node("Gemm", ["colour", "hand_r_w", "hand_r_b"], ["right_handness"]),
        helper.make_node("Gemm", ["colour", "z_w", "z_b"], ["z_lin"]),
        helper.make_node("Tanh", ["z_lin"], ["z_t"]),
        helper.make_node("Mul", ["z_t", "z_scale"], ["z_s"]),
        helper.make_node("Add", ["z_s", "z_offset"], ["z"]),
    ]
    outputs = [vinfo("heatmaps", [batch, n_heatmaps, 128, 128]),
               vinfo("left_handness", [batch, 2]), vinfo("right_handness", [batch, 2]),
               vinfo("z", [batch, 42])]
    return helper.make_graph(nodes, "pose_tiny", [vinfo("image", [batch, 3, 512, 512])],
                             outputs, inits)


# ---------------------------------------------------------------------------------------
# action
# ---------------------------------------------------------------------------------------

def build_action(rng: np.random.Generator, elem=TensorProto.FLOAT) -> onnx.GraphProto:
    w = rng.normal(0.0, 1.0, size=(135, 36))
    b = rng.normal(0.0, 0.2, size=(36,))
    inits = [f32("w", w), f32("b", b), i64("time_axis", [1])]
    nodes = []
    src = "positions"
    if elem != TensorProto.FLOAT:
        nodes.append(helper.make_node("Cast", ["positions"], ["positions_f"], to=TensorProto.FLOAT))
        src = "positions_f"
    nodes += [
        helper.make_node("ReduceMean", [src, "time_axis"], ["mean"], keepdims=0),
        helper.make_node("MatMul", ["mean", "w"], ["mw"]),
        helper.make_node("Add", ["mw", "b"], ["logits"]),
    ]
    return helper.make_graph(nodes, "action_tiny", [vinfo("positions", ["batch", 20, 135], elem)],
                             [vinfo("logits", ["batch", 36])], inits)


def smoke_test(path: Path) -> str:
    """Run the fixture once with onnxruntime on batch 2 and describe the outputs."""
    import onnxruntime as ort
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    feeds = {}
    for inp in sess.get_inputs():
        shape = [2 if isinstance(d, str) else d for d in inp.shape]
        dtype = np.float64 if inp.type == "tensor(double)" else np.float32
        feeds[inp.name] = rng.normal(0.0, 1.0, size=shape).astype(dtype)
    outs = sess.run(None, feeds)
    return ", ".join(f"{o.name}{list(v.shape)} [{v.min():.3g}, {v.max():.3g}]"
                     for o, v in zip(sess.get_outputs(), outs))


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    # Each model gets its own seed so that changing one does not change the others.
    finish(build_depth(np.random.default_rng(101)), depth_metadata(), OUT / "depth_tiny.onnx")
    finish(build_pose(np.random.default_rng(202)), pose_metadata(), OUT / "pose_tiny.onnx")
    finish(build_action(np.random.default_rng(303)), action_metadata(), OUT / "action_tiny.onnx")
    finish(build_pose(np.random.default_rng(202), n_heatmaps=21), pose_metadata(),
           OUT / "pose_wrong_heatmap_shape.onnx")
    finish(build_pose(np.random.default_rng(202), batch="N"), pose_metadata(),
           OUT / "pose_batch_called_n.onnx")
    finish(build_depth(np.random.default_rng(101), input_name="input"), depth_metadata(),
           OUT / "depth_wrong_input_name.onnx")
    finish(build_action(np.random.default_rng(303), elem=TensorProto.DOUBLE), action_metadata(),
           OUT / "action_wrong_dtype.onnx")
    for p in sorted(OUT.glob("*.onnx")):
        print(f"{p.name:34s} {p.stat().st_size:7d} B  {smoke_test(p)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
