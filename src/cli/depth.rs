//! `sharp-viewer depth ROOT`: SHARP's `depth_est_low` 8-bit pseudo-depth map for every
//! frame, through the same frame processor as the viewer.

use std::io::Cursor;
use std::process::ExitCode;

use super::batch_args::{BatchArgs, report};
use super::{EngineArgs, MaskArgs, MaskMode};
use crate::batch::{list_frames, run_jobs};
use crate::chain::{ActionInput, FrameProcessor, PoseBackend};
use crate::dataset::FrameKind;
use crate::infer::{ModelKind, ModelSet};
use crate::mask::MaskEngine;
use crate::source::FrameSource;

/// Writes the missing pseudo-depth maps of this shard.
pub fn run(batch: &BatchArgs, engine: &EngineArgs) -> anyhow::Result<ExitCode> {
    let jobs = batch.my_jobs(list_frames(&batch.root, batch.split, |take, number| {
        take.camera_dir()
            .join(FrameKind::PseudoDepth.folder())
            .join(FrameKind::PseudoDepth.file_name(number))
    })?);
    let worker = engine.worker_options();
    let models = ModelSet::load_only(&worker.models, &worker.infer, &[ModelKind::Depth]);
    if models.depth.ready().is_none() {
        anyhow::bail!(
            "the depth model is not usable: {:?}",
            models.statuses()[0].1
        );
    }
    let mut processor = FrameProcessor::new(MaskEngine::new(worker.mask), models);
    let unmasked = MaskArgs {
        mask: MaskMode::None,
        range: None,
    };
    let settings = unmasked.process_settings(
        true,
        ActionInput::PredictedPoses,
        engine.pose_backend().unwrap_or(PoseBackend::Sharp),
    );
    let bar = super::progress_bar(jobs.len() as u64, "pseudo-depth");
    let summary = run_jobs(
        &jobs,
        |source, job| {
            let frame = source
                .read(job.position)
                .map_err(|error| error.to_string())?;
            let processed = processor.process(&frame, &settings);
            let depth = processed
                .pseudo_depth
                .ok_or_else(|| processed.problems.error_summary())?;
            let mut bytes = Cursor::new(Vec::new());
            depth
                .write_to(&mut bytes, image::ImageFormat::Png)
                .map_err(|error| format!("PNG encoding failed: {error}"))?;
            Ok(bytes.into_inner())
        },
        |_| bar.inc(1),
    );
    bar.finish_and_clear();
    Ok(report(&summary, "pseudo-depth maps"))
}
