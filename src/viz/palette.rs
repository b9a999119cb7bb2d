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
