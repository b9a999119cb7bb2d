//! Handedness agreement: how often a predicted hand's label (left or right) names the
//! annotated hand it lies on. A predicted hand is matched to the annotated hand whose 2D
//! keypoints are nearest (mean distance over the 21 joints); it agrees when that hand
//! has the same label. A swapped left/right convention shows as agreement near 0, labels
//! at random as about 0.5.

use glam::Vec2;
use serde::Serialize;

use crate::geometry::{CameraIntrinsics, Hand, JOINTS_PER_HAND, TwoHands};

/// Below this share of agreeing hands the commands warn that the labels look wrong.
pub const HANDEDNESS_WARNING: f64 = 0.95;

/// Counts of predicted hands compared with the annotations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HandednessTally {
    /// Predicted hands in frames with at least one annotated hand.
    pub compared: usize,
    /// Those whose nearest annotated hand has their label.
    pub agreeing: usize,
}

impl HandednessTally {
    /// Compares the predicted keypoints (frame pixels; `None` = predicted absent) of one
    /// frame with its annotated hands (metres).
    pub fn add(
        &mut self,
        predicted: [Option<&[Vec2; JOINTS_PER_HAND]>; 2],
        truth: &TwoHands,
        intrinsics: &CameraIntrinsics,
    ) {
        let annotated: Vec<(Hand, [Vec2; JOINTS_PER_HAND])> = Hand::BOTH
            .into_iter()
            .filter_map(|hand| {
                let joints = truth.get(hand)?;
                let mut pixels = [Vec2::ZERO; JOINTS_PER_HAND];
                for (pixel, joint) in pixels.iter_mut().zip(joints) {
                    *pixel = intrinsics.project(*joint)?;
                }
                Some((hand, pixels))
            })
            .collect();
        for hand in Hand::BOTH {
            let Some(keypoints) = predicted[hand.index()] else {
                continue;
            };
            let nearest = annotated
                .iter()
                .map(|(label, pixels)| (*label, mean_distance(keypoints, pixels)))
                .min_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((label, _)) = nearest {
                self.compared += 1;
                self.agreeing += usize::from(label == hand);
            }
        }
    }

    /// The share of compared hands that agree, when any were compared.
    pub fn agreement(&self) -> Option<f64> {
        (self.compared > 0).then(|| self.agreeing as f64 / self.compared as f64)
    }
}

fn mean_distance(a: &[Vec2; JOINTS_PER_HAND], b: &[Vec2; JOINTS_PER_HAND]) -> f32 {
    a.iter().zip(b).map(|(a, b)| a.distance(*b)).sum::<f32>() / JOINTS_PER_HAND as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::Vec3;

    #[test]
    fn a_hand_agrees_when_the_nearest_annotated_hand_has_its_label() {
        let k = CameraIntrinsics::H2O_CAM4_DEFAULT;
        let at = |x: f32| [Vec3::new(x, 0.0, 0.5); JOINTS_PER_HAND];
        let mut truth = TwoHands::default();
        truth.set(Hand::Left, Some(at(-0.1)));
        truth.set(Hand::Right, Some(at(0.1)));
        let pixels = |x: f32| at(x).map(|joint| k.project(joint).expect("in front"));
        let (left, right) = (pixels(-0.1), pixels(0.1));

        let mut right_way = HandednessTally::default();
        right_way.add([Some(&left), Some(&right)], &truth, &k);
        assert_eq!(right_way.agreement(), Some(1.0));

        let mut swapped = HandednessTally::default();
        swapped.add([Some(&right), Some(&left)], &truth, &k);
        assert_eq!(swapped.agreement(), Some(0.0));

        let mut nothing = HandednessTally::default();
        nothing.add([Some(&left), None], &TwoHands::default(), &k);
        assert_eq!(nothing.agreement(), None);
    }
}
