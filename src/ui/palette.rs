//! Colours shared by the 2D overlay and the 3D view.

use egui::Color32;

use crate::geometry::Hand;

/// Colour of a bone or joint: one hue per finger (wrist grey, thumb red, index orange,
/// middle green, ring blue, little purple); the left hand is drawn lighter.
pub fn joint_color(hand: Hand, joint: usize) -> Color32 {
    let [r, g, b] = crate::viz::joint_rgb(hand, joint);
    Color32::from_rgb(r, g, b)
}

/// Colour of an action segment on the timeline, one hue per action id.
pub fn action_color(action: u32) -> Color32 {
    if action == 0 {
        return Color32::from_gray(70);
    }
    let [r, g, b] = crate::viz::turbo((action as f32 * 0.618_034).fract() * 0.8 + 0.1);
    Color32::from_rgb(r, g, b)
}

/// Colour of object points in the 3D view.
pub const OBJECT_COLOR: Color32 = Color32::from_rgb(250, 220, 90);
