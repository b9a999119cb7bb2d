#!/usr/bin/env python3
"""Golden reference for the Rust MediaPipe Hands pipeline (src/infer/mediapipe).

Two steps, both writing under tests/fixtures/golden/mediapipe/:

``render``  draws the test images: hand emoji from Debian's fonts-noto-color-emoji
            (Noto Color Emoji, with skin-tone modifiers, which MediaPipe's palm
            detector finds at lowered thresholds), scaled, rotated and mirrored
            onto smooth synthetic backgrounds. Deterministic for a given Pillow
            version; the PNGs are committed, so CI needs neither fonts nor Python.
``run``     runs MediaPipe 0.10.21's ``solutions.hands`` graph
            (hand_landmark_tracking_cpu) on those PNGs and writes
            ``golden.json``: per frame the palm detections, the ROIs built from
            them, the ROIs built from landmarks, and per hand the normalised image
            landmarks, world landmarks (metres) and the handedness label/score.
            Full models (model_complexity=1) for every case, lite models
            (model_complexity=0) for the cases named ``*_lite``.

Environment (Python 3.11, see mediapipe_requirements.txt)::

    python3 -m venv ~/.venvs/mp-reference
    ~/.venvs/mp-reference/bin/pip install -r tests/reference/mediapipe_requirements.txt
    apt-get install fonts-noto-color-emoji        # only for `render`
    ~/.venvs/mp-reference/bin/python tests/reference/mediapipe_reference.py render run

The graph is driven through ``SolutionBase`` (what ``mp.solutions.hands.Hands``
wraps) so that the intermediate streams PALM_DETECTIONS, HAND_ROIS_FROM_* can be
read as well; the options set are exactly the ones ``Hands`` sets.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "tests" / "fixtures" / "golden" / "mediapipe"
EMOJI_FONT = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
# Noto Color Emoji is a bitmap (CBDT) font with a single 109 px strike.
EMOJI_STRIKE = 109

RAISED_HAND = "\u270b"  # palm towards the viewer, thumb on the image right
HAND_SPLAYED = "\U0001f590"  # palm towards the viewer, fingers spread
MEDIUM_SKIN = "\U0001f3fd"
DARK_SKIN = "\U0001f3ff"

# Graph options shared by every case (the equivalents of Hands(...) arguments).
MIN_DETECTION_CONFIDENCE = 0.1
MIN_TRACKING_CONFIDENCE = 0.5


def glyph(text: str, height: int, rotation_deg: float = 0.0, mirror: bool = False):
    """One emoji as an RGBA image `height` px tall, optionally mirrored and rotated (CCW)."""
    from PIL import Image, ImageDraw, ImageFont, ImageOps

    font = ImageFont.truetype(str(EMOJI_FONT), EMOJI_STRIKE)
    canvas = Image.new("RGBA", (180, 180), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).text((4, 4), text, font=font, embedded_color=True)
    bbox = canvas.getbbox()
    if bbox is None:
        raise SystemExit(f"emoji {text!r} rendered empty: is {EMOJI_FONT} installed?")
    canvas = canvas.crop(bbox)
    width = round(canvas.width * height / canvas.height)
    canvas = canvas.resize((width, height), Image.Resampling.LANCZOS)
    if mirror:
        canvas = ImageOps.mirror(canvas)
    if rotation_deg:
        canvas = canvas.rotate(rotation_deg, resample=Image.Resampling.BICUBIC, expand=True)
    return canvas


def background(width: int, height: int, seed: int):
    """Smooth colour gradient with a few soft blobs (compresses well, not uniform)."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    u, v = xx / width, yy / height
    base = rng.uniform(60, 200, size=3)
    slope_u = rng.uniform(-50, 50, size=3)
    slope_v = rng.uniform(-50, 50, size=3)
    rgb = base + u[..., None] * slope_u + v[..., None] * slope_v
    for _ in range(4):
        cx, cy = rng.uniform(0, 1, size=2)
        radius = rng.uniform(0.08, 0.25)
        colour = rng.uniform(-40, 40, size=3)
        blob = np.exp(-((u - cx) ** 2 + ((v - cy) * height / width) ** 2) / (2 * radius**2))
        rgb += blob[..., None] * colour
    return Image.fromarray(np.clip(np.round(rgb), 0, 255).astype(np.uint8), "RGB")


