//! 2D skeleton drawn over an image panel.

use egui::{Painter, Pos2, Rect, Stroke, pos2};

use super::palette::joint_color;
use crate::geometry::{CameraIntrinsics, SKELETON_BONES, TwoHands};

/// Draws both hands (joints in metres, camera frame) projected with `intrinsics` onto
/// the part of the screen `image_rect` where the frame is shown.
pub fn draw_hands_2d(
    painter: &Painter,
    image_rect: Rect,
    intrinsics: &CameraIntrinsics,
    hands: &TwoHands,
) {
    let scale_x = image_rect.width() / intrinsics.width as f32;
    let scale_y = image_rect.height() / intrinsics.height as f32;
    let to_screen = |point: glam::Vec3| -> Option<Pos2> {
        let pixel = intrinsics.project(point)?;
        Some(pos2(
            image_rect.left() + pixel.x * scale_x,
            image_rect.top() + pixel.y * scale_y,
        ))
    };
    let width = (image_rect.width() / 400.0).clamp(1.0, 3.0);
    for (hand, joints) in hands.present() {
        let points: Vec<Option<Pos2>> = joints.iter().map(|joint| to_screen(*joint)).collect();
        for (parent, child) in SKELETON_BONES {
            if let (Some(a), Some(b)) = (points[parent], points[child]) {
                painter.line_segment([a, b], Stroke::new(width, joint_color(hand, child)));
            }
        }
        for (joint, point) in points.iter().enumerate() {
            if let Some(point) = point {
                painter.circle_filled(*point, width * 1.5, joint_color(hand, joint));
            }
        }
    }
}
