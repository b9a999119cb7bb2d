//! SHARP's per-frame predicted pose files (`get_3D_pose.py`): the 42 keypoints as
//! (u, v, z) with u, v in frame pixels and z in millimetres, written by `np.savetxt` as
//! two rows of 63 numbers (left hand, then right hand).
//!
//! SHARP's `get_3D_pose.py` saves both hands' predictions whether the network judged a
//! hand present or not (it gates only the 3D joints it does not save). By default this
//! project does the same ([`AbsentHands::Predicted`]) and keeps the network's presence
//! verdict in a sidecar file, `<folder>_presence/NNNNNN.txt` (`left right`, 1 present, 0
//! absent), which `eval-pose` reads to gate its metrics. With [`AbsentHands::Zeros`] an
//! absent hand is written as 63 zeros instead, and a hand whose numbers are all zero
//! reads back as absent. Files without a sidecar (written by SHARP) read back with every
//! hand that is not all zeros present.

use glam::Vec2;

use super::ContentError;
use super::numbers::parse_numbers;
use crate::geometry::{Hand, JOINTS_PER_HAND};

/// Folder (inside `cam4/`) for poses predicted from range-masked frames.
pub const OWN_POSE_MASKED_FOLDER: &str = "hand_pose_3d_own_masked";
/// Folder (inside `cam4/`) for poses predicted from unmasked frames.
pub const OWN_POSE_NOT_MASKED_FOLDER: &str = "hand_pose_3d_own_not_masked";

/// How a pose file stores a hand the network judged absent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AbsentHands {
    /// The network's (ungated) prediction, as SHARP's `get_3D_pose.py` writes it; the
    /// presence goes to the sidecar file. What SHARP's action network was trained on.
    #[default]
    Predicted,
    /// 63 zeros (presence then survives in the file itself).
    Zeros,
}

/// The network's verdict on each hand ([`Hand::index`] order): present or not.
pub type HandPresence = [bool; 2];

/// The presence sidecar folder (inside `cam4/`) of the pose folder `folder`.
pub fn presence_folder(folder: &str) -> String {
    format!("{folder}_presence")
}

/// Formats a presence sidecar: `left right`, 1 for present, 0 for absent.
pub fn format_presence(presence: HandPresence) -> String {
    format!("{} {}\n", u8::from(presence[0]), u8::from(presence[1]))
}

/// Parses a presence sidecar written by [`format_presence`].
pub fn parse_presence(text: &str) -> Result<HandPresence, ContentError> {
    const WHAT: &str = "hand presence (left right)";
    let flags: Vec<&str> = text.split_whitespace().collect();
    let flag = |word: &str| match word {
        "1" => Ok(true),
        "0" => Ok(false),
        other => Err(ContentError::Rule {
            what: WHAT.to_owned(),
            rule: format!("expected 0 or 1, found `{other}`"),
        }),
    };
    match flags.as_slice() {
        [left, right] => Ok([flag(left)?, flag(right)?]),
        _ => Err(ContentError::Rule {
            what: WHAT.to_owned(),
            rule: format!("expected two flags, found {}", flags.len()),
        }),
    }
}

/// One hand of a predicted pose file.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OwnHandPose {
    /// Keypoints in frame pixels.
    pub uv: [Vec2; JOINTS_PER_HAND],
    /// Joint depths in millimetres.
    pub z_mm: [f32; JOINTS_PER_HAND],
}

/// Both hands of a predicted pose file; `None` for a hand written as zeros.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct OwnPoseFrame {
    /// Left hand.
    pub left: Option<OwnHandPose>,
    /// Right hand.
    pub right: Option<OwnHandPose>,
}

impl OwnPoseFrame {
    /// The pose of `hand`, if present.
    pub fn get(&self, hand: Hand) -> Option<&OwnHandPose> {
        match hand {
            Hand::Left => self.left.as_ref(),
            Hand::Right => self.right.as_ref(),
        }
    }

    /// The frame with the hands `presence` calls absent removed.
    pub fn gated(self, presence: HandPresence) -> Self {
        Self {
            left: self.left.filter(|_| presence[Hand::Left.index()]),
            right: self.right.filter(|_| presence[Hand::Right.index()]),
        }
    }
}

/// A predicted pose file and its presence sidecar, before the choice of how absent hands
/// are written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PredictedPoseFile {
    /// Both hands as the network predicted them, present or not.
    pub ungated: OwnPoseFrame,
    /// The network's presence verdict.
    pub presence: HandPresence,
}

impl PredictedPoseFile {
    /// The pose file's text with absent hands written as `absent` says.
    pub fn pose_text(&self, absent: AbsentHands) -> String {
        match absent {
            AbsentHands::Predicted => format_own_pose(&self.ungated),
            AbsentHands::Zeros => format_own_pose(&self.ungated.gated(self.presence)),
        }
    }

