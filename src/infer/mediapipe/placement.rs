//! Camera-space placement of MediaPipe hands, in H2O's joint order.
//!
//! MediaPipe's world landmarks are metric (metres) but hand-centred: they carry the
//! hand's shape and orientation, not its position. A hand is placed by putting its
//! wrist on the camera ray through the wrist pixel, at a depth read from a depth map
//! (ground-truth millimetres, or pseudo-depth with a user-set scale) or chosen by the
//! user, and translating the world landmarks with it. The world landmarks' axes are
//! those of the image (x right, y down, z away from the camera), i.e. the camera's
//! axes; the small rotation between the optical axis and the wrist's viewing ray is
//! ignored.
//!
//! Joint order: MediaPipe's 21 landmarks are 0 wrist; 1-4 thumb CMC, MCP, IP, tip;
//! 5-8 index MCP, PIP, DIP, tip; 9-12 middle; 13-16 ring; 17-20 pinky, each from base
//! to tip. H2O/SHARP's order is 0 wrist; thumb 1-4; index 5-8; middle 9-12; ring
//! 13-16; little 17-20, base to tip: the same, so [`MEDIAPIPE_TO_H2O`] is the identity.

use std::fmt;

use glam::{Vec2, Vec3};

use crate::geometry::{CameraIntrinsics, HandJoints, JOINTS_PER_HAND};

/// `MEDIAPIPE_TO_H2O[h]` is the MediaPipe landmark that fills H2O joint `h`.
pub const MEDIAPIPE_TO_H2O: [usize; JOINTS_PER_HAND] = [
    0, // wrist
    1, 2, 3, 4, // thumb CMC, MCP, IP, tip
    5, 6, 7, 8, // index MCP, PIP, DIP, tip
    9, 10, 11, 12, // middle
    13, 14, 15, 16, // ring
    17, 18, 19, 20, // pinky = little
];

/// MediaPipe's names of its 21 landmarks, in its order.
pub const MEDIAPIPE_LANDMARK_NAMES: [&str; JOINTS_PER_HAND] = [
    "WRIST",
    "THUMB_CMC",
    "THUMB_MCP",
    "THUMB_IP",
    "THUMB_TIP",
    "INDEX_FINGER_MCP",
    "INDEX_FINGER_PIP",
    "INDEX_FINGER_DIP",
    "INDEX_FINGER_TIP",
    "MIDDLE_FINGER_MCP",
    "MIDDLE_FINGER_PIP",
    "MIDDLE_FINGER_DIP",
    "MIDDLE_FINGER_TIP",
    "RING_FINGER_MCP",
    "RING_FINGER_PIP",
    "RING_FINGER_DIP",
    "RING_FINGER_TIP",
    "PINKY_MCP",
    "PINKY_PIP",
    "PINKY_DIP",
    "PINKY_TIP",
];

/// Where the wrist depth came from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RootDepth {
    /// A ground-truth depth map (millimetres) around the wrist pixel.
    GroundTruth {
        /// Depth in millimetres.
        depth_mm: f32,
    },
    /// An 8-bit relative inverse depth map (SHARP's `depth_est_low`, bigger = nearer),
    /// turned into millimetres as `scale_mm * 255 / inverse_depth`: `scale_mm` is the
    /// depth the user assigns to the nearest value, 255.
    PseudoDepth {
        /// Inverse-depth value (1..=255) around the wrist pixel.
        inverse_depth: f32,
        /// Depth in millimetres of the value 255.
        scale_mm: f32,
    },
    /// A depth the user set by hand.
    Fixed {
        /// Depth in millimetres.
        depth_mm: f32,
    },
}

impl RootDepth {
    /// The wrist depth in millimetres; `None` when it is not a positive finite number
    /// (no depth measured there, or a zero pseudo-depth).
    pub fn depth_mm(&self) -> Option<f32> {
        let depth = match *self {
            RootDepth::GroundTruth { depth_mm } | RootDepth::Fixed { depth_mm } => depth_mm,
            RootDepth::PseudoDepth {
                inverse_depth,
                scale_mm,
            } => scale_mm * 255.0 / inverse_depth,
        };
        (depth.is_finite() && depth > 0.0).then_some(depth)
    }
}

/// How a hand's root was placed, for the UI.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RootPlacement {
    /// The wrist pixel, in the intrinsics' image.
    pub wrist_pixel: Vec2,
    /// The depth and its source.
    pub depth: RootDepth,
    /// The wrist in camera coordinates, millimetres.
    pub wrist_mm: Vec3,
}

impl fmt::Display for RootPlacement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match self.depth {
            RootDepth::GroundTruth { .. } => "ground-truth depth".to_string(),
            RootDepth::PseudoDepth {
                inverse_depth,
                scale_mm,
            } => format!("pseudo-depth {inverse_depth:.0}/255 x {scale_mm:.0} mm scale"),
            RootDepth::Fixed { .. } => "fixed depth".to_string(),
        };
        write!(
            f,
            "wrist at pixel ({:.0}, {:.0}), z = {:.0} mm from {source}",
            self.wrist_pixel.x, self.wrist_pixel.y, self.wrist_mm.z
        )
    }
}

