//! Skeleton colours shared by the viewer and the CPU figure renderer.

use crate::geometry::{Hand, finger_of_joint};

/// Colour of a bone or joint: one hue per finger (wrist grey, thumb red, index orange,
/// middle green, ring blue, little purple); the left hand is drawn lighter.
pub fn joint_rgb(hand: Hand, joint: usize) -> [u8; 3] {
    const FINGERS: [[u8; 3]; 6] = [
        [200, 200, 200],
        [230, 60, 60],
        [240, 150, 30],
        [60, 190, 80],
        [60, 130, 230],
        [170, 80, 220],
    ];
    let base = FINGERS[finger_of_joint(joint)];
    match hand {
        Hand::Right => base,
        // Towards white by 45 %, rounded as egui's `lerp_to_gamma` does.
        Hand::Left => base.map(|c| {
            let t = 0.45;
            ((1.0 - t) * f32::from(c) + t * 255.0 + 0.5) as u8
        }),
    }
}

/// Joints closer than this to the ground truth are drawn in [`GOOD_RGB`] (millimetres).
pub const GOOD_MM: f32 = 20.0;
/// Joints closer than this (and not closer than [`GOOD_MM`]) are drawn in [`FAIR_RGB`];
/// the rest in [`BAD_RGB`] (millimetres).
pub const FAIR_MM: f32 = 50.0;
/// Colour of a joint within [`GOOD_MM`] of the ground truth.
pub const GOOD_RGB: [u8; 3] = [60, 200, 80];
/// Colour of a joint within [`FAIR_MM`] of the ground truth.
pub const FAIR_RGB: [u8; 3] = [240, 210, 40];
/// Colour of a joint beyond [`FAIR_MM`] (or with a non-finite error).
pub const BAD_RGB: [u8; 3] = [230, 50, 50];
/// Colour of the ground-truth object points.
pub const OBJECT_RGB: [u8; 3] = [250, 220, 90];

/// The colour of a joint `error_mm` away from its ground truth.
pub fn error_rgb(error_mm: f32) -> [u8; 3] {
    if error_mm < GOOD_MM {
        GOOD_RGB
    } else if error_mm < FAIR_MM {
        FAIR_RGB
    } else {
        BAD_RGB
    }
}
