//! `sharp-viewer poses ROOT`: SHARP's per-frame predicted pose files
//! (`hand_pose_3d_own_masked` / `hand_pose_3d_own_not_masked`) for every frame, and how
//! many of the annotated hand joints the mask kept.

use std::process::ExitCode;

use super::batch_args::{BatchArgs, report};
use super::{EngineArgs, MaskArgs};
use crate::batch::{list_frames, run_jobs};
use crate::chain::SmoothingMode;
use crate::chain::{ActionInput, FrameProcessor, NoticeTally, PoseBackend};
use crate::dataset::own_pose::{
    OWN_POSE_MASKED_FOLDER, OWN_POSE_NOT_MASKED_FOLDER, format_own_pose,
};
use crate::infer::{ModelKind, ModelSet};
use crate::mask::{CoverageTally, DepthUnit, MaskEngine};
use crate::source::{FrameSource, own_pose_from_prediction};

/// Writes the missing pose files of this shard into `folder` (default: SHARP's name for
/// the masking mode); with `smooth`, each take's joints are smoothed over time in frame
/// order (restarting at each take and at gaps, such as frames already written).
pub fn run(
    batch: &BatchArgs,
    engine: &EngineArgs,
    mask: &MaskArgs,
    folder: Option<&str>,
    smooth: bool,
) -> anyhow::Result<ExitCode> {
    let folder = folder.unwrap_or(if mask.is_masked() {
        OWN_POSE_MASKED_FOLDER
    } else {
        OWN_POSE_NOT_MASKED_FOLDER
    });
    let jobs = batch.my_jobs(list_frames(&batch.root, batch.split, |take, number| {
        take.camera_dir()
            .join(folder)
            .join(format!("{number:06}.txt"))
    })?);
    let mut settings = mask.process_settings(
        false,
        ActionInput::PredictedPoses,
        engine.pose_backend().unwrap_or(PoseBackend::Sharp),
    );
    if smooth {
        settings.smoothing.mode = SmoothingMode::On;
    }
    let needs_depth =
        settings.mask.range.is_some() && settings.mask.depth == DepthUnit::InverseDepth8;
    let kinds: &[ModelKind] = if needs_depth {
        &[ModelKind::Depth, ModelKind::Pose]
    } else {
        &[ModelKind::Pose]
    };
    let worker = engine.worker_options();
    let models = ModelSet::load_only(&worker.models, &worker.infer, kinds);
    let mediapipe = settings.pose_backend == PoseBackend::MediaPipe;
    for (kind, status) in models.statuses() {
        // With MediaPipe Hands (loaded in the pose network's place) SHARP's pose network
        // is not needed.
        let needed = kinds.contains(&kind) && !(mediapipe && kind == ModelKind::Pose);
        if needed && !matches!(status, crate::infer::ModelStatus::Ready(_)) {
            anyhow::bail!("the {kind} model is not usable: {status:?}");
        }
    }
    if mediapipe {
        let status = models.hands_status();
        if !matches!(status, crate::infer::ModelStatus::Ready(_)) {
            anyhow::bail!("MediaPipe Hands is not usable: {status:?}");
        }
    }
    let mut processor = FrameProcessor::new(MaskEngine::new(worker.mask), models);
    println!(
        "mask: {}; {}; writing into cam4/{folder}",
        mask.describe(),
        if smooth {
            "joints smoothed over time"
        } else {
            "per-frame joints (no smoothing)"
        }
    );
    let mut open_take = None;
    let bar = super::progress_bar(jobs.len() as u64, "poses");
    let mut coverage_tally = CoverageTally::default();
    let mut notices = NoticeTally::default();
    let summary = run_jobs(
        &jobs,
        |source, job| {
            if open_take.as_ref() != Some(&job.take) {
                processor.start_source(source.info().fps);
                open_take = Some(job.take.clone());
            }
            let frame = source
                .read(job.position)
                .map_err(|error| error.to_string())?;
            let processed = processor.process(&frame, &settings);
            // Notices (a fallback wrist depth, say) leave the pose as asked for.
            if processed.problems.has_errors() {
                return Err(processed.problems.error_summary());
            }
            notices.add(&processed.problems);
            let pose = processed
                .pose
                .ok_or_else(|| "the pose network gave no result".to_owned())?;
            if let Some(coverage) = &processed.joint_coverage {
                coverage_tally.add(coverage);
            }
            let own_pose =
                own_pose_from_prediction(&pose.prediction, pose.frame_size, frame.rgb.dimensions());
            Ok(format_own_pose(&own_pose).into_bytes())
        },
        |_| bar.inc(1),
    );
    bar.finish_and_clear();
    if notices.frames() > 0 {
        println!(
            "{} frame(s) written with notices (the pose is as asked for; worth knowing):",
            notices.frames()
        );
        for (message, times) in notices.most_frequent(5) {
            println!("  {times} x {message}");
        }
    }
    if let Some(percent) = coverage_tally.kept_percent() {
        println!(
            "hand joints kept by the mask: {percent:.1}% ({} of {} annotated joints in frame, \
             over the {} annotated frames processed in this run)",
            coverage_tally.kept, coverage_tally.in_frame, coverage_tally.frames
        );
    }
    Ok(report(&summary, "pose files"))
}
