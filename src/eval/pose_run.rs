//! Scores the predicted pose files of a split against the H2O annotations, per take and
//! overall.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::pose_metrics::{FrameOutcome, PoseSummary, PoseTally, PredictedHand};
use crate::batch::{BatchError, list_frames};
use crate::chain::MAX_SMOOTHING_GAP_S;
use crate::dataset::own_pose::parse_own_pose;
use crate::dataset::{DatasetError, Split, Take};
use crate::geometry::{Hand, JOINTS_PER_HAND};
use crate::temporal::{JitterTally, PoseSmoother, SmoothingParams};

/// H2O's frame rate, for the smoothing's clock.
const H2O_FPS: f64 = 30.0;

/// Why a split could not be scored.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// The frame list could not be built.
    #[error(transparent)]
    Batch(#[from] BatchError),
    /// A take or annotation file is unusable.
    #[error(transparent)]
    Dataset(#[from] DatasetError),
    /// Predicted pose files are missing.
    #[error(
        "{count} predicted pose file(s) missing, the first {first}; write them with `sharp-viewer poses`",
        first = .first.display()
    )]
    MissingPoses {
        /// The first missing file.
        first: PathBuf,
        /// How many are missing.
        count: usize,
    },
    /// A predicted pose file is malformed.
    #[error("{path}: {message}", path = .path.display())]
    BadPoseFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
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
    /// One row per frame.
    pub frames: Vec<FrameRow>,
    /// Whether the joints were smoothed over time before scoring.
    pub smoothed: bool,
    /// Jitter of the scored 3D joints (mm per frame squared), over consecutive frames.
    pub jitter_3d: JitterTally,
    /// Jitter of the scored 2D keypoints (px per frame squared), over consecutive frames.
    pub jitter_2d: JitterTally,
}

impl PoseEvaluation {
    /// The overall summary.
    pub fn summary(&self) -> PoseSummary {
        self.overall.summary()
    }
}

/// Scores the files in `cam4/<folder>/` for every frame of `split` under `root`, and
/// measures the jitter of the predicted joints. With `smoothing`, each take's joints
/// are smoothed over time first (One Euro at H2O's 30 fps, in frame order, restarted at
/// each take and at gaps longer than [`MAX_SMOOTHING_GAP_S`]); the metrics and the
/// jitter are then those of the smoothed joints.
pub fn evaluate_poses(
    root: &Path,
    split: Split,
    folder: &str,
    smoothing: Option<SmoothingParams>,
) -> Result<PoseEvaluation, EvalError> {
    let jobs = list_frames(root, Some(split), |take, number| {
        take.camera_dir()
            .join(folder)
            .join(format!("{number:06}.txt"))
    })?;
    if jobs.is_empty() {
        return Err(EvalError::Empty(split.name()));
    }
    let missing: Vec<&PathBuf> = jobs
        .iter()
        .map(|job| &job.output)
        .filter(|path| !path.is_file())
        .collect();
    if let Some(first) = missing.first() {
        return Err(EvalError::MissingPoses {
            first: (*first).clone(),
            count: missing.len(),
        });
    }
    let mut evaluation = PoseEvaluation {
        smoothed: smoothing.is_some(),
        ..PoseEvaluation::default()
    };
    let mut smoother = smoothing.map(PoseSmoother::new);
    let mut last_number: Option<u32> = None;
    let mut take: Option<(Take, String)> = None;
    for job in &jobs {
        if take.as_ref().is_none_or(|(open, _)| open.dir != job.take) {
            last_number = None;
            let opened = Take::open(&job.take)?;
            let name = crate::batch::relative_name(root, &opened.dir);
            evaluation.takes.push((name.clone(), PoseTally::default()));
            take = Some((opened, name));
        }
        let Some((open, name)) = take.as_ref() else {
            continue;
        };
        let text =
            std::fs::read_to_string(&job.output).map_err(|error| EvalError::BadPoseFile {
                path: job.output.clone(),
                message: error.to_string(),
            })?;
        let predicted = parse_own_pose(&text).map_err(|error| EvalError::BadPoseFile {
            path: job.output.clone(),
            message: error.to_string(),
        })?;
        let truth = open.read_hand_pose(job.number)?;
        let intrinsics = open.intrinsics;
        let mut hands = Hand::BOTH.map(|hand| {
            predicted.get(hand).map(|pose| PredictedHand {
                keypoints_px: pose.uv,
                joints_mm: std::array::from_fn(|joint| {
                    intrinsics.unproject(pose.uv[joint], pose.z_mm[joint])
                }),
            })
        });
        let follows = last_number.is_some_and(|last| {
            job.number > last && f64::from(job.number - last) / H2O_FPS <= MAX_SMOOTHING_GAP_S
        });
        if let Some(smoother) = &mut smoother {
            if !follows {
                smoother.reset();
            }
            for (hand, predicted) in Hand::BOTH.into_iter().zip(&mut hands) {
                match predicted {
                    Some(predicted) => smoother.smooth_hand(
                        hand,
                        f64::from(job.number) / H2O_FPS,
                        &mut predicted.keypoints_px,
                        &mut predicted.joints_mm,
                    ),
                    None => smoother.lose_hand(hand),
                }
            }
        }
        last_number = Some(job.number);
        for (hand, predicted) in Hand::BOTH.into_iter().zip(&hands) {
            // A new take breaks the runs even where its numbers continue the last one's.
            if !follows {
                evaluation.jitter_3d.push(hand, job.number, None);
                evaluation.jitter_2d.push(hand, job.number, None);
            }
            let joints = predicted.as_ref().map(|predicted| predicted.joints_mm);
            let keypoints: Option<[glam::Vec3; JOINTS_PER_HAND]> = predicted
                .as_ref()
                .map(|predicted| predicted.keypoints_px.map(|point| point.extend(0.0)));
            evaluation
                .jitter_3d
                .push(hand, job.number, joints.as_ref().map(|joints| &joints[..]));
            evaluation.jitter_2d.push(
                hand,
                job.number,
                keypoints.as_ref().map(|points| &points[..]),
            );
        }
        let outcome = FrameOutcome::new(
            [hands[0].as_ref(), hands[1].as_ref()],
            Some(&truth),
            &intrinsics,
        );
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
    Ok(evaluation)
}
