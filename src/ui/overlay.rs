//! 2D skeletons drawn over an image panel: ground truth thin and grey, predictions in
//! finger colours or coloured by each joint's error.

use egui::{Color32, Painter, Pos2, Rect, Stroke, pos2};

use super::palette::joint_color;
use super::pose_error::JointColors;
use crate::chain::PoseOutcome;
use crate::geometry::{CameraIntrinsics, Hand, JOINTS_PER_HAND, SKELETON_BONES, TwoHands};

/// Colour of ground-truth skeletons.
pub const GROUND_TRUTH_COLOR: Color32 = Color32::from_rgb(235, 235, 235);

/// How a skeleton is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkeletonStyle {
    /// Thin light lines: the annotation to compare against.
    GroundTruth,
    /// Finger colours: the network's answer.
    Predicted,
    /// The network's answer, each joint (and the bone to it) in its own colour: the
    /// joint's error against the ground truth.
    PerJoint([Color32; JOINTS_PER_HAND]),
}

/// Draws ground-truth hands (joints in metres, camera frame) projected with
/// `intrinsics` onto the screen rectangle `image_rect` where the frame is shown.
pub fn draw_ground_truth_hands(
    painter: &Painter,
    image_rect: Rect,
    intrinsics: &CameraIntrinsics,
    hands: &TwoHands,
) {
    let scale = (
        image_rect.width() / intrinsics.width as f32,
        image_rect.height() / intrinsics.height as f32,
    );
    for (hand, joints) in hands.present() {
        let points: Vec<Option<Pos2>> = joints
            .iter()
            .map(|joint| {
                intrinsics.project(*joint).map(|pixel| {
                    pos2(
                        image_rect.left() + pixel.x * scale.0,
                        image_rect.top() + pixel.y * scale.1,
                    )
                })
            })
            .collect();
        draw_hand(
            painter,
            image_rect,
            &points,
            hand,
            SkeletonStyle::GroundTruth,
        );
    }
}

/// Draws the hands the pose network found present; a hand with colours in `errors` is
/// drawn in them, the others in finger colours.
pub fn draw_predicted_hands(
    painter: &Painter,
    image_rect: Rect,
    pose: &PoseOutcome,
    errors: Option<&JointColors>,
) {
    let scale = (
        image_rect.width() / pose.frame_size.width as f32,
        image_rect.height() / pose.frame_size.height as f32,
    );
    for hand in Hand::BOTH {
        if !pose.prediction.presence(hand).present {
            continue;
        }
        let first = hand.index() * JOINTS_PER_HAND;
        let points: Vec<Option<Pos2>> = pose.prediction.keypoints[first..first + JOINTS_PER_HAND]
            .iter()
            .map(|p| {
                Some(pos2(
                    image_rect.left() + p.x * scale.0,
                    image_rect.top() + p.y * scale.1,
                ))
            })
            .collect();
        draw_hand(
            painter,
            image_rect,
            &points,
            hand,
            predicted_style(hand, errors),
        );
    }
}

/// How a predicted `hand` is drawn: in its error colours when `errors` has them.
pub fn predicted_style(hand: Hand, errors: Option<&JointColors>) -> SkeletonStyle {
    errors
        .and_then(|colors| colors[hand.index()])
        .map_or(SkeletonStyle::Predicted, SkeletonStyle::PerJoint)
}

/// Draws one hand's bones and joints from screen points (`None` = not drawable).
pub fn draw_hand(
    painter: &Painter,
    image_rect: Rect,
    points: &[Option<Pos2>],
    hand: Hand,
    style: SkeletonStyle,
) {
    let width = (image_rect.width() / 400.0).clamp(1.0, 3.0);
    let (line_width, radius) = match style {
        SkeletonStyle::GroundTruth => (width * 0.6, width * 1.1),
        SkeletonStyle::Predicted | SkeletonStyle::PerJoint(_) => (width, width * 1.6),
    };
    let color = |joint: usize| match style {
        SkeletonStyle::GroundTruth => GROUND_TRUTH_COLOR,
        SkeletonStyle::Predicted => joint_color(hand, joint),
        SkeletonStyle::PerJoint(colors) => colors.get(joint).copied().unwrap_or(Color32::GRAY),
    };
    for (parent, child) in SKELETON_BONES {
        if let (Some(Some(a)), Some(Some(b))) = (points.get(parent), points.get(child)) {
            painter.line_segment([*a, *b], Stroke::new(line_width, color(child)));
        }
    }
    for (joint, point) in points.iter().enumerate() {
        if let Some(point) = point {
            painter.circle_filled(*point, radius, color(joint));
        }
    }
}
