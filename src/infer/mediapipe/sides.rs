//! One hand per side. MediaPipe's handedness head labels every hand on its own, so two
//! hands found in one frame can both come back "left". A subject has one hand of each
//! side, so two separate hands that share a label are told apart by where they are:
//! seen from the wearer's head (or in a mirrored selfie) the left hand is the one further
//! to the image's left, seen by a camera facing the subject the one further right. On
//! the generated sample the classifier's own scores point the wrong way in 7 of the 10
//! frames where both hands share a label, while their places are right in all 10. Two
//! hands whose regions overlap by more than MediaPipe's own association threshold are
//! one hand found twice: the more present one stays and the other is left out.

use std::fmt;

use super::tracking::ASSOCIATION_IOU;
use super::{DetectedHand, Viewpoint};
use crate::geometry::Hand;

/// What [`assign_sides`] changed about MediaPipe's labels in one frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SideConflict {
    /// Two separate hands had the same label; the one on the wrong side of the other for
    /// that label was given the other side.
    Relabelled {
        /// The side it now has.
        to: Hand,
    },
    /// Two hands lay on top of each other; the less present one was left out.
    Duplicate {
        /// The label both had.
        side: Hand,
        /// The presence of the one left out.
        presence: f32,
    },
}

impl fmt::Display for SideConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Relabelled { to } => write!(
                f,
                "MediaPipe labelled both hands {}; the one on the {} hand's side of the image \
                 was taken as the {} hand",
                to.other().name(),
                to.name(),
                to.name()
            ),
            Self::Duplicate { side, presence } => write!(
                f,
                "MediaPipe found the {} hand twice; the less present copy ({presence:.2}) is \
                 left out",
                side.name()
            ),
        }
    }
}

/// The hands of one frame with at most one per side, and what was changed to get there.
#[derive(Debug)]
pub struct Sides<'a> {
    /// Each kept hand with the side it stands for.
    pub hands: Vec<(Hand, &'a DetectedHand)>,
    /// What differs from MediaPipe's own labels.
    pub conflicts: Vec<SideConflict>,
}

/// Gives each hand MediaPipe found in a frame seen from `viewpoint` a side of its own
/// (see the module's description).
pub fn assign_sides(found: &[DetectedHand], viewpoint: Viewpoint) -> Sides<'_> {
    let mut by_presence: Vec<&DetectedHand> = found.iter().collect();
    by_presence.sort_by(|a, b| b.presence.total_cmp(&a.presence));
    let mut sides = Sides {
        hands: Vec::new(),
        conflicts: Vec::new(),
    };
    for hand in by_presence {
        let label = hand.handedness.hand;
        let Some(holder_index) = sides.hands.iter().position(|(side, _)| *side == label) else {
            sides.hands.push((label, hand));
            continue;
        };
        let holder = sides.hands[holder_index].1;
        let other_free = !sides.hands.iter().any(|(side, _)| *side == label.other());
        if !other_free || holder.roi.iou(&hand.roi) > ASSOCIATION_IOU {
            sides.conflicts.push(SideConflict::Duplicate {
                side: label,
                presence: hand.presence,
            });
            continue;
        }
        // The label stays with whichever of the two lies on its side of the other.
        let left_on_image_left = viewpoint.keeps_mediapipe_label();
        let hand_further_left = hand.landmarks_px[0].x < holder.landmarks_px[0].x;
        let hand_is_left = hand_further_left == left_on_image_left;
        let hand_side = if hand_is_left {
            Hand::Left
        } else {
            Hand::Right
        };
        if hand_side == label {
            sides.hands[holder_index].0 = label.other();
        }
        sides.hands.push((hand_side, hand));
        sides
            .conflicts
            .push(SideConflict::Relabelled { to: label.other() });
    }
    sides
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use glam::{Vec2, Vec3};

    use super::*;
    use crate::geometry::JOINTS_PER_HAND;
    use crate::infer::mediapipe::{Handedness, NormRect, RoiSource};

    /// A hand with a 0.2-wide region centred at `x_center` (fraction of a 1000 px
    /// frame), its wrist there.
    fn hand(label: Hand, presence: f32, x_center: f32) -> DetectedHand {
        DetectedHand {
            landmarks_px: [Vec2::new(x_center * 1000.0, 500.0); JOINTS_PER_HAND],
            landmarks: [Vec3::ZERO; JOINTS_PER_HAND],
            world_landmarks_m: [Vec3::ZERO; JOINTS_PER_HAND],
            presence,
            handedness: Handedness {
                hand: label,
                score: 0.8,
                mediapipe_label: label,
            },
            roi: NormRect {
                x_center,
                y_center: 0.5,
                width: 0.2,
                height: 0.2,
                rotation: 0.0,
            },
            roi_source: RoiSource::PalmDetection,
            landmark_time: Duration::ZERO,
        }
    }

    #[test]
    fn hands_with_their_own_labels_are_kept_as_they_are() {
        let found = [hand(Hand::Right, 0.9, 0.7), hand(Hand::Left, 0.9, 0.3)];
        let sides = assign_sides(&found, Viewpoint::Egocentric);
        assert!(sides.conflicts.is_empty());
        assert_eq!(sides.hands.len(), 2);
        for (side, hand) in sides.hands {
            assert_eq!(side, hand.handedness.hand);
        }
    }

    /// The side each hand got, by the x of its region's centre.
    fn side_at(sides: &Sides<'_>, x_center: f32) -> Option<Hand> {
        sides
            .hands
            .iter()
            .find(|(_, hand)| hand.roi.x_center == x_center)
            .map(|(side, _)| *side)
    }

    #[test]
    fn two_separate_hands_labelled_alike_are_told_apart_by_place() {
        // Both labelled right, the more present one on the image's left.
        let found = [hand(Hand::Right, 0.99, 0.3), hand(Hand::Right, 0.8, 0.7)];
        let egocentric = assign_sides(&found, Viewpoint::Egocentric);
        assert_eq!(side_at(&egocentric, 0.3), Some(Hand::Left));
        assert_eq!(side_at(&egocentric, 0.7), Some(Hand::Right));
        assert_eq!(
            egocentric.conflicts,
            vec![SideConflict::Relabelled { to: Hand::Left }]
        );
        let mirrored = assign_sides(&found, Viewpoint::FacingUserMirrored);
        assert_eq!(side_at(&mirrored, 0.3), Some(Hand::Left));
        // A camera facing the subject sees the left hand on the image's right.
        let facing = assign_sides(&found, Viewpoint::FacingUser);
        assert_eq!(side_at(&facing, 0.3), Some(Hand::Right));
        assert_eq!(side_at(&facing, 0.7), Some(Hand::Left));
    }

    #[test]
    fn one_hand_found_twice_keeps_the_more_present_copy() {
        let found = [hand(Hand::Left, 0.7, 0.50), hand(Hand::Left, 0.95, 0.52)];
        let sides = assign_sides(&found, Viewpoint::Egocentric);
        assert_eq!(sides.hands.len(), 1);
        assert_eq!(sides.hands[0].0, Hand::Left);
        assert_eq!(sides.hands[0].1.presence, 0.95);
        assert_eq!(
            sides.conflicts,
            vec![SideConflict::Duplicate {
                side: Hand::Left,
                presence: 0.7
            }]
        );
    }
}
