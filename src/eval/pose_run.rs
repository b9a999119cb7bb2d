//! Scores the predicted pose files of a split against the H2O annotations, per take and
//! overall.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;

use super::handedness::HandednessTally;
use super::intrinsics_choice::EvalIntrinsics;
use super::over_time::{OverTime, OverTimePass};
use super::plausible::{check_intrinsics, check_prediction, check_truth};
use super::pose_metrics::{FrameOutcome, PoseSummary, PoseTally, PredictedHand};
use super::skipped::{SkipReason, SkippedInputs};
use crate::batch::{BatchError, FrameJob, list_frames};
use crate::dataset::own_pose::{HandPresence, parse_own_pose, parse_presence, presence_folder};
use crate::dataset::{DatasetError, IntrinsicsSource, Split, Splits, Take};
use crate::geometry::Hand;
use crate::temporal::SmoothingParams;

/// Why a split could not be scored.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// The frame list could not be built.
    #[error(transparent)]
    Batch(#[from] BatchError),
    /// A take or annotation file is unusable.
    #[error(transparent)]
    Dataset(#[from] DatasetError),
    /// The split lists no frame or segment.
    #[error("the {0} split lists nothing of a take under the root")]
    Empty(&'static str),
    /// An action segment ends before it starts.
    #[error("action segment {0} has no frames (end_act < start_act)")]
    EmptySegment(u32),
    /// The action network failed on a segment.
    #[error("action network failed on segment {segment}: {message}")]
    Model {
        /// Segment id.
        segment: u32,
        /// The error.
        message: String,
    },
}

/// The errors of one frame, for the per-frame table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FrameRow {
    /// Take, relative to the root.
    pub take: String,
    /// H2O frame number.
    pub frame: u32,
    /// Left-hand MPJPE, mm (when the hand counted).
    pub left_mpjpe_mm: Option<f64>,
    /// Right-hand MPJPE, mm.
    pub right_mpjpe_mm: Option<f64>,
    /// Left-hand 2D EPE, px.
    pub left_epe_px: Option<f64>,
    /// Right-hand 2D EPE, px.
    pub right_epe_px: Option<f64>,
}

/// The result of scoring a split.
#[derive(Clone, Debug, Default)]
pub struct PoseEvaluation {
    /// Per take (relative name), in dataset order.
    pub takes: Vec<(String, PoseTally)>,
    /// All takes pooled.
    pub overall: PoseTally,
    /// One row per frame scored.
    pub frames: Vec<FrameRow>,
    /// Frames the split lists that were not scored, and why.
    pub skipped: SkippedInputs,
    /// How often a predicted hand's label names the annotated hand it lies on.
    pub handedness: HandednessTally,
    /// Jitter of the scored joints, and whether they were smoothed before scoring.
    pub over_time: OverTime,
}

impl PoseEvaluation {
    /// The overall summary.
    pub fn summary(&self) -> PoseSummary {
        self.overall.summary()
    }
}

/// The presence sidecar of frame `number`'s pose file in `folder`, when there is one (pose
/// files written by SHARP itself have none).
fn read_presence(
    take: &Take,
    folder: &str,
    number: u32,
) -> Result<Option<HandPresence>, DatasetError> {
    let path = take
        .camera_dir()
        .join(presence_folder(folder))
        .join(format!("{number:06}.txt"));
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|error| DatasetError::io(&path, error))?;
    parse_presence(&text)
        .map(Some)
        .map_err(|error| DatasetError::parse(&path, error.to_string()))
}

/// Records the malformed lines of `root/file_name` (problems [`Splits::load`] reported).
pub(super) fn note_split_problems(
    root: &Path,
    file_name: &str,
    problems: &[DatasetError],
    skipped: &mut SkippedInputs,
) {
    let path = root.join(file_name);
    for problem in problems {
        let of_this_file = match problem {
            DatasetError::Parse { path: file, .. } | DatasetError::Io { path: file, .. } => {
                *file == path
            }
            _ => false,
        };
        if of_this_file {
            skipped.push(SkipReason::MalformedSplitLine, problem.to_string());
        }
    }
}

/// Records the frames `split`'s pose file lists that are not on disk: takes that do not
/// exist, frame numbers a take does not have.
fn note_listed_frames_not_on_disk(
    root: &Path,
    listed: &BTreeMap<String, BTreeSet<u32>>,
    skipped: &mut SkippedInputs,
) {
    for (name, frames) in listed {
        let dir = root.join(name);
        let have: BTreeSet<u32> = match Take::open(&dir) {
            Ok(take) => take.frames.iter().copied().collect(),
            Err(error) => {
                skipped.push(
                    SkipReason::MissingFrame,
                    format!(
                        "{name}: {} listed frames, take unreadable: {error}",
                        frames.len()
                    ),
                );
                continue;
            }
        };
        for number in frames.difference(&have) {
            skipped.push(
                SkipReason::MissingFrame,
                format!("{name} frame {number}: listed, but the take has no such frame"),
            );
        }
    }
}

/// An input left out: why, and which file or frame with what is wrong.
type Skip = (SkipReason, String);

/// Why a take cannot be scored with `intrinsics`, if it cannot.
pub(super) fn unusable_intrinsics(
    take: &Take,
    intrinsics: EvalIntrinsics,
) -> Option<(SkipReason, String)> {
    if intrinsics == EvalIntrinsics::Take && take.intrinsics_source != IntrinsicsSource::TakeFile {
        return Some((
            SkipReason::MalformedFile,
            format!(
                "{}: unusable, and --intrinsics take asks for it",
                take.camera_dir()
                    .join(crate::dataset::INTRINSICS_FILE)
                    .display()
            ),
        ));
    }
    check_intrinsics(&take.intrinsics).err().map(|message| {
        (
            SkipReason::ImplausibleValue,
            format!("{}: {message}", take.name),
        )
    })
}

