#!/usr/bin/env bash
# Measures what smoothing over time does on the synthetic sample with sensor noise: the
# jitter and error of MediaPipe's per-frame joints, of those files smoothed afterwards, and
# of joints smoothed in the pipeline (identity tracking + One Euro). Prints the README's
# table. Needs the release build's ONNX Runtime (./scripts/setup.sh) and python3.
#
# Usage: scripts/measure-smoothing.sh [WORK_DIR]   (new or empty; default: a new temporary folder)
set -euo pipefail

cd "$(dirname "$0")/.."
work="${1:-$(mktemp -d)}"
# Pose files already there would be kept (poses resumes), so start from an empty folder.
if [ -n "$(ls -A "$work" 2>/dev/null)" ]; then
    echo "measure-smoothing: $work is not empty; give a new or empty folder" >&2
    exit 1
fi
data="$work/noisy-sample"
viewer=(cargo run --quiet --release --locked --)

"${viewer[@]}" make-sample "$data" --camera-noise 10
poses_args=(--split val --pose-backend mediapipe --mediapipe-model full --mask none)
# Both commands exit non-zero (and so does this script) when any frame fails.
"${viewer[@]}" poses "$data" "${poses_args[@]}" --folder mp_per_frame
"${viewer[@]}" poses "$data" "${poses_args[@]}" --folder mp_smoothed --smooth

eval_args=(--split val)
"${viewer[@]}" eval-pose "$data" "${eval_args[@]}" --poses mp_per_frame --out "$work/per-frame"
"${viewer[@]}" eval-pose "$data" "${eval_args[@]}" --poses mp_per_frame --smooth --out "$work/filtered"
"${viewer[@]}" eval-pose "$data" "${eval_args[@]}" --poses mp_smoothed --out "$work/pipeline"

python3 - "$work" <<'EOF'
import json
import sys

rows = [
    ("per frame (`poses`)", "per-frame"),
    ("files smoothed afterwards (`eval-pose --smooth`: filter only)", "filtered"),
    ("smoothed in the pipeline (`poses --smooth`: identity tracking + filter)", "pipeline"),
]
print("| poses | frames scored | left out | 3D jitter (mm/frame²) | 2D jitter (px/frame²) "
      "| MPJPE mean (mm) | 2D EPE (px) | handedness agreement |")
print("|---|---|---|---|---|---|---|---|")
for label, folder in rows:
    with open(f"{sys.argv[1]}/{folder}/summary.json") as file:
        summary = json.load(file)
    overall = summary["overall"]
    left_out = sum(summary["left_out"].values()) if summary["left_out"] else 0
    hands = summary["handedness"]
    print(f"| {label} | {summary['frames_scored']} | {left_out} "
          f"| {summary['jitter_3d_mm_per_frame2']:.2f} | {summary['jitter_2d_px_per_frame2']:.2f} "
          f"| {overall['mpjpe_mm']:.2f} | {overall['epe_2d_px']:.2f} "
          f"| {hands['agreeing']} of {hands['compared']} |")
EOF
