//! The 135 numbers per frame the action network reads (SHARP datasets/h2o.py
//! `H2O_actions` and `concatenate_and_normalise`).
//!
//! Layout: for each of the 42 joints (left hand 0-20, right hand 0-20) `u / W`, `v / H`
//! and `z` in metres (126 values); the object box as the corners (xmin, ymin),
//! (xmax, ymin), (xmin, ymax), (xmax, ymax), each divided by (W, H) (8 values); the
//! object class id (1 value). `W x H` is the frame size the pixel coordinates refer to
//! (SHARP: 1280x720). An absent or unannotated hand is all zeros; no object is a zero box
//! and id 0 (the classifier was trained with such parts randomly dropped).

use glam::{Vec2, Vec3};

use super::action::ACTION_FEATURES;
use super::metadata::FrameSize;
use super::pose_decode::PosePrediction;
use crate::dataset::annotations::ObjectPose;
use crate::geometry::{CameraIntrinsics, Hand, JOINTS_PER_HAND, TwoHands};

/// One hand as the action network sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HandKeypoints {
    /// Joint positions in frame pixels.
    pub uv: [Vec2; JOINTS_PER_HAND],
    /// Joint depths in metres.
    pub z_m: [f32; JOINTS_PER_HAND],
}

/// An object's image-space bounding box and class.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ObjectBox {
    /// H2O object class id (1 book .. 8 cappuccino).
    pub class_id: u32,
    /// Top-left corner (xmin, ymin), pixels.
    pub min: Vec2,
    /// Bottom-right corner (xmax, ymax), pixels.
    pub max: Vec2,
}

impl ObjectBox {
    /// The box of an H2O object pose: its 21 points projected with `intrinsics`, as SHARP
    /// does with ground-truth objects. `None` for class 0 (no object) or when no point
    /// lies in front of the camera; points behind the camera are left out.
    pub fn from_pose(pose: &ObjectPose, intrinsics: &CameraIntrinsics) -> Option<Self> {
        if pose.class_id == 0 {
            return None;
        }
        let mut projected = pose.points.iter().filter_map(|&p| project(intrinsics, p));
        let first = projected.next()?;
        let (min, max) = projected.fold((first, first), |(min, max), (u, v)| {
            ((min.0.min(u), min.1.min(v)), (max.0.max(u), max.1.max(v)))
        });
        Some(Self {
            class_id: pose.class_id,
            min: Vec2::new(min.0 as f32, min.1 as f32),
            max: Vec2::new(max.0 as f32, max.1 as f32),
        })
    }
}

/// Everything the action network reads from one frame.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ActionFrame {
    /// The left hand, if present.
    pub left: Option<HandKeypoints>,
    /// The right hand, if present.
    pub right: Option<HandKeypoints>,
    /// The object, if any.
    pub object: Option<ObjectBox>,
}

impl ActionFrame {
    /// From 3D hand joints in **metres** (e.g. H2O `hand_pose`) projected with
    /// `intrinsics`, and an optional H2O object pose: SHARP's ground-truth input
    /// (`hand_pose_type: gt_hand_pose`, `obj_pose_type: GT`). A joint behind the camera,
    /// which cannot be projected, contributes zeros.
    pub fn from_joints(
        hands: &TwoHands,
        object: Option<&ObjectPose>,
        intrinsics: &CameraIntrinsics,
    ) -> Self {
        let keypoints = |joints: &[Vec3; JOINTS_PER_HAND]| {
            let mut hand = HandKeypoints {
                uv: [Vec2::ZERO; JOINTS_PER_HAND],
                z_m: [0.0; JOINTS_PER_HAND],
            };
            for (j, &joint) in joints.iter().enumerate() {
                if let Some((u, v)) = project(intrinsics, joint) {
                    hand.uv[j] = Vec2::new(u as f32, v as f32);
                    hand.z_m[j] = joint.z;
                }
            }
            hand
        };
        Self {
            left: hands.left.as_ref().map(keypoints),
            right: hands.right.as_ref().map(keypoints),
            object: object.and_then(|pose| ObjectBox::from_pose(pose, intrinsics)),
        }
    }

    /// From the pose network's prediction: keypoints in pixels and `z / 1000` (SHARP's
    /// own-pose input). Unlike SHARP, whose pose files are not gated, a hand predicted
    /// absent contributes zeros, as section 5 of the spec asks.
    pub fn from_pose(pose: &PosePrediction, object: Option<ObjectBox>) -> Self {
        let hand = |hand: Hand| {
            pose.presence(hand).present.then(|| {
                let first = hand.index() * JOINTS_PER_HAND;
                HandKeypoints {
                    uv: std::array::from_fn(|j| pose.keypoints[first + j]),
                    z_m: std::array::from_fn(|j| pose.z_mm[first + j] / 1000.0),
                }
            })
        };
        Self {
            left: hand(Hand::Left),
            right: hand(Hand::Right),
            object,
        }
    }

