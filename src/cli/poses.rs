//! `sharp-viewer poses ROOT`: SHARP's per-frame predicted pose files
//! (`hand_pose_3d_own_masked` / `hand_pose_3d_own_not_masked`) for every frame.

use std::process::ExitCode;

use glam::Vec2;

use super::batch_args::{BatchArgs, report};
use super::{EngineArgs, MaskArgs};
use crate::batch::{list_frames, run_jobs};
use crate::dataset::own_pose::{
    OWN_POSE_MASKED_FOLDER, OWN_POSE_NOT_MASKED_FOLDER, OwnHandPose, OwnPoseFrame, format_own_pose,
};
use crate::geometry::{Hand, JOINTS_PER_HAND};
use crate::infer::{ModelKind, ModelSet};
use crate::mask::{DepthUnit, MaskEngine};
use crate::pipeline::{ActionInput, FrameProcessor, PoseBackend, PoseOutcome};
use crate::source::FrameSource;

/// Writes the missing pose files of this shard into `folder` (default: SHARP's name for
/// the masking mode).
pub fn run(
    batch: &BatchArgs,
    engine: &EngineArgs,
    mask: &MaskArgs,
    folder: Option<&str>,
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
    let settings = mask.process_settings(
        false,
        ActionInput::PredictedPoses,
        engine.pose_backend().unwrap_or(PoseBackend::Sharp),
    );
    let needs_depth =
        settings.mask.range.is_some() && settings.mask.depth == DepthUnit::InverseDepth8;
    let kinds: &[ModelKind] = if needs_depth {
        &[ModelKind::Depth, ModelKind::Pose]
    } else {
        &[ModelKind::Pose]
    };
    let worker = engine.worker_options();
    let models = ModelSet::load_only(&worker.models, &worker.infer, kinds);
    for (kind, status) in models.statuses() {
        if kinds.contains(&kind) && !matches!(status, crate::infer::ModelStatus::Ready(_)) {
            anyhow::bail!("the {kind} model is not usable: {status:?}");
        }
    }
    let mut processor = FrameProcessor::new(MaskEngine::new(worker.mask), models);
    println!("mask: {}; writing into cam4/{folder}", mask.describe());
    let bar = super::progress_bar(jobs.len() as u64, "poses");
    let summary = run_jobs(
        &jobs,
        |source, job| {
            let frame = source
                .read(job.position)
                .map_err(|error| error.to_string())?;
            let processed = processor.process(&frame, &settings);
            if !processed.problems.is_empty() {
                return Err(processed.problems.join("; "));
            }
            let pose = processed
                .pose
                .ok_or_else(|| "the pose network gave no result".to_owned())?;
            let scale = Vec2::new(
                frame.intrinsics.width as f32 / pose.frame_size.width as f32,
                frame.intrinsics.height as f32 / pose.frame_size.height as f32,
            );
            Ok(format_own_pose(&own_pose(&pose, scale)).into_bytes())
        },
        |_| bar.inc(1),
    );
    bar.finish_and_clear();
    Ok(report(&summary, "pose files"))
}

/// The prediction as SHARP's file content: keypoints scaled to the take's frame size by
/// `scale`, hands predicted absent written as zeros.
fn own_pose(pose: &PoseOutcome, scale: Vec2) -> OwnPoseFrame {
    let prediction = &pose.prediction;
    let hand = |hand: Hand| {
        prediction.presence(hand).present.then(|| {
            let first = hand.index() * JOINTS_PER_HAND;
            OwnHandPose {
                uv: std::array::from_fn(|joint| prediction.keypoints[first + joint] * scale),
                z_mm: std::array::from_fn(|joint| prediction.z_mm[first + joint]),
            }
        })
    };
    OwnPoseFrame {
        left: hand(Hand::Left),
        right: hand(Hand::Right),
    }
}
