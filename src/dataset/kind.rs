use serde::{Deserialize, Serialize};

/// One per-frame folder of an H2O `cam4` take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum FrameKind {
    /// `rgb/NNNNNN.png`, 1280x720 RGB.
    Rgb,
    /// `depth/NNNNNN.png`, 1280x720 uint16 millimetres.
    Depth,
    /// `depth_est_low/NNNNNN.png`, SHARP's 384x384 8-bit pseudo-depth.
    PseudoDepth,
    /// `hand_pose/NNNNNN.txt`, 128 numbers.
    HandPose,
    /// `hand_pose_mano/NNNNNN.txt`, 124 MANO numbers.
    HandPoseMano,
    /// `obj_pose/NNNNNN.txt`, class id and 21 points.
    ObjectPose,
    /// `obj_pose_rt/NNNNNN.txt`, class id and a 4x4 matrix.
    ObjectPoseRt,
    /// `cam_pose/NNNNNN.txt`, a 4x4 camera-to-world matrix.
    CameraPose,
    /// `action_label/NNNNNN.txt`, one integer.
    ActionLabel,
    /// `verb_label/NNNNNN.txt`, one integer.
    VerbLabel,
}

impl FrameKind {
    /// Every kind, RGB first.
    pub const ALL: [FrameKind; 10] = [
        FrameKind::Rgb,
        FrameKind::Depth,
        FrameKind::PseudoDepth,
        FrameKind::HandPose,
        FrameKind::HandPoseMano,
        FrameKind::ObjectPose,
        FrameKind::ObjectPoseRt,
        FrameKind::CameraPose,
        FrameKind::ActionLabel,
        FrameKind::VerbLabel,
    ];

    /// Folder name inside `cam4/`.
    pub fn folder(self) -> &'static str {
        match self {
            FrameKind::Rgb => "rgb",
            FrameKind::Depth => "depth",
            FrameKind::PseudoDepth => "depth_est_low",
            FrameKind::HandPose => "hand_pose",
            FrameKind::HandPoseMano => "hand_pose_mano",
            FrameKind::ObjectPose => "obj_pose",
            FrameKind::ObjectPoseRt => "obj_pose_rt",
            FrameKind::CameraPose => "cam_pose",
            FrameKind::ActionLabel => "action_label",
            FrameKind::VerbLabel => "verb_label",
        }
    }

    /// File extension of the per-frame files, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            FrameKind::Rgb | FrameKind::Depth | FrameKind::PseudoDepth => "png",
            _ => "txt",
        }
    }

    /// How many numbers a text file of this kind holds; `None` for images.
    pub fn number_count(self) -> Option<usize> {
        match self {
            FrameKind::Rgb | FrameKind::Depth | FrameKind::PseudoDepth => None,
            FrameKind::HandPose => Some(128),
            FrameKind::HandPoseMano => Some(124),
            FrameKind::ObjectPose => Some(64),
            FrameKind::ObjectPoseRt => Some(17),
            FrameKind::CameraPose => Some(16),
            FrameKind::ActionLabel | FrameKind::VerbLabel => Some(1),
        }
    }

    /// Name used in messages, e.g. "H2O hand_pose".
    pub fn describe(self) -> String {
        format!("H2O {}", self.folder())
    }

    /// File name of frame `index`, e.g. `000042.png`.
    pub fn file_name(self, index: u32) -> String {
        format!("{index:06}.{}", self.extension())
    }
}
