#!/usr/bin/env python3
"""Check the torch-dependent claims behind sharp_reference.py, with torch itself.

sharp_reference.py runs without torch; this script (export venv, which has
torch) checks the places where it stands in for torch code:

1. ``torch_linspace_f32`` / ``sample2_uniform`` reproduce
   ``torch.linspace(0, n-1, 20)`` value for value and the sampled indices
   (pytorchvideo's ``uniform_temporal_subsample``) for n = 1..N;
2. ``F.interpolate(d, size=(384, 384), mode="bicubic", align_corners=False)``
   on a 384x384 map (get_h2o_depth.py) is an exact identity;
3. with ``--sharp-clone PATH`` (a local clone of wiktormucha/SHARP): SHARP's own
   ``heatmaps_to_coordinates_tensor`` and ``project_points_2D_to_3D`` (float32
   torch) applied to the golden heatmaps agree with the float64 values stored
   in ``tests/fixtures/golden/pipeline/pose_frame0.json`` (prints the max
   differences, which are the tolerances the Rust side should use).

    ~/.venvs/export/bin/python tests/reference/check_torch_semantics.py --sharp-clone /tmp/sharp-orig
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[2]
REF = REPO / "tests" / "reference" / "sharp_reference.py"
GOLDEN = REPO / "tests" / "fixtures" / "golden" / "pipeline"


def reference_functions(*names: str) -> dict:
    """Load selected pure-numpy functions from sharp_reference.py without its heavy imports."""
    tree = ast.parse(REF.read_text())
    ns = {"np": np, "WINDOW": 20}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in names:
            exec(compile(ast.Module([node], []), str(REF), "exec"), ns)  # noqa: S102 - our own file
    return ns


def check_linspace(n_max: int) -> None:
    fns = reference_functions("torch_linspace_f32", "sample2_uniform")
    bad_values = bad_idx = 0
    for n in list(range(1, n_max + 1)) + [65536, 100000, 1000003]:
        if n >= 20:
            lin = torch.linspace(0, n - 1, 20)
            want = torch.clamp(lin, 0, n - 1).long().tolist()
            bad_values += not np.array_equal(lin.numpy(), fns["torch_linspace_f32"](0, n - 1, 20))
        else:
            want = np.trunc(np.arange(0, 20) * n / 20).astype(int).tolist()
        bad_idx += fns["sample2_uniform"](n) != want
    print(f"1. linspace: {bad_idx} index mismatches, {bad_values} float32 value mismatches "
          f"for n = 1..{n_max} (+3 large n); torch {torch.__version__}, "
          f"CPU capability {torch.backends.cpu.get_cpu_capability()}")
    if bad_idx:
        raise SystemExit("sampling indices differ from torch")


def check_bicubic_identity() -> None:
    g = torch.Generator().manual_seed(0)
    d = torch.rand(1, 1, 384, 384, generator=g) * 3000
    out = torch.nn.functional.interpolate(d, size=(384, 384), mode="bicubic", align_corners=False)
    same = torch.equal(out, d)
    print(f"2. bicubic 384->384 interpolate is an exact identity: {same}")
    if not same:
        raise SystemExit("bicubic identity does not hold")


def check_pose_postprocessing(clone: Path) -> None:
    sys.path.insert(0, str(REPO / "models"))
    from export_onnx import original_sharp_modules  # reuse the import shims
    import onnxruntime as ort

    pose = json.loads((GOLDEN / "pose_frame0.json").read_text())
    x = np.load(GOLDEN / "pose_input_frame0.npy")
    sess = ort.InferenceSession(str(REPO / "tests" / "fixtures" / "models" / "pose_tiny.onnx"),
                                providers=["CPUExecutionProvider"])
    hm, _, _, z = sess.run(["heatmaps", "left_handness", "right_handness", "z"], {"image": x})
    k = np.array([[pose["intrinsics"]["fx"], 0, pose["intrinsics"]["cx"]],
                  [0, pose["intrinsics"]["fy"], pose["intrinsics"]["cy"]], [0, 0, 1]])
    with original_sharp_modules(clone) as (_models, _stubbed):
        gu = sys.modules["utils.general_utils"]
        hmt = torch.from_numpy(hm)
        kp = gu.heatmaps_to_coordinates_tensor(heatmaps=hmt, num_kpts=42, img_size=128)
        uv = kp * torch.tensor([1280.0, 720.0])
        uvz = torch.cat((uv, torch.from_numpy(z).reshape(1, 42, 1)), 2)
        xyz = gu.project_points_2D_to_3D(xyz=uvz, K=torch.tensor(k))
    d_uv = np.abs(uv[0].numpy() - np.array(pose["keypoints_uv"])).max()
    d_xyz = np.abs(xyz[0].numpy() - np.array(pose["joints_3d_mm"])).max()
    print(f"3. SHARP float32 torch vs golden float64: keypoints_uv max diff {d_uv:.3e} px, "
          f"joints_3d_mm max diff {d_xyz:.3e} mm")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-max", type=int, default=20000)
    ap.add_argument("--sharp-clone", type=Path, help="local clone of wiktormucha/SHARP (optional)")
    args = ap.parse_args()
    check_linspace(args.n_max)
    check_bicubic_identity()
    if args.sharp_clone:
        if importlib.util.find_spec("onnxruntime") is None:
            raise SystemExit("onnxruntime is needed for check 3")
        check_pose_postprocessing(args.sharp_clone)
    return 0


if __name__ == "__main__":
    sys.exit(main())
