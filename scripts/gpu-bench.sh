#!/usr/bin/env bash
# The CUDA benchmark behind BENCHMARKS.md, run on the GPU machine itself:
#   1. exports the three networks with random weights (same speed as trained ones), fp32
#      and fp16, with models/export_onnx.py;
#   2. renders the synthetic 1280x720 sample take;
#   3. times `sharp-viewer bench` on it (fp32 / fp16, depth one frame ahead or not, with
#      and without CUDA graphs), the
#      mask kernel on the real adapter (`bench-mask`), and the PyTorch eager reference
#      (models/bench_pytorch.py), and the joint difference fp16 costs against fp32
#      (`--save-joints` / `--reference-joints`).
# Everything lands in $OUT as JSON / text. Needs: a `--features cuda` release build (BIN),
# the CUDA build of ONNX Runtime (ORT_DYLIB_PATH) with its CUDA libraries on
# LD_LIBRARY_PATH, a Vulkan driver, and Python with torch, torchvision, transformers,
# onnx, onnxscript and onnxruntime (the export checks its files with it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BIN="${BIN:-target/release/sharp-viewer}"
WORK="${WORK:-/tmp/sharp-bench}"
OUT="${OUT:-$WORK/out}"
FRAMES="${FRAMES:-600}"
WARMUP="${WARMUP:-50}"
PYTHON="${PYTHON:-python3}"
mkdir -p "$WORK" "$OUT"

step() { printf '\n== %s\n' "$*" | tee -a "$OUT/log.txt"; }

# One line per report: throughput, end-to-end p50 / p99, and the fp16 joint difference.
summarise() {
    "$PYTHON" - "$1" <<'PY' | tee -a "$OUT/log.txt"
import json, sys
r = json.load(open(sys.argv[1]))
total = r.get("total") or r.get("end_to_end")
line = f"{r['throughput_fps']:.1f} frames/s; end to end p50 {total['median_ms']:.2f} ms, p99 {total['p99_ms']:.2f} ms"
d = r.get("joint_difference")
if d:
    line += f"; joints vs fp32: mean {d['mean_mm']} mm, max {d['max_mm']} mm over {d['frames']} frames, {d['non_finite']} non-finite joints"
print(line)
PY
}

models="$WORK/models"
if [ ! -f "$models/depth_fp16.onnx" ] || [ ! -f "$models/action_fp16.onnx" ]; then
    step "export (random init, fp32 + fp16)"
    "$PYTHON" models/export_onnx.py --random-init --seed 0 --fp16 --out "$models" 2>&1 | tee "$OUT/export.txt"
fi

sample="$WORK/sample"
if [ ! -d "$sample" ]; then
    step "sample"
    "$BIN" make-sample "$sample" --frames 90
fi
take="$(find "$sample" -type d -name cam4 | sort | head -n 1)"

step "device"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee "$OUT/device.txt"

step "mask kernel"
"$BIN" bench-mask --iterations 500 2>&1 | tee "$OUT/bench-mask.txt"

for precision in fp32 fp16; do
    for mode in sequential ahead sequential-graph ahead-graph; do
        step "bench $precision $mode"
        extra=()
        case "$mode" in ahead*) extra+=(--ahead) ;; esac
        case "$mode" in *-graph) extra+=(--cuda-graph) ;; esac
        if [ "$precision" = fp32 ]; then
            extra+=(--save-joints "$OUT/joints-fp32-$mode.json")
        else
            extra+=(--reference-joints "$OUT/joints-fp32-$mode.json")
        fi
        # A model that cannot run as a CUDA graph fails to load and says why; the other
        # configurations still run.
        "$BIN" bench "$take" --models "$models" --precision "$precision" --provider cuda \
            --mask-backend gpu --mask pseudo --frames "$FRAMES" --warmup "$WARMUP" --preload \
            "${extra[@]}" --json \
            > "$OUT/bench-$precision-$mode.json" 2> "$OUT/bench-$precision-$mode.log" \
            || { tail -n 5 "$OUT/bench-$precision-$mode.log" | tee -a "$OUT/log.txt"; continue; }
        summarise "$OUT/bench-$precision-$mode.json"
    done
done

step "PyTorch eager reference"
"$PYTHON" models/bench_pytorch.py "$take" --device cuda --frames 300 --warmup 30 \
    --json "$OUT/pytorch.json" > /dev/null
summarise "$OUT/pytorch.json"
