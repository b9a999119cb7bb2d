//! `sharp-viewer bench-hands`: times MediaPipe Hands on one frame, both model pairs:
//! palm detection, the landmark model per hand, and whole frames with and without
//! tracking.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use super::EngineArgs;
use crate::infer::mediapipe::{HandsModel, MediaPipeOptions, ModelVariant};

/// Untimed frames before measuring (first allocations, ONNX Runtime's warm-up).
const WARM_UP: usize = 3;
/// The two-hand image of the MediaPipe reference tests.
const TEST_IMAGE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/golden/mediapipe/two_hands_1280x720.png"
);
/// Detection threshold for the test image, whose emoji hands MediaPipe finds only at a
/// lowered threshold; other images get MediaPipe's default.
const TEST_IMAGE_THRESHOLD: f32 = 0.1;

/// Times of one model pair.
#[derive(Default)]
struct Times {
    palm: Vec<Duration>,
    landmarks_per_hand: Vec<Duration>,
    detect_frame: Vec<Duration>,
    tracked_frame: Vec<Duration>,
    hands: usize,
}

/// Runs the benchmark with `iterations` timed frames per case and prints a table.
pub fn run(
    iterations: usize,
    image: Option<PathBuf>,
    engine: &EngineArgs,
) -> anyhow::Result<ExitCode> {
    let iterations = iterations.max(1);
    let threshold = match image {
        Some(_) => MediaPipeOptions::default().min_detection_confidence,
        None => TEST_IMAGE_THRESHOLD,
    };
    let path = image.unwrap_or_else(|| PathBuf::from(TEST_IMAGE));
    let frame = image::open(&path)
        .with_context(|| format!("cannot read the frame {}", path.display()))?
        .to_rgb8();
    let worker = engine.worker_options();
    println!(
        "{} ({}x{}), {iterations} iterations, detection threshold {threshold}; median / p90 in ms",
        path.display(),
        frame.width(),
        frame.height()
    );
    println!(
        "{:<6} {:<10} {:>16} {:>18} {:>22} {:>22}",
        "models",
        "provider",
        "palm detection",
        "landmarks / hand",
        "frame (detect + all)",
        "frame (tracked)"
    );
    for variant in [ModelVariant::Full, ModelVariant::Lite] {
        let mut model = HandsModel::load(&worker.models.mediapipe, variant, &worker.infer)
            .with_context(|| format!("cannot load MediaPipe Hands ({variant:?})"))?;
        let times = measure(&mut model, &frame, threshold, iterations)?;
        println!(
            "{:<6} {:<10} {:>16} {:>18} {:>22} {:>22}   {} hands",
            format!("{variant:?}"),
            model.info().landmark_provider.active.to_string(),
            super::median_p90_cell(&times.palm, "-"),
            super::median_p90_cell(&times.landmarks_per_hand, "-"),
            super::median_p90_cell(&times.detect_frame, "-"),
            super::median_p90_cell(&times.tracked_frame, "-"),
            times.hands
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Static-image mode (palm detection on every frame), then video mode (tracked hands).
fn measure(
    model: &mut HandsModel,
    frame: &image::RgbImage,
    threshold: f32,
    iterations: usize,
) -> anyhow::Result<Times> {
    let mut times = Times::default();
    for static_image_mode in [true, false] {
        let hands = model.hands_mut();
        hands.set_options(MediaPipeOptions {
            min_detection_confidence: threshold,
            static_image_mode,
            ..MediaPipeOptions::default()
        });
        hands.reset();
        for run in 0..WARM_UP + iterations {
            let started = std::time::Instant::now();
            let result = hands.process(frame)?;
            let elapsed = started.elapsed();
            if run < WARM_UP {
                continue;
            }
            times.hands = result.hands.len();
            times
                .landmarks_per_hand
                .extend(result.hands.iter().map(|hand| hand.landmark_time));
            times.palm.extend(result.palm_time);
            if static_image_mode {
                times.detect_frame.push(elapsed);
            } else {
                times.tracked_frame.push(elapsed);
            }
        }
    }
    Ok(times)
}
