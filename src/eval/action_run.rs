//! Classifies the action segments of a split as SHARP's `test_ar.py` does: 20 frames
//! sampled uniformly over `[start_act, end_act]`, hands from the ground truth or from
//! predicted pose files, the object from its ground-truth pose.

use std::path::Path;

use super::pose_run::EvalError;
use crate::dataset::own_pose::parse_own_pose;
use crate::dataset::{ActionSegment, FrameKind, Split, Splits, Take};
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

/// Classifies every segment of `split` under `root`.
pub fn classify_segments(
    root: &Path,
    split: Split,
    hands: &HandSource,
    model: &mut ActionModel,
    mut tick: impl FnMut(usize, usize),
) -> Result<Vec<SegmentPrediction>, EvalError> {
    let (splits, _) = Splits::load(root);
    let segments = splits.actions.get(&split).ok_or_else(|| {
        EvalError::Batch(crate::batch::BatchError::NoSplit {
            path: root.join(split.action_file_name()),
        })
    })?;
    if segments.is_empty() {
        return Err(EvalError::Empty(split.name()));
    }
    let mut predictions = Vec::with_capacity(segments.len());
    let mut take: Option<Take> = None;
    for (done, segment) in segments.iter().enumerate() {
        let dir = root.join(&segment.take);
        if take.as_ref().is_none_or(|open| open.dir != dir) {
            take = Some(Take::open(&dir)?);
        }
        let Some(open) = take.as_ref() else { continue };
        let window = segment_window(open, segment, hands)?;
        let prediction = model.run(&window).map_err(|error| EvalError::Model {
            segment: segment.id,
            message: error.to_string(),
        })?;
        predictions.push(SegmentPrediction {
            id: segment.id,
            take: segment.take.clone(),
            truth: segment.action,
            predicted: prediction.best().id,
        });
        tick(done + 1, segments.len());
    }
    Ok(predictions)
}

/// The classifier's input for one segment.
fn segment_window(
    take: &Take,
    segment: &ActionSegment,
    hands: &HandSource,
) -> Result<[[f32; crate::infer::ACTION_FEATURES]; ACTION_WINDOW], EvalError> {
    let length = (segment.end_act + 1).saturating_sub(segment.start_act) as usize;
    let offsets = uniform_sample_indices(length, ACTION_WINDOW);
    if offsets.len() != ACTION_WINDOW {
        return Err(EvalError::EmptySegment(segment.id));
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

/// One frame's hands and object.
fn action_frame(take: &Take, number: u32, hands: &HandSource) -> Result<ActionFrame, EvalError> {
    let object = if take.has(FrameKind::ObjectPose) {
        Some(take.read_object_pose(number)?)
    } else {
        None
    };
    match hands {
        HandSource::GroundTruth => Ok(ActionFrame::from_joints(
            &take.read_hand_pose(number)?,
            object.as_ref(),
            &take.intrinsics,
        )),
        HandSource::Predicted(folder) => {
            let path = take
                .camera_dir()
                .join(folder)
                .join(format!("{number:06}.txt"));
            let bad = |message: String| EvalError::BadPoseFile {
                path: path.clone(),
                message,
            };
            let text = std::fs::read_to_string(&path).map_err(|error| bad(error.to_string()))?;
            let pose = parse_own_pose(&text).map_err(|error| bad(error.to_string()))?;
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
