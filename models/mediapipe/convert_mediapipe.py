#!/usr/bin/env python3
"""Convert MediaPipe Hands' TFLite models (Apache-2.0, Google LLC) to ONNX.

Reproduces the committed files in this folder:

    palm_detection_full.onnx  palm_detection_lite.onnx
    hand_landmark_full.onnx   hand_landmark_lite.onnx

Steps:
1. ``pip download`` the pinned ``mediapipe==0.10.21`` wheel (later versions ship no
   .tflite files), check its sha256, extract the four .tflite files and check theirs;
2. convert each with tf2onnx 1.17 (``python -m tf2onnx.convert --tflite X --output Y
   --opset 17``; tf2onnx needs TensorFlow even for .tflite input);
3. check the ONNX against TensorFlow's TFLite interpreter on random inputs and on
   real images (the golden test images, letterboxed/resized), and check the input
   and output names/shapes the viewer relies on;
4. write ``conversion_report.json`` (max abs differences, sha256 of every file).

Run it in a throwaway venv, never in the viewer's environment (Python 3.11)::

    python3 -m venv ~/.venvs/mp-convert
    ~/.venvs/mp-convert/bin/pip install -r models/mediapipe/requirements.txt
    ~/.venvs/mp-convert/bin/python models/mediapipe/convert_mediapipe.py

Pass ``--wheel PATH`` to use an already downloaded wheel (its sha256 is still checked).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
GOLDEN_IMAGES = REPO / "tests" / "fixtures" / "golden" / "mediapipe"

MEDIAPIPE_VERSION = "0.10.21"
WHEEL_NAME = f"mediapipe-{MEDIAPIPE_VERSION}-cp311-cp311-manylinux_2_28_x86_64.whl"
WHEEL_SHA256 = "05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3"
OPSET = 17

# member of the wheel -> sha256 of that member
TFLITE = {
    "mediapipe/modules/palm_detection/palm_detection_full.tflite": "1b14e9422c6ad006cde6581a46c8b90dd573c07ab7f3934b5589e7cea3f89a54",
    "mediapipe/modules/palm_detection/palm_detection_lite.tflite": "e9a4aaddf90dda56a87235303cf00e4c2d3fb28725f68fd88772997dac905c18",
    "mediapipe/modules/hand_landmark/hand_landmark_full.tflite": "11c272b891e1a99ab034208e23937a8008388cf11ed2a9d776ed3d01d0ba00e3",
    "mediapipe/modules/hand_landmark/hand_landmark_lite.tflite": "048edd3645c9bf7397d19a9f6e3a42957d6e414c9bea6598030a2e9b624156e6",
}

# The contract src/infer/mediapipe checks: input name and shape, outputs in order.
CONTRACTS = {
    "palm_detection": {
        "input": ("input_1", [1, 192, 192, 3]),
        "outputs": [("Identity", [1, 2016, 18]), ("Identity_1", [1, 2016, 1])],
    },
    "hand_landmark": {
        "input": ("input_1", [1, 224, 224, 3]),
        "outputs": [
            ("Identity", [1, 63]),
            ("Identity_1", [1, 1]),
            ("Identity_2", [1, 1]),
            ("Identity_3", [1, 63]),
        ],
    },
}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch_wheel(work: Path, wheel: Path | None) -> Path:
    if wheel is None:
        subprocess.run(
            [
                sys.executable, "-m", "pip", "download", f"mediapipe=={MEDIAPIPE_VERSION}",
                "--no-deps", "--only-binary=:all:", "--python-version", "3.11",
                "--platform", "manylinux_2_28_x86_64", "-d", str(work),
            ],
            check=True,
        )
        wheel = work / WHEEL_NAME
    actual = sha256(wheel)
    if actual != WHEEL_SHA256:
        raise SystemExit(f"{wheel}: sha256 {actual}, expected {WHEEL_SHA256}")
    return wheel


def extract(wheel: Path, work: Path) -> dict[str, tuple[str, Path]]:
    files = {}
    with zipfile.ZipFile(wheel) as archive:
        for member, expected in TFLITE.items():
            target = work / Path(member).name
            target.write_bytes(archive.read(member))
            actual = sha256(target)
            if actual != expected:
                raise SystemExit(f"{member}: sha256 {actual}, expected {expected}")
            files[target.stem] = (member, target)
    return files


def convert(tflite: Path, onnx_path: Path) -> None:
    subprocess.run(
        [
            sys.executable, "-m", "tf2onnx.convert", "--tflite", str(tflite),
            "--output", str(onnx_path), "--opset", str(OPSET),
        ],
        check=True,
    )


def canonical_names(model) -> None:
    """Renumber tf2onnx's generated names by graph order.

    tf2onnx numbers the tensors and nodes it creates (``__595``) and its folded
    constants in an order that changes from run to run; renumbering them by position
    in the (stable) node order makes reruns byte-identical. Graph inputs and outputs
    keep their names.
    """
    initializers = {i.name: i for i in model.graph.initializer}
    constants: dict[str, str] = {}
    for node in model.graph.node:
        for name in node.input:
            if name in initializers and name not in constants:
                constants[name] = f"const_{len(constants)}"
    unused = set(initializers) - set(constants)
    if unused:
        raise SystemExit(f"unused initializers: {sorted(unused)[:5]}")

    generated = re.compile(r"__\d+")
    keep = {v.name for v in model.graph.input} | {v.name for v in model.graph.output}
    tensors: dict[str, str] = {}

    def tensor(name: str) -> str:
        if name in constants:
            return constants[name]
        if name in keep or not generated.search(name):
            return name
        if name not in tensors:
            tensors[name] = generated.sub("", name) + f"__t{len(tensors)}"
        return tensors[name]

    for index, node in enumerate(model.graph.node):
        for k, name in enumerate(node.input):
            node.input[k] = tensor(name)
        for k, name in enumerate(node.output):
            node.output[k] = tensor(name)
        if generated.search(node.name):
            node.name = generated.sub("", node.name) + f"__n{index}"

    ordered = []
    for old, new in sorted(constants.items(), key=lambda item: int(item[1].split("_")[1])):
        copy = type(initializers[old])()
        copy.CopyFrom(initializers[old])
        copy.name = new
        ordered.append(copy)
    del model.graph.initializer[:]
    model.graph.initializer.extend(ordered)


def stamp(onnx_path: Path, member: str) -> None:
    """Make reruns byte-identical (stable names, no temporary paths) and record the source."""
    import onnx

    model = onnx.load(str(onnx_path))
    canonical_names(model)
    model.graph.doc_string = f"converted by tf2onnx from {member} in {WHEEL_NAME}"
    for key, value in {
        "source": f"{member} from the PyPI wheel {WHEEL_NAME} (sha256 {WHEEL_SHA256})",
        "source_sha256": TFLITE[member],
        "license": "Apache-2.0",
        "copyright": "Copyright Google LLC (MediaPipe authors); see NOTICE in this folder",
    }.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(model, str(onnx_path))


def check_contract(onnx_path: Path, family: str) -> None:
    import onnx

    model = onnx.load(str(onnx_path))

    def described(values):
        return [(v.name, [d.dim_value for d in v.type.tensor_type.shape.dim]) for v in values]

    inputs, outputs = described(model.graph.input), described(model.graph.output)
    contract = CONTRACTS[family]
    if inputs != [contract["input"]] or outputs != contract["outputs"]:
        raise SystemExit(f"{onnx_path.name}: inputs {inputs} outputs {outputs}, expected {contract}")
    for value in list(model.graph.input) + list(model.graph.output):
        if value.type.tensor_type.elem_type != onnx.TensorProto.FLOAT:
            raise SystemExit(f"{onnx_path.name}: {value.name} is not float32")


def real_inputs(size: int) -> list[np.ndarray]:
    """The golden PNGs, letterboxed to size x size (RGB in [0, 1], NHWC, batch 1)."""
    import tensorflow as tf

    batch = []
    for png in sorted(GOLDEN_IMAGES.glob("*.png")):
        image = tf.io.decode_png(tf.io.read_file(str(png)), channels=3)
        image = tf.image.resize_with_pad(tf.cast(image, tf.float32) / 255.0, size, size)
        batch.append(image.numpy()[None].astype(np.float32))
    return batch


def compare(tflite: Path, onnx_path: Path, size: int) -> dict:
    """Max abs difference per output between the TFLite interpreter and ONNX Runtime."""
    import onnxruntime
    import tensorflow as tf

    interpreter = tf.lite.Interpreter(model_path=str(tflite))
    interpreter.allocate_tensors()
    (input_detail,) = interpreter.get_input_details()
    output_details = interpreter.get_output_details()
    session = onnxruntime.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    onnx_outputs = [o.name for o in session.get_outputs()]

    rng = np.random.default_rng(0)
    inputs = {"random": [rng.uniform(0, 1, (1, size, size, 3)).astype(np.float32) for _ in range(4)]}
    real = real_inputs(size)
    if real:
        inputs["real"] = real
    report = {}
    for kind, batch in inputs.items():
        worst = [0.0] * len(output_details)
        ranges = [0.0] * len(output_details)
        for x in batch:
            interpreter.set_tensor(input_detail["index"], x)
            interpreter.invoke()
            expected = [interpreter.get_tensor(d["index"]) for d in output_details]
            actual = session.run(onnx_outputs, {session.get_inputs()[0].name: x})
            # tf2onnx keeps TFLite's output order; check it by shape and by value.
            for i, (e, a) in enumerate(zip(expected, actual)):
                if e.shape != a.shape:
                    raise SystemExit(f"{onnx_path.name}: output {i} shape {a.shape} vs TFLite {e.shape}")
                worst[i] = max(worst[i], float(np.max(np.abs(e - a))))
                ranges[i] = max(ranges[i], float(np.max(np.abs(e))))
        report[kind] = {
            "images": len(batch),
            "max_abs_diff": dict(zip(onnx_outputs, worst)),
            "max_abs_value": dict(zip(onnx_outputs, ranges)),
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=Path, help="already downloaded mediapipe wheel")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the .onnx files")
    args = parser.parse_args()

    import onnx
    import onnxruntime
    import tensorflow as tf
    import tf2onnx

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        wheel = fetch_wheel(work, args.wheel)
        tflite = extract(wheel, work)
        report = {
            "source": {
                "package": f"mediapipe=={MEDIAPIPE_VERSION}",
                "wheel": WHEEL_NAME,
                "wheel_sha256": WHEEL_SHA256,
                "members_sha256": TFLITE,
            },
            "tools": {
                "tensorflow": tf.__version__,
                "tf2onnx": tf2onnx.__version__,
                "onnx": onnx.__version__,
                "onnxruntime": onnxruntime.__version__,
                "opset": OPSET,
            },
            "models": {},
        }
        for stem, (member, source) in sorted(tflite.items()):
            family = "palm_detection" if stem.startswith("palm") else "hand_landmark"
            size = CONTRACTS[family]["input"][1][1]
            target = args.out / f"{stem}.onnx"
            convert(source, target)
            stamp(target, member)
            check_contract(target, family)
            diffs = compare(source, target, size)
            report["models"][target.name] = {
                "from": source.name,
                "bytes": target.stat().st_size,
                "sha256": sha256(target),
                "tflite_vs_onnx": diffs,
            }
            print(f"{target.name}: {json.dumps(diffs)}")
    (args.out / "conversion_report.json").write_text(json.dumps(report, indent=1) + "\n")
    print(f"wrote {args.out / 'conversion_report.json'}")


if __name__ == "__main__":
    main()