/// Places a hand in camera space (millimetres, H2O joint order): the wrist on the ray
/// through `wrist_pixel` at `depth`, the other joints at their world-landmark offsets
/// from the wrist. `None` when the depth is unusable (see [`RootDepth::depth_mm`]).
pub fn place_hand(
    world_landmarks_m: &[Vec3; JOINTS_PER_HAND],
    wrist_pixel: Vec2,
    depth: RootDepth,
    intrinsics: &CameraIntrinsics,
) -> Option<(HandJoints, RootPlacement)> {
    let depth_mm = depth.depth_mm()?;
    let wrist_mm = intrinsics.unproject(wrist_pixel, depth_mm);
    let wrist_world = world_landmarks_m[MEDIAPIPE_TO_H2O[0]];
    let joints = MEDIAPIPE_TO_H2O.map(|m| wrist_mm + (world_landmarks_m[m] - wrist_world) * 1000.0);
    Some((
        joints,
        RootPlacement {
            wrist_pixel,
            depth,
            wrist_mm,
        },
    ))
}

/// Median of the non-zero values of `map` (`width` x `height`, row-major) in the
/// `(2 radius + 1)`-pixel square around `pixel`; zeros mean "no measurement" in H2O's
/// depth maps. `None` when the window is outside the map or holds no valid value.
pub fn median_around<T: Copy + Into<f32>>(
    map: &[T],
    width: u32,
    height: u32,
    pixel: Vec2,
    radius: u32,
) -> Option<f32> {
    if map.len() != width as usize * height as usize || !pixel.is_finite() {
        return None;
    }
    let (cx, cy) = (pixel.x.round() as i64, pixel.y.round() as i64);
    let r = i64::from(radius);
    let mut values: Vec<f32> = Vec::new();
    for y in (cy - r).max(0)..=(cy + r).min(i64::from(height) - 1) {
        for x in (cx - r).max(0)..=(cx + r).min(i64::from(width) - 1) {
            let value: f32 = map[y as usize * width as usize + x as usize].into();
            if value > 0.0 {
                values.push(value);
            }
        }
    }
    if values.is_empty() {
        return None;
    }
    values.sort_by(f32::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::{JOINT_NAMES, finger_of_joint};

    #[test]
    fn joint_order_matches_h2o_finger_by_finger() {
        let mediapipe_finger = |name: &str| match name.split('_').next() {
            Some("WRIST") => 0,
            Some("THUMB") => 1,
            Some("INDEX") => 2,
            Some("MIDDLE") => 3,
            Some("RING") => 4,
            Some("PINKY") => 5,
            _ => usize::MAX,
        };
        for (h2o, &mp) in MEDIAPIPE_TO_H2O.iter().enumerate() {
            assert_eq!(
                mediapipe_finger(MEDIAPIPE_LANDMARK_NAMES[mp]),
                finger_of_joint(h2o),
                "H2O {} <- MediaPipe {}",
                JOINT_NAMES[h2o],
                MEDIAPIPE_LANDMARK_NAMES[mp]
            );
            // Tips are tips, on both sides.
            assert_eq!(
                JOINT_NAMES[h2o].ends_with("tip"),
                MEDIAPIPE_LANDMARK_NAMES[mp].ends_with("TIP")
            );
        }
    }

    #[test]
    fn pseudo_depth_scales_inversely() {
        let near = RootDepth::PseudoDepth {
            inverse_depth: 255.0,
            scale_mm: 400.0,
        };
        let far = RootDepth::PseudoDepth {
            inverse_depth: 127.5,
            scale_mm: 400.0,
        };
        assert_eq!(near.depth_mm(), Some(400.0));
        assert_eq!(far.depth_mm(), Some(800.0));
        let none = RootDepth::PseudoDepth {
            inverse_depth: 0.0,
            scale_mm: 400.0,
        };
        assert_eq!(none.depth_mm(), None);
        assert_eq!(RootDepth::GroundTruth { depth_mm: 0.0 }.depth_mm(), None);
    }

    #[test]
    fn median_ignores_missing_measurements() {
        #[rustfmt::skip]
        let map: [u16; 9] = [
            0, 500, 0,
            510, 520, 0,
            0, 0, 900,
        ];
        assert_eq!(
            median_around(&map, 3, 3, Vec2::new(1.0, 1.0), 1),
            Some(515.0)
        );
        assert_eq!(median_around(&map, 3, 3, Vec2::new(0.0, 0.0), 0), None);
        assert_eq!(
            median_around(&map, 3, 3, Vec2::new(2.2, 1.9), 0),
            Some(900.0)
        );
        assert_eq!(median_around(&map, 3, 3, Vec2::new(10.0, 10.0), 1), None);
    }
}