/// Scores the files in `cam4/<folder>/` for every frame of `split` under `root`, with
/// the camera matrix `intrinsics` chooses (the pose files' pixels and depths are
/// unprojected with it, the annotations projected with it); a hand counts where it is
/// annotated and predicted present (the presence sidecar's verdict, or a hand not written
/// as zeros where there is no sidecar). Frames that cannot be scored (listed but not on
/// disk, missing or malformed files, implausible values) are left out and listed in
/// [`PoseEvaluation::skipped`], as are malformed lines of the split file.
pub fn evaluate_poses(
    root: &Path,
    split: Split,
    folder: &str,
    intrinsics: EvalIntrinsics,
    smoothing: Option<SmoothingParams>,
) -> Result<PoseEvaluation, EvalError> {
    let mut evaluation = PoseEvaluation::default();
    let mut over_time = OverTimePass::new(smoothing);
    let (splits, split_problems) = Splits::load(root);
    note_split_problems(
        root,
        &split.pose_file_name(),
        &split_problems,
        &mut evaluation.skipped,
    );
    if let Some(listed) = splits.pose.get(&split) {
        note_listed_frames_not_on_disk(root, listed, &mut evaluation.skipped);
    }
    let jobs = list_frames(root, Some(split), |take, number| {
        take.camera_dir()
            .join(folder)
            .join(format!("{number:06}.txt"))
    })?;
    if jobs.is_empty() && evaluation.skipped.is_empty() {
        return Err(EvalError::Empty(split.name()));
    }
    let mut take: Option<(Take, String, Option<Skip>)> = None;
    for job in &jobs {
        if take
            .as_ref()
            .is_none_or(|(open, _, _)| open.dir != job.take)
        {
            let mut opened = Take::open(&job.take)?;
            opened.intrinsics = intrinsics.for_take(&opened);
            let unusable = unusable_intrinsics(&opened, intrinsics);
            let name = crate::batch::relative_name(root, &opened.dir);
            evaluation.takes.push((name.clone(), PoseTally::default()));
            take = Some((opened, name, unusable));
            over_time.start_take();
        }
        let Some((open, name, unusable)) = take.as_ref() else {
            continue;
        };
        if let Some((reason, message)) = unusable {
            evaluation
                .skipped
                .push(*reason, format!("{name} frame {}: {message}", job.number));
            continue;
        }
        match score_frame(
            open,
            folder,
            job,
            &mut evaluation.handedness,
            &mut over_time,
        ) {
            Ok(outcome) => {
                if let Some((_, tally)) = evaluation.takes.last_mut() {
                    tally.add(&outcome);
                }
                evaluation.overall.add(&outcome);
                let [left, right] = outcome.hands.map(|hand| hand.error);
                evaluation.frames.push(FrameRow {
                    take: name.clone(),
                    frame: job.number,
                    left_mpjpe_mm: left.map(|error| error.mpjpe_mm()),
                    right_mpjpe_mm: right.map(|error| error.mpjpe_mm()),
                    left_epe_px: left.map(|error| error.epe_px()),
                    right_epe_px: right.map(|error| error.epe_px()),
                });
            }
            Err((reason, message)) => evaluation.skipped.push(reason, message),
        }
    }
    evaluation.over_time = over_time.finish();
    Ok(evaluation)
}

/// Scores one frame, or says why it cannot be scored.
fn score_frame(
    take: &Take,
    folder: &str,
    job: &FrameJob,
    handedness: &mut HandednessTally,
    over_time: &mut OverTimePass,
) -> Result<FrameOutcome, (SkipReason, String)> {
    let path = &job.output;
    let malformed = |message: String| (SkipReason::MalformedFile, message);
    if !path.is_file() {
        return Err((SkipReason::MissingPoseFile, path.display().to_string()));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|error| malformed(format!("{}: {error}", path.display())))?;
    let predicted = parse_own_pose(&text)
        .map_err(|message| malformed(format!("{}: {message}", path.display())))?;
    let presence =
        read_presence(take, folder, job.number).map_err(|error| malformed(error.to_string()))?;
    let predicted = match presence {
        Some(presence) => predicted.gated(presence),
        None => predicted,
    };
    let k = take.intrinsics;
    check_prediction(&predicted, k.width, k.height).map_err(|message| {
        (
            SkipReason::ImplausibleValue,
            format!("{}: {message}", path.display()),
        )
    })?;
    let truth = take
        .read_hand_pose(job.number)
        .map_err(|error| malformed(error.to_string()))?;
    check_truth(&truth).map_err(|message| {
        (
            SkipReason::ImplausibleValue,
            format!("{} frame {}: {message}", take.name, job.number),
        )
    })?;
    handedness.add(
        Hand::BOTH.map(|hand| predicted.get(hand).map(|pose| &pose.uv)),
        &truth,
        &k,
    );
    let mut hands = Hand::BOTH.map(|hand| {
        predicted.get(hand).map(|pose| PredictedHand {
            keypoints_px: pose.uv,
            joints_mm: std::array::from_fn(|joint| k.unproject(pose.uv[joint], pose.z_mm[joint])),
        })
    });
    over_time.frame(job.number, &mut hands);
    Ok(FrameOutcome::new(
        [hands[0].as_ref(), hands[1].as_ref()],
        Some(&truth),
        &k,
    ))
}
