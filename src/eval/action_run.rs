//! Classifies the action segments of a split as SHARP's `test_ar.py` does: 20 frames
//! sampled uniformly over `[start_act, end_act]`, hands from the ground truth or from
//! predicted pose files, the object from its ground-truth pose.

use std::path::Path;

use super::intrinsics_choice::EvalIntrinsics;
use super::plausible::{Implausible, check_prediction, check_truth};
use super::pose_run::{EvalError, note_split_problems, unusable_intrinsics};
use super::skipped::{SkipReason, SkippedInputs};
use crate::dataset::own_pose::parse_own_pose;
use crate::dataset::{ActionSegment, DatasetError, FrameKind, Split, Splits, Take};
use crate::geometry::Hand;
use crate::infer::{
    ACTION_WINDOW, ActionFrame, ActionModel, FrameSize, HandKeypoints, ObjectBox,
    uniform_sample_indices,
};

/// Where the hand poses come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HandSource {
    /// The `hand_pose` annotations (SHARP's `gt_hand_pose`).
    GroundTruth,
    /// Predicted pose files in this folder inside `cam4/`.
    Predicted(String),
}

/// The classifier's answer for one segment.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SegmentPrediction {
    /// Segment id (the CodaLab key).
    pub id: u32,
    /// Take, relative to the root.
    pub take: String,
    /// The labelled action, when the split has labels.
    pub truth: Option<u32>,
    /// The predicted action id (1..=36).
    pub predicted: u32,
}

/// The segments classified and those left out.
#[derive(Clone, Debug, Default)]
pub struct ActionEvaluation {
    /// One per segment classified, in split order.
    pub predictions: Vec<SegmentPrediction>,
    /// Segments (and split lines) left out, and why.
    pub skipped: SkippedInputs,
}

/// Classifies every segment of `split` under `root`, with the camera matrix `intrinsics`
/// chooses (it projects the ground-truth hands and the object box). Segments whose frames
/// are not on disk, or whose files are missing, malformed or implausible, are left out
/// and listed in [`ActionEvaluation::skipped`], as are malformed lines of the split file.
pub fn classify_segments(
    root: &Path,
    split: Split,
    hands: &HandSource,
    intrinsics: EvalIntrinsics,
    model: &mut ActionModel,
    mut tick: impl FnMut(usize, usize),
) -> Result<ActionEvaluation, EvalError> {
    let mut evaluation = ActionEvaluation::default();
    let (splits, problems) = Splits::load(root);
    note_split_problems(
        root,
        &split.action_file_name(),
        &problems,
        &mut evaluation.skipped,
    );
    let segments = splits.actions.get(&split).ok_or_else(|| {
        EvalError::Batch(crate::batch::BatchError::NoSplit {
            path: root.join(split.action_file_name()),
        })
    })?;
    if segments.is_empty() && evaluation.skipped.is_empty() {
        return Err(EvalError::Empty(split.name()));
    }
    let mut take: Option<Result<Take, (SkipReason, String)>> = None;
    for (done, segment) in segments.iter().enumerate() {
        let dir = root.join(&segment.take);
        if !matches!(&take, Some(Ok(open)) if open.dir == dir) {
            take = Some(open_take(&dir, intrinsics));
        }
        let window = match take.as_ref() {
            Some(Ok(open)) => segment_window(open, segment, hands),
            Some(Err(skip)) => Err(skip.clone()),
            None => continue,
        };
        match window {
            Ok(window) => {
                let prediction = model.run(&window).map_err(|error| EvalError::Model {
                    segment: segment.id,
                    message: error.to_string(),
                })?;
                evaluation.predictions.push(SegmentPrediction {
                    id: segment.id,
                    take: segment.take.clone(),
                    truth: segment.action,
                    predicted: prediction.best().id,
                });
            }
            Err((reason, message)) => evaluation
                .skipped
                .push(reason, format!("segment {}: {message}", segment.id)),
        }
        tick(done + 1, segments.len());
    }
    Ok(evaluation)
}