def compose(width, height, seed, hands):
    """Background plus hands: each (text, height, rotation_deg, mirror, centre_x, centre_y)."""
    image = background(width, height, seed)
    for text, size, rotation, mirror, cx, cy in hands:
        g = glyph(text, size, rotation, mirror)
        image.paste(g, (round(cx - g.width / 2), round(cy - g.height / 2)), g)
    return image


# name -> (width, height, seed, hands). Centres in pixels.
SCENES = {
    # Two hands in an H2O-sized frame: a mirrored (left) and an upright (right) hand,
    # one of them rotated.
    "two_hands_1280x720": (
        1280,
        720,
        1,
        [
            (RAISED_HAND + MEDIUM_SKIN, 300, 15.0, True, 380, 380),
            (HAND_SPLAYED + DARK_SKIN, 280, -20.0, False, 900, 360),
        ],
    ),
    # One strongly rotated hand in a VGA frame.
    "rotated_640x480": (640, 480, 2, [(HAND_SPLAYED + DARK_SKIN, 180, 30.0, False, 330, 250)]),
    # Portrait frame (letterbox on the other axis), hand close to the left border so the
    # landmark crop leaves the image (replicated border).
    "edge_480x640": (480, 640, 3, [(RAISED_HAND + MEDIUM_SKIN, 200, 10.0, False, 90, 330)]),
    # No hand at all.
    "empty_320x240": (320, 240, 4, []),
}
# Mirrored copies of these scenes (np.fliplr of the rendered PNG): the handedness check.
MIRRORED = {"rotated_640x480_mirrored": "rotated_640x480"}
# Video-mode sequences: frames are (scene, dx, dy) = the scene's PNG shifted by (dx, dy)
# pixels with edge replication. The second frame must reuse the ROIs from the first
# frame's landmarks (both hands tracked, so no palm detection runs).
SEQUENCES = {"track_two_hands": [("two_hands_1280x720", 0, 0), ("two_hands_1280x720", 6, -4)]}
# Scenes also run with the lite models (model_complexity=0).
LITE_SCENES = ["two_hands_1280x720", "rotated_640x480"]


