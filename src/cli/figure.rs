//! `sharp-viewer figure ROOT --frames 0,10,20`: paper figures (every panel and the
//! composite row) of frames of the first take, rendered on the CPU.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::{EngineArgs, MaskArgs};
use crate::dataset::discover_takes;
use crate::figure::{FigureInput, FigureOptions, render_figure, write_figure};
use crate::infer::ModelSet;
use crate::mask::MaskEngine;
use crate::pipeline::{ActionInput, FrameProcessor, PoseBackend};
use crate::source::{FrameSource, TakeSource};

/// Processes `frames` (timeline positions) of the first take under `path` and writes
/// their figures into `out`.
pub fn run(
    path: &Path,
    frames: &[usize],
    out: &Path,
    options: FigureOptions,
    engine: &EngineArgs,
    mask: &MaskArgs,
) -> anyhow::Result<ExitCode> {
    let take = discover_takes(path)?
        .into_iter()
        .next()
        .with_context(|| format!("{}: no take", path.display()))?;
    let mut source = TakeSource::open(&take)
        .with_context(|| format!("{}: cannot open the take", take.display()))?;
    let take_name = source.take().name.clone();
    let worker = engine.worker_options();
    let models = ModelSet::load(&worker.models, &worker.infer);
    let mut processor = FrameProcessor::new(MaskEngine::new(worker.mask), models);
    let settings = mask.process_settings(
        true,
        ActionInput::PredictedPoses,
        engine.pose_backend().unwrap_or(PoseBackend::Sharp),
    );
    let length = source.info().frame_count;
    for &position in frames {
        anyhow::ensure!(
            position < length,
            "frame {position} is past the end of {take_name} ({length} frames)"
        );
        let frame = source
            .read(position)
            .with_context(|| format!("{take_name}: cannot read frame {position}"))?;
        let processed = processor.process(&frame, &settings);
        for problem in &processed.problems {
            eprintln!("{take_name} frame {position}: {problem}");
        }
        let input = FigureInput {
            rgb: &frame.rgb,
            pseudo_depth: processed.pseudo_depth.as_deref(),
            masked: &processed.masked,
            pose: processed.pose.as_ref(),
            ground_truth: frame.annotations.hands.as_ref(),
            intrinsics: &frame.intrinsics,
        };
        let figure = render_figure(&input, &options);
        let written = write_figure(out, &take_name, frame.number, &figure)?;
        if let Some(composite) = written.last() {
            println!("{}", composite.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