/// Opens a take with the chosen intrinsics, or says why it cannot be used.
fn open_take(dir: &Path, intrinsics: EvalIntrinsics) -> Result<Take, (SkipReason, String)> {
    let mut take =
        Take::open(dir).map_err(|error| (SkipReason::MissingFrame, error.to_string()))?;
    take.intrinsics = intrinsics.for_take(&take);
    match unusable_intrinsics(&take, intrinsics) {
        Some(skip) => Err(skip),
        None => Ok(take),
    }
}

/// The classifier's input for one segment.
fn segment_window(
    take: &Take,
    segment: &ActionSegment,
    hands: &HandSource,
) -> Result<[[f32; crate::infer::ACTION_FEATURES]; ACTION_WINDOW], (SkipReason, String)> {
    let length = (segment.end_act + 1).saturating_sub(segment.start_act) as usize;
    let offsets = uniform_sample_indices(length, ACTION_WINDOW);
    if offsets.len() != ACTION_WINDOW {
        return Err((
            SkipReason::MalformedSplitLine,
            EvalError::EmptySegment(segment.id).to_string(),
        ));
    }
    let size = FrameSize {
        width: take.intrinsics.width,
        height: take.intrinsics.height,
    };
    let mut window = [[0.0; crate::infer::ACTION_FEATURES]; ACTION_WINDOW];
    for (slot, offset) in window.iter_mut().zip(offsets) {
        let number = segment.start_act + offset as u32;
        *slot = action_frame(take, number, hands)?.features(size);
    }
    Ok(window)
}

/// One frame's hands and object, or why the frame cannot be used.
fn action_frame(
    take: &Take,
    number: u32,
    hands: &HandSource,
) -> Result<ActionFrame, (SkipReason, String)> {
    let object = if take.has(FrameKind::ObjectPose) {
        Some(take.read_object_pose(number).map_err(dataset_skip)?)
    } else {
        None
    };
    let implausible = |message: Implausible| {
        (
            SkipReason::ImplausibleValue,
            format!("{} frame {number}: {message}", take.name),
        )
    };
    match hands {
        HandSource::GroundTruth => {
            let truth = take.read_hand_pose(number).map_err(dataset_skip)?;
            check_truth(&truth).map_err(implausible)?;
            Ok(ActionFrame::from_joints(
                &truth,
                object.as_ref(),
                &take.intrinsics,
            ))
        }
        HandSource::Predicted(folder) => {
            let path = take
                .camera_dir()
                .join(folder)
                .join(format!("{number:06}.txt"));
            if !path.is_file() {
                return Err((SkipReason::MissingPoseFile, path.display().to_string()));
            }
            let bad = |message: String| {
                (
                    SkipReason::MalformedFile,
                    format!("{}: {message}", path.display()),
                )
            };
            let text = std::fs::read_to_string(&path).map_err(|error| bad(error.to_string()))?;
            let pose = parse_own_pose(&text).map_err(|error| bad(error.to_string()))?;
            check_prediction(&pose, take.intrinsics.width, take.intrinsics.height)
                .map_err(implausible)?;
            let keypoints = |hand: Hand| {
                pose.get(hand).map(|hand| HandKeypoints {
                    uv: hand.uv,
                    z_m: hand.z_mm.map(|z| z / 1000.0),
                })
            };
            Ok(ActionFrame {
                left: keypoints(Hand::Left),
                right: keypoints(Hand::Right),
                object: object
                    .as_ref()
                    .and_then(|object| ObjectBox::from_pose(object, &take.intrinsics)),
            })
        }
    }
}

/// The reason to record for an annotation that could not be read: missing (the split
/// lists a frame the take does not have) or malformed.
fn dataset_skip(error: DatasetError) -> (SkipReason, String) {
    let reason = match &error {
        DatasetError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            SkipReason::MissingFrame
        }
        _ => SkipReason::MalformedFile,
    };
    (reason, error.to_string())
}
