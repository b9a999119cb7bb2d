use glam::Vec3;
use serde::{Deserialize, Serialize};

/// Joints per hand in the H2O / SHARP layout.
pub const JOINTS_PER_HAND: usize = 21;

/// Joint names in H2O order: wrist, then thumb, index, middle, ring and little finger,
/// each from base to tip.
pub const JOINT_NAMES: [&str; JOINTS_PER_HAND] = [
    "wrist",
    "thumb_1",
    "thumb_2",
    "thumb_3",
    "thumb_tip",
    "index_1",
    "index_2",
    "index_3",
    "index_tip",
    "middle_1",
    "middle_2",
    "middle_3",
    "middle_tip",
    "ring_1",
    "ring_2",
    "ring_3",
    "ring_tip",
    "little_1",
    "little_2",
    "little_3",
    "little_tip",
];

/// Bones as (parent, child) joint indices: wrist to each finger base, then each
/// consecutive pair inside a finger.
pub const SKELETON_BONES: [(usize, usize); 20] = [
    (0, 1),
    (1, 2),
    (2, 3),
    (3, 4),
    (0, 5),
    (5, 6),
    (6, 7),
    (7, 8),
    (0, 9),
    (9, 10),
    (10, 11),
    (11, 12),
    (0, 13),
    (13, 14),
    (14, 15),
    (15, 16),
    (0, 17),
    (17, 18),
    (18, 19),
    (19, 20),
];

/// Finger a joint belongs to: 0 for the wrist, 1 thumb .. 5 little finger.
pub fn finger_of_joint(joint: usize) -> usize {
    if joint == 0 { 0 } else { (joint - 1) / 4 + 1 }
}

/// Which hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Hand {
    /// The subject's left hand (first in every H2O/SHARP array).
    Left,
    /// The subject's right hand.
    Right,
}

impl Hand {
    /// Both hands in H2O array order.
    pub const BOTH: [Hand; 2] = [Hand::Left, Hand::Right];

    /// Position of this hand in H2O arrays (left 0, right 1).
    pub fn index(self) -> usize {
        match self {
            Hand::Left => 0,
            Hand::Right => 1,
        }
    }

    /// Lower-case name for labels and file columns.
    pub fn name(self) -> &'static str {
        match self {
            Hand::Left => "left",
            Hand::Right => "right",
        }
    }

    /// The other hand.
    pub fn other(self) -> Hand {
        match self {
            Hand::Left => Hand::Right,
            Hand::Right => Hand::Left,
        }
    }
}

/// The 21 joints of one hand in camera space, in whatever unit the owner states.
pub type HandJoints = [Vec3; JOINTS_PER_HAND];

/// Both hands of one frame; `None` where a hand is not annotated or not detected.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TwoHands {
    /// Left hand joints, if present.
    pub left: Option<HandJoints>,
    /// Right hand joints, if present.
    pub right: Option<HandJoints>,
}

impl TwoHands {
    /// The joints of `hand`, if present.
    pub fn get(&self, hand: Hand) -> Option<&HandJoints> {
        match hand {
            Hand::Left => self.left.as_ref(),
            Hand::Right => self.right.as_ref(),
        }
    }

    /// Sets the joints of `hand`.
    pub fn set(&mut self, hand: Hand, joints: Option<HandJoints>) {
        match hand {
            Hand::Left => self.left = joints,
            Hand::Right => self.right = joints,
        }
    }

    /// Every present hand with its joints.
    pub fn present(&self) -> impl Iterator<Item = (Hand, &HandJoints)> {
        Hand::BOTH
            .into_iter()
            .filter_map(move |hand| self.get(hand).map(|joints| (hand, joints)))
    }

    /// Both hands with every joint multiplied by `factor` (e.g. metres to millimetres).
    pub fn scaled(&self, factor: f32) -> Self {
        let scale = |joints: &HandJoints| joints.map(|joint| joint * factor);
        Self {
            left: self.left.as_ref().map(scale),
            right: self.right.as_ref().map(scale),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_joint_but_the_wrist_has_exactly_one_parent() {
        let mut parents = [0usize; JOINTS_PER_HAND];
        for (_, child) in SKELETON_BONES {
            parents[child] += 1;
        }
        assert_eq!(parents[0], 0);
        assert!(parents[1..].iter().all(|&count| count == 1), "{parents:?}");
    }

    #[test]
    fn fingers_run_from_base_to_tip() {
        assert_eq!(finger_of_joint(0), 0);
        assert_eq!(finger_of_joint(4), 1);
        assert_eq!(finger_of_joint(5), 2);
        assert_eq!(finger_of_joint(20), 5);
        assert!(JOINT_NAMES[4].ends_with("tip") && JOINT_NAMES[20].ends_with("tip"));
    }
}