    /// The 135 features, normalising pixels by `frame_size` (1280x720 for H2O and for the
    /// pose network's keypoints).
    pub fn features(&self, frame_size: FrameSize) -> [f32; ACTION_FEATURES] {
        let (width, height) = (f64::from(frame_size.width), f64::from(frame_size.height));
        let norm = |p: Vec2| [f64::from(p.x) / width, f64::from(p.y) / height];
        let mut features = [0.0f32; ACTION_FEATURES];
        for (hand_index, hand) in [self.left, self.right].into_iter().enumerate() {
            let Some(hand) = hand else { continue };
            for j in 0..JOINTS_PER_HAND {
                let [u, v] = norm(hand.uv[j]);
                let at = (hand_index * JOINTS_PER_HAND + j) * 3;
                features[at] = u as f32;
                features[at + 1] = v as f32;
                features[at + 2] = hand.z_m[j];
            }
        }
        if let Some(object) = self.object {
            let corners = [
                Vec2::new(object.min.x, object.min.y),
                Vec2::new(object.max.x, object.min.y),
                Vec2::new(object.min.x, object.max.y),
                Vec2::new(object.max.x, object.max.y),
            ];
            let box_start = 2 * JOINTS_PER_HAND * 3;
            for (i, corner) in corners.into_iter().enumerate() {
                let [u, v] = norm(corner);
                features[box_start + 2 * i] = u as f32;
                features[box_start + 2 * i + 1] = v as f32;
            }
            features[ACTION_FEATURES - 1] = object.class_id as f32;
        }
        features
    }
}

/// SHARP's `project_points_3D_to_2D` for one point in float64: `(xyz @ K^T)[:2] / z`.
/// `None` for points on or behind the image plane.
fn project(k: &CameraIntrinsics, point: Vec3) -> Option<(f64, f64)> {
    let (x, y, z) = (f64::from(point.x), f64::from(point.y), f64::from(point.z));
    if z.is_nan() || z <= 0.0 {
        return None;
    }
    let u = f64::from(k.fx) * x + f64::from(k.cx) * z;
    let v = f64::from(k.fy) * y + f64::from(k.cy) * z;
    Some((u / z, v / z))
}

#[cfg(test)]
mod tests {
    use super::*;

    const H2O: FrameSize = FrameSize {
        width: 1280,
        height: 720,
    };

    #[test]
    fn nothing_present_is_all_zeros() {
        assert_eq!(ActionFrame::default().features(H2O), [0.0; ACTION_FEATURES]);
    }

    #[test]
    fn the_right_hand_fills_the_second_block_and_the_object_the_tail() {
        let hand = HandKeypoints {
            uv: [Vec2::new(640.0, 360.0); JOINTS_PER_HAND],
            z_m: [0.5; JOINTS_PER_HAND],
        };
        let frame = ActionFrame {
            left: None,
            right: Some(hand),
            object: Some(ObjectBox {
                class_id: 3,
                min: Vec2::new(128.0, 72.0),
                max: Vec2::new(1280.0, 360.0),
            }),
        };
        let features = frame.features(H2O);
        assert!(features[..63].iter().all(|&f| f == 0.0));
        assert_eq!(&features[63..66], &[0.5, 0.5, 0.5]);
        assert_eq!(
            &features[126..],
            &[0.1, 0.1, 1.0, 0.1, 0.1, 0.5, 1.0, 0.5, 3.0]
        );
    }

    #[test]
    fn points_behind_the_camera_are_left_out_of_the_box() {
        let k = CameraIntrinsics::H2O_CAM4_DEFAULT;
        let mut points = [Vec3::new(0.0, 0.0, 0.5); 21];
        points[1] = Vec3::new(0.1, 0.1, 0.5);
        points[2] = Vec3::new(5.0, 5.0, -0.5);
        let object = ObjectBox::from_pose(
            &ObjectPose {
                class_id: 2,
                points,
            },
            &k,
        )
        .expect("box");
        assert_eq!(object.min, Vec2::new(k.cx, k.cy));
        assert!(object.max.x < 1280.0 && object.max.y < 720.0);
        let none = ObjectPose {
            class_id: 0,
            points,
        };
        assert_eq!(ObjectBox::from_pose(&none, &k), None);
    }
}
