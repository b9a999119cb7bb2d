//! `sharp-viewer poses ROOT`: SHARP's per-frame predicted pose files
//! (`hand_pose_3d_own_masked` / `hand_pose_3d_own_not_masked`) for every frame, and how
//! many of the annotated hand joints the mask kept.

use std::process::ExitCode;

use super::batch_args::{BatchArgs, report};
use super::{EngineArgs, MaskArgs};
use crate::atomic_file::write_atomic;
use crate::batch::{list_frames, run_jobs};
use crate::chain::SmoothingMode;
use crate::chain::{ActionInput, FrameProcessor, NoticeTally, PoseBackend};
use crate::dataset::own_pose::{
    AbsentHands, OWN_POSE_MASKED_FOLDER, OWN_POSE_NOT_MASKED_FOLDER, presence_folder,
};
use crate::infer::{ModelKind, ModelSet, ModelStatus};
use crate::mask::{CoverageTally, DepthUnit, MaskEngine};
use crate::source::{FrameSource, own_pose_from_prediction};

/// Writes the missing pose files of this shard into `folder` (default: SHARP's name for
/// the masking mode), absent hands as `absent` says with each file's presence sidecar;
/// with `smooth`, each take's joints are smoothed over time in frame
/// order (restarting at each take and at gaps, such as frames already written).
pub fn run(
    batch: &BatchArgs,
    engine: &EngineArgs,
    mask: &MaskArgs,
    folder: Option<&str>,
    smooth: bool,
    absent: AbsentHands,
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
    settings.hands.viewpoints.take = engine.viewpoint;
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
        // MediaPipe Hands stands in for SHARP's pose network.
        let needed = kinds.contains(&kind) && !(mediapipe && kind == ModelKind::Pose);
        if needed && !matches!(status, crate::infer::ModelStatus::Ready(_)) {
            anyhow::bail!("the {kind} model is not usable: {status:?}");
        }
    }
    if mediapipe
        && let status @ (ModelStatus::Missing { .. } | ModelStatus::Invalid { .. }) =
            models.hands_status()
    {
        anyhow::bail!("MediaPipe Hands is not usable: {status:?}");
    }
    let mut processor = FrameProcessor::new(MaskEngine::new(worker.mask), models);
    let presence = presence_folder(folder);
    let absent_words = match absent {
        AbsentHands::Predicted => "absent hands as predicted (as SHARP's get_3D_pose.py)",
        AbsentHands::Zeros => "absent hands as zeros",
    };
    println!(
        "mask: {}; {}; writing into cam4/{folder} ({absent_words}), presence into cam4/{presence}",
        mask.describe(),
        if smooth {
            "joints smoothed over time"
        } else {
            "per-frame joints (no smoothing)"
        }
    );
    let mut open_take = None;
    let presence_path = |job: &crate::batch::FrameJob| {
        job.take
            .join(crate::dataset::EGO_CAMERA_FOLDER)
            .join(&presence)
            .join(format!("{:06}.txt", job.number))
    };
    let presence_paths: Vec<std::path::PathBuf> = jobs.iter().map(presence_path).collect();
    crate::atomic_file::remove_stale_temporaries(presence_paths.iter().map(|path| path.as_path()))
        .map_err(|error| {
            anyhow::anyhow!("cam4/{presence}: cannot remove leftover temporary files: {error}")
        })?;
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
            // A frame fails when its pose file would not be what the command promises:
            // no pose, a pose from an unmasked frame under a mask, or any error. Notices
            // (a MediaPipe wrist placed at the fixed depth, say) are counted and reported.
            if processed.pose.is_none()
                || processed.mask_skipped.is_some()
                || processed.problems.has_errors()
            {
                return Err(processed.problems.error_summary());
            }
            notices.add(&processed.problems);
            let pose = processed
                .pose
                .ok_or_else(|| "the pose network gave no result".to_owned())?;
            if let Some(coverage) = &processed.joint_coverage {
                coverage_tally.add(coverage);
            }
            let file =
                own_pose_from_prediction(&pose.prediction, pose.frame_size, frame.rgb.dimensions());
            // The sidecar goes first: a pose file that exists (and is skipped next time)
            // always has its presence.
            let presence_path = presence_path(job);
            write_atomic(&presence_path, file.presence_text().as_bytes())
                .map_err(|error| format!("{}: {error}", presence_path.display()))?;
            Ok(file.pose_text(absent).into_bytes())
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