    /// The presence sidecar's text.
    pub fn presence_text(&self) -> String {
        format_presence(self.presence)
    }
}

/// Formats a frame as SHARP's `np.savetxt` does: two lines of 63 numbers in `%.18e`.
pub fn format_own_pose(frame: &OwnPoseFrame) -> String {
    let mut text = String::new();
    for hand in Hand::BOTH {
        let numbers: Vec<String> = match frame.get(hand) {
            Some(pose) => pose
                .uv
                .iter()
                .zip(pose.z_mm)
                .flat_map(|(uv, z)| [uv.x, uv.y, z])
                .map(|value| format!("{:.18e}", f64::from(value)))
                .collect(),
            None => vec![format!("{:.18e}", 0.0); 3 * JOINTS_PER_HAND],
        };
        text.push_str(&numbers.join(" "));
        text.push('\n');
    }
    text
}

/// Parses a predicted pose file: 126 numbers in any line layout (SHARP reads them with
/// `np.loadtxt(...).reshape(42, 3)`).
pub fn parse_own_pose(text: &str) -> Result<OwnPoseFrame, ContentError> {
    let values = parse_numbers(
        text,
        6 * JOINTS_PER_HAND,
        "SHARP predicted pose (42 x u v z_mm)",
    )?;
    let mut frame = OwnPoseFrame::default();
    for hand in Hand::BOTH {
        let block = &values[hand.index() * 63..(hand.index() + 1) * 63];
        if block.iter().all(|value| *value == 0.0) {
            continue;
        }
        let mut pose = OwnHandPose {
            uv: [Vec2::ZERO; JOINTS_PER_HAND],
            z_mm: [0.0; JOINTS_PER_HAND],
        };
        for (joint, triple) in block.chunks_exact(3).enumerate() {
            pose.uv[joint] = Vec2::new(triple[0], triple[1]);
            pose.z_mm[joint] = triple[2];
        }
        match hand {
            Hand::Left => frame.left = Some(pose),
            Hand::Right => frame.right = Some(pose),
        }
    }
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hand(offset: f32) -> OwnHandPose {
        OwnHandPose {
            uv: std::array::from_fn(|j| {
                Vec2::new(100.0 + offset + j as f32, 200.5 + j as f32 * 0.25)
            }),
            z_mm: std::array::from_fn(|j| 450.0 + j as f32 * 1.5),
        }
    }

    #[test]
    fn writes_two_rows_of_63_and_reads_them_back() {
        let frame = OwnPoseFrame {
            left: None,
            right: Some(hand(7.0)),
        };
        let text = format_own_pose(&frame);
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|row| row.split_whitespace().count() == 63));
        assert!(rows[0].starts_with("0.000000000000000000e0"), "{}", rows[0]);
        assert_eq!(parse_own_pose(&text).expect("valid"), frame);
    }

    #[test]
    fn reads_sharp_files_written_as_42_rows_too() {
        let pose = hand(0.0);
        let mut text = String::new();
        for _ in 0..2 {
            for j in 0..JOINTS_PER_HAND {
                text.push_str(&format!(
                    "{} {} {}\n",
                    pose.uv[j].x, pose.uv[j].y, pose.z_mm[j]
                ));
            }
        }
        let frame = parse_own_pose(&text).expect("valid");
        assert_eq!(frame.left, Some(pose));
        assert_eq!(frame.right, Some(pose));
    }

    #[test]
    fn absent_hands_are_written_as_predicted_or_as_zeros() {
        let file = PredictedPoseFile {
            ungated: OwnPoseFrame {
                left: Some(hand(1.0)),
                right: Some(hand(9.0)),
            },
            presence: [false, true],
        };
        let predicted = parse_own_pose(&file.pose_text(AbsentHands::Predicted)).expect("valid");
        assert_eq!(
            predicted, file.ungated,
            "the authors' way keeps the absent hand"
        );
        let zeros = parse_own_pose(&file.pose_text(AbsentHands::Zeros)).expect("valid");
        assert_eq!(zeros.left, None);
        assert_eq!(zeros.right, Some(hand(9.0)));
        assert_eq!(file.presence_text(), "0 1\n");
        assert_eq!(parse_presence(&file.presence_text()), Ok([false, true]));
        assert!(parse_presence("1").is_err());
        assert!(parse_presence("1 2").is_err());
    }

    #[test]
    fn a_short_file_says_what_was_expected() {
        let error = parse_own_pose("1 2 3").unwrap_err().to_string();
        assert!(error.contains("expected 126 numbers, found 3"), "{error}");
    }
}
