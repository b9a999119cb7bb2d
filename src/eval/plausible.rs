//! Bounds that separate real measurements from garbage that still parses as finite
//! numbers (a joint 1e38 m away, fx 1e30): an evaluation leaves such inputs out and
//! says so instead of averaging them in.

use crate::dataset::own_pose::OwnPoseFrame;
use crate::geometry::{CameraIntrinsics, Hand, TwoHands};

/// Farthest an annotated joint may be from the camera, metres (H2O's hands are within
/// arm's reach, about 1 m).
pub const MAX_JOINT_DISTANCE_M: f32 = 10.0;
/// Largest predicted joint depth magnitude, millimetres.
pub const MAX_PREDICTED_DEPTH_MM: f32 = 10_000.0;
/// How many frame sizes a predicted keypoint may lie outside the frame.
const KEYPOINT_FRAMES: f32 = 10.0;
/// Largest focal length, in frame widths (a 0.6 degree field of view).
const MAX_FOCAL_WIDTHS: f32 = 100.0;

/// A value that parses as a finite number but cannot be a real measurement.
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum Implausible {
    /// An annotated joint beyond [`MAX_JOINT_DISTANCE_M`].
    #[error("annotated {hand} hand joint at {joint} m, farther than {MAX_JOINT_DISTANCE_M} m")]
    FarJoint {
        /// "left" or "right".
        hand: &'static str,
        /// The joint, metres.
        joint: glam::Vec3,
    },
    /// A predicted depth beyond [`MAX_PREDICTED_DEPTH_MM`].
    #[error("predicted {hand} hand depth {z_mm} mm, beyond {MAX_PREDICTED_DEPTH_MM} mm")]
    DeepPrediction {
        /// "left" or "right".
        hand: &'static str,
        /// The depth, millimetres.
        z_mm: f32,
    },
    /// A predicted keypoint far off the image.
    #[error("predicted {hand} hand keypoint at {uv} px, {KEYPOINT_FRAMES} frames off the image")]
    FarKeypoint {
        /// "left" or "right".
        hand: &'static str,
        /// The keypoint, pixels.
        uv: glam::Vec2,
    },
    /// Focal lengths that are not positive or absurdly long.
    #[error("focal lengths fx {fx} fy {fy} outside (0, {max_focal}] px")]
    Focal {
        /// Horizontal focal length, pixels.
        fx: f32,
        /// Vertical focal length, pixels.
        fy: f32,
        /// The largest allowed.
        max_focal: f32,
    },
    /// A principal point far outside the frame.
    #[error("principal point ({cx}, {cy}) far outside the {width}x{height} frame")]
    PrincipalPoint {
        /// Horizontal, pixels.
        cx: f32,
        /// Vertical, pixels.
        cy: f32,
        /// Frame width.
        width: u32,
        /// Frame height.
        height: u32,
    },
}

/// Why annotated hands are implausible, if they are.
pub fn check_truth(hands: &TwoHands) -> Result<(), Implausible> {
    for hand in Hand::BOTH {
        if let Some(joints) = hands.get(hand)
            && let Some(joint) = joints
                .iter()
                .find(|joint| joint.length() > MAX_JOINT_DISTANCE_M)
        {
            return Err(Implausible::FarJoint {
                hand: hand.name(),
                joint: *joint,
            });
        }
    }
    Ok(())
}

/// Why a predicted pose file is implausible for a `width` x `height` frame, if it is.
pub fn check_prediction(pose: &OwnPoseFrame, width: u32, height: u32) -> Result<(), Implausible> {
    let (width, height) = (width as f32, height as f32);
    for hand in Hand::BOTH {
        let Some(pose) = pose.get(hand) else { continue };
        if let Some(z) = pose.z_mm.iter().find(|z| z.abs() > MAX_PREDICTED_DEPTH_MM) {
            return Err(Implausible::DeepPrediction {
                hand: hand.name(),
                z_mm: *z,
            });
        }
        if let Some(uv) = pose.uv.iter().find(|uv| {
            uv.x.abs() > KEYPOINT_FRAMES * width || uv.y.abs() > KEYPOINT_FRAMES * height
        }) {
            return Err(Implausible::FarKeypoint {
                hand: hand.name(),
                uv: *uv,
            });
        }
    }
    Ok(())
}

/// Why a camera matrix is implausible, if it is.
pub fn check_intrinsics(k: &CameraIntrinsics) -> Result<(), Implausible> {
    let (width, height) = (k.width as f32, k.height as f32);
    let max_focal = MAX_FOCAL_WIDTHS * width.max(height);
    if !(k.fx > 0.0 && k.fx <= max_focal && k.fy > 0.0 && k.fy <= max_focal) {
        return Err(Implausible::Focal {
            fx: k.fx,
            fy: k.fy,
            max_focal,
        });
    }
    if !((-width..=2.0 * width).contains(&k.cx) && (-height..=2.0 * height).contains(&k.cy)) {
        return Err(Implausible::PrincipalPoint {
            cx: k.cx,
            cy: k.cy,
            width: k.width,
            height: k.height,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::{Vec2, Vec3};

    #[test]
    fn real_values_pass_and_garbage_does_not() {
        assert!(check_intrinsics(&CameraIntrinsics::H2O_CAM4_DEFAULT).is_ok());
        let absurd = CameraIntrinsics {
            fx: 1e30,
            ..CameraIntrinsics::H2O_CAM4_DEFAULT
        };
        assert!(check_intrinsics(&absurd).is_err());

        let mut hands = TwoHands::default();
        hands.set(Hand::Left, Some([Vec3::new(0.1, 0.0, 0.5); 21]));
        assert!(check_truth(&hands).is_ok());
        hands.set(Hand::Right, Some([Vec3::new(0.0, 0.0, 1e38); 21]));
        assert!(check_truth(&hands).is_err());

        let hand = crate::dataset::own_pose::OwnHandPose {
            uv: [Vec2::new(600.0, 300.0); 21],
            z_mm: [450.0; 21],
        };
        let mut pose = OwnPoseFrame {
            left: Some(hand),
            right: None,
        };
        assert!(check_prediction(&pose, 1280, 720).is_ok());
        pose.right = Some(crate::dataset::own_pose::OwnHandPose {
            z_mm: [1e38; 21],
            ..hand
        });
        assert!(check_prediction(&pose, 1280, 720).is_err());
    }
}