def shifted(array: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """The image moved by (dx, dy) pixels; uncovered pixels repeat the border."""
    h, w = array.shape[:2]
    ys = np.clip(np.arange(h) - dy, 0, h - 1)
    xs = np.clip(np.arange(w) - dx, 0, w - 1)
    return array[ys][:, xs]


def render() -> None:
    from PIL import Image

    OUT.mkdir(parents=True, exist_ok=True)
    for name, (width, height, seed, hands) in SCENES.items():
        compose(width, height, seed, hands).save(OUT / f"{name}.png", optimize=True)
        print(f"wrote {name}.png")
    for name, source in MIRRORED.items():
        array = np.asarray(Image.open(OUT / f"{source}.png").convert("RGB"))
        Image.fromarray(np.ascontiguousarray(array[:, ::-1])).save(OUT / f"{name}.png", optimize=True)
        print(f"wrote {name}.png")
    for name, frames in SEQUENCES.items():
        for index, (scene, dx, dy) in enumerate(frames):
            if dx == 0 and dy == 0:
                continue
            array = np.asarray(Image.open(OUT / f"{scene}.png").convert("RGB"))
            Image.fromarray(shifted(array, dx, dy)).save(OUT / f"{name}_{index}.png", optimize=True)
            print(f"wrote {name}_{index}.png")


def sequence_files(name: str) -> list[str]:
    files = []
    for index, (scene, dx, dy) in enumerate(SEQUENCES[name]):
        files.append(f"{scene}.png" if dx == 0 and dy == 0 else f"{name}_{index}.png")
    return files


def make_graph(static: bool, num_hands: int, model_complexity: int = 1):
    from mediapipe.python.solution_base import SolutionBase

    return SolutionBase(
        binary_graph_path="mediapipe/modules/hand_landmark/hand_landmark_tracking_cpu.binarypb",
        side_inputs={
            "model_complexity": model_complexity,
            "num_hands": num_hands,
            "use_prev_landmarks": not static,
        },
        calculator_params={
            "palmdetectioncpu__TensorsToDetectionsCalculator.min_score_thresh": MIN_DETECTION_CONFIDENCE,
            "handlandmarkcpu__ThresholdingCalculator.threshold": MIN_TRACKING_CONFIDENCE,
        },
        outputs=[
            "multi_hand_landmarks",
            "multi_hand_world_landmarks",
            "multi_handedness",
            "palm_detections",
            "hand_rects_from_palm_detections",
            "hand_rects_from_landmarks",
        ],
    )


def rect_json(rect) -> dict:
    return {
        "x_center": rect.x_center,
        "y_center": rect.y_center,
        "width": rect.width,
        "height": rect.height,
        "rotation": rect.rotation,
    }


def detection_json(detection) -> dict:
    box = detection.location_data.relative_bounding_box
    return {
        "score": detection.score[0],
        "xmin": box.xmin,
        "ymin": box.ymin,
        "width": box.width,
        "height": box.height,
        "keypoints": [[k.x, k.y] for k in detection.location_data.relative_keypoints],
    }


def frame_json(result) -> dict:
    hands = []
    for landmarks, world, handedness in zip(
        result.multi_hand_landmarks or [],
        result.multi_hand_world_landmarks or [],
        result.multi_handedness or [],
    ):
        top = handedness.classification[0]
        hands.append(
            {
                "landmarks": [[p.x, p.y, p.z] for p in landmarks.landmark],
                "world_landmarks": [[p.x, p.y, p.z] for p in world.landmark],
                "handedness": {"label": top.label, "index": top.index, "score": top.score},
            }
        )
    return {
        "palm_detections": (
            None
            if result.palm_detections is None
            else [detection_json(d) for d in result.palm_detections]
        ),
        "rois_from_palm_detections": (
            None
            if result.hand_rects_from_palm_detections is None
            else [rect_json(r) for r in result.hand_rects_from_palm_detections]
        ),
        "rois_from_landmarks": [rect_json(r) for r in result.hand_rects_from_landmarks or []],
        "hands": hands,
    }


def run() -> None:
    import mediapipe
    from PIL import Image

    def load(file: str) -> np.ndarray:
        return np.ascontiguousarray(np.asarray(Image.open(OUT / file).convert("RGB")))

    cases = []
    static_files = [f"{n}.png" for n in SCENES] + [f"{n}.png" for n in MIRRORED]
    runs = [(file, 1) for file in static_files] + [(f"{n}.png", 0) for n in LITE_SCENES]
    for file, complexity in runs:
        graph = make_graph(static=True, num_hands=2, model_complexity=complexity)
        image = load(file)
        suffix = "" if complexity == 1 else "_lite"
        cases.append(
            {
                "name": file.removesuffix(".png") + suffix,
                "mode": "static",
                "model_complexity": complexity,
                "num_hands": 2,
                "frames": [{"image": file, **frame_json(graph.process({"image": image}))}],
            }
        )
        graph.close()
    for name in SEQUENCES:
        graph = make_graph(static=False, num_hands=2)
        frames = []
        for file in sequence_files(name):
            frames.append({"image": file, **frame_json(graph.process({"image": load(file)}))})
        graph.close()
        cases.append(
            {"name": name, "mode": "video", "model_complexity": 1, "num_hands": 2, "frames": frames}
        )

    golden = {
        "generator": "tests/reference/mediapipe_reference.py",
        "mediapipe_version": mediapipe.__version__,
        "graph": "mediapipe/modules/hand_landmark/hand_landmark_tracking_cpu.binarypb",
        "min_detection_confidence": MIN_DETECTION_CONFIDENCE,
        "min_tracking_confidence": MIN_TRACKING_CONFIDENCE,
        "conventions": {
            "landmarks": "normalised image coordinates: x / width, y / height; z relative to the wrist, scaled like x",
            "world_landmarks": "metres, origin near the hand's geometric centre, axes aligned with the image",
            "handedness": "MediaPipe's own label (assumes a mirrored selfie image)",
            "rects": "NormalizedRect: centre and size as fractions of the image, rotation in radians",
        },
        "cases": cases,
    }
    (OUT / "golden.json").write_text(json.dumps(golden, indent=1) + "\n")
    for case in cases:
        for frame in case["frames"]:
            labels = [
                (h["handedness"]["label"], round(h["handedness"]["score"], 3)) for h in frame["hands"]
            ]
            palms = frame["palm_detections"]
            scores = None if palms is None else [round(p["score"], 3) for p in palms]
            print(f"{case['name']:28s} {frame['image']:32s} palms {scores} hands {labels}")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("steps", nargs="+", choices=["render", "run"])
    args = parser.parse_args(argv)
    for step in args.steps:
        {"render": render, "run": run}[step]()


if __name__ == "__main__":
    main(sys.argv[1:])
