//! Parsers for the per-frame annotation files and `cam_intrinsics.txt`.

use std::path::Path;

use glam::{Mat4, Vec3};

use super::numbers::{parse_label, parse_numbers, whole_number};
use super::{ContentError, DatasetError, FrameKind};
use crate::geometry::{CameraIntrinsics, HandJoints, JOINTS_PER_HAND, TwoHands};

/// Number of 3D points in an H2O object pose.
pub const OBJECT_POINTS: usize = 21;

/// An object's class and its 21 3D points, in metres in the camera frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ObjectPose {
    /// Object class id (1 book .. 8 cappuccino; 0 none).
    pub class_id: u32,
    /// The 21 object points.
    pub points: [Vec3; OBJECT_POINTS],
}

/// An object's class and its object-to-camera transform.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ObjectPoseRt {
    /// Object class id.
    pub class_id: u32,
    /// Object-to-camera transform (metres).
    pub object_to_camera: Mat4,
}

/// Parses an H2O `hand_pose` file: per hand a presence flag (0 or 1) and 21 joints in
/// metres; a hand whose flag is 0 is `None`.
pub fn parse_hand_pose(text: &str) -> Result<TwoHands, ContentError> {
    let what = FrameKind::HandPose.describe();
    let values = parse_numbers(text, 128, &what)?;
    let mut hands = TwoHands::default();
    for hand in crate::geometry::Hand::BOTH {
        let block = &values[hand.index() * 64..(hand.index() + 1) * 64];
        let flag = block[0];
        if flag != 0.0 && flag != 1.0 {
            return Err(ContentError::Rule {
                what,
                rule: format!(
                    "{} hand flag (value {}) must be 0 or 1, found {flag}",
                    hand.name(),
                    hand.index() * 64 + 1
                ),
            });
        }
        if flag == 1.0 {
            hands.set(hand, Some(joints_from(&block[1..])));
        }
    }
    Ok(hands)
}

/// Parses an H2O `obj_pose` file: class id then 21 points (metres).
pub fn parse_object_pose(text: &str) -> Result<ObjectPose, ContentError> {
    let what = FrameKind::ObjectPose.describe();
    let values = parse_numbers(text, 64, &what)?;
    let class_id = whole_number(values[0], &format!("{what}: object class id"))?;
    let mut points = [Vec3::ZERO; OBJECT_POINTS];
    for (point, xyz) in points.iter_mut().zip(values[1..].chunks_exact(3)) {
        *point = Vec3::new(xyz[0], xyz[1], xyz[2]);
    }
    Ok(ObjectPose { class_id, points })
}

/// Parses an H2O `obj_pose_rt` file: class id then a row-major 4x4 matrix.
pub fn parse_object_pose_rt(text: &str) -> Result<ObjectPoseRt, ContentError> {
    let what = FrameKind::ObjectPoseRt.describe();
    let values = parse_numbers(text, 17, &what)?;
    let class_id = whole_number(values[0], &format!("{what}: object class id"))?;
    Ok(ObjectPoseRt {
        class_id,
        object_to_camera: matrix_from_row_major(&values[1..]),
    })
}

/// Parses an H2O `cam_pose` file: a row-major 4x4 camera-to-world matrix.
pub fn parse_camera_pose(text: &str) -> Result<Mat4, ContentError> {
    let values = parse_numbers(text, 16, &FrameKind::CameraPose.describe())?;
    Ok(matrix_from_row_major(&values))
}

/// Parses a `hand_pose_mano` file (124 MANO numbers), kept only for validation.
pub fn parse_mano(text: &str) -> Result<Vec<f32>, ContentError> {
    parse_numbers(text, 124, &FrameKind::HandPoseMano.describe())
}

/// Parses an `action_label` or `verb_label` file.
pub fn parse_frame_label(text: &str, kind: FrameKind) -> Result<u32, ContentError> {
    parse_label(text, &kind.describe())
}

/// Parses `cam_intrinsics.txt`: `fx fy cx cy width height`.
pub fn parse_intrinsics(text: &str) -> Result<CameraIntrinsics, ContentError> {
    let what = "H2O cam_intrinsics (fx fy cx cy width height)";
    let values = parse_numbers(text, 6, what)?;
    let intrinsics = CameraIntrinsics {
        fx: values[0],
        fy: values[1],
        cx: values[2],
        cy: values[3],
        width: whole_number(values[4], &format!("{what}: width"))?,
        height: whole_number(values[5], &format!("{what}: height"))?,
    };
    if intrinsics.fx <= 0.0
        || intrinsics.fy <= 0.0
        || intrinsics.width == 0
        || intrinsics.height == 0
    {
        return Err(ContentError::Rule {
            what: what.to_owned(),
            rule: format!("focal lengths and image size must be positive, found {values:?}"),
        });
    }
    Ok(intrinsics)
}

/// Reads and parses one file with `parse`, attaching the path to any error.
pub fn read_with<T>(
    path: &Path,
    parse: impl FnOnce(&str) -> Result<T, ContentError>,
) -> Result<T, DatasetError> {
    let text = std::fs::read_to_string(path).map_err(|source| DatasetError::io(path, source))?;
    parse(&text).map_err(|error| DatasetError::parse(path, error.to_string()))
}

fn joints_from(values: &[f32]) -> HandJoints {
    let mut joints = [Vec3::ZERO; JOINTS_PER_HAND];
    for (joint, xyz) in joints.iter_mut().zip(values.chunks_exact(3)) {
        *joint = Vec3::new(xyz[0], xyz[1], xyz[2]);
    }
    joints
}

fn matrix_from_row_major(values: &[f32]) -> Mat4 {
    let mut array = [0.0f32; 16];
    array.copy_from_slice(&values[..16]);
    Mat4::from_cols_array(&array).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hand_pose_text(left_flag: f32, right_flag: f32) -> String {
        let mut values = vec![left_flag];
        values.extend((0..63).map(|i| i as f32 * 0.01));
        values.push(right_flag);
        values.extend((0..63).map(|i| 1.0 + i as f32 * 0.01));
        values
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn hand_pose_flags_gate_each_hand() {
        let hands = parse_hand_pose(&hand_pose_text(0.0, 1.0)).expect("valid");
        assert!(hands.left.is_none());
        let right = hands.right.expect("right annotated");
        assert!(
            right[0].abs_diff_eq(Vec3::new(1.0, 1.01, 1.02), 1e-6),
            "{}",
            right[0]
        );
        assert!(
            right[20].abs_diff_eq(Vec3::new(1.6, 1.61, 1.62), 1e-6),
            "{}",
            right[20]
        );
    }

    #[test]
    fn hand_pose_rejects_a_flag_that_is_not_0_or_1() {
        let error = parse_hand_pose(&hand_pose_text(0.5, 1.0))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("left hand flag") && error.contains("0.5"),
            "{error}"
        );
    }

    #[test]
    fn row_major_matrices_keep_translation_in_the_last_column() {
        let text = "1 0 0 0.1  0 1 0 0.2  0 0 1 0.3  0 0 0 1";
        let matrix = parse_camera_pose(text).expect("valid");
        assert_eq!(
            matrix.transform_point3(Vec3::ZERO),
            Vec3::new(0.1, 0.2, 0.3)
        );
    }

    #[test]
    fn object_pose_needs_a_whole_class_id() {
        let mut values = vec!["5".to_owned()];
        values.extend((0..63).map(|i| format!("{}", i as f32 * 0.1)));
        let pose = parse_object_pose(&values.join(" ")).expect("valid");
        assert_eq!(pose.class_id, 5);
        assert_eq!(pose.points[1], Vec3::new(0.3, 0.4, 0.5));
        values[0] = "5.5".into();
        assert!(
            parse_object_pose(&values.join(" "))
                .unwrap_err()
                .to_string()
                .contains("class id")
        );
    }

    #[test]
    fn intrinsics_parse_and_validate() {
        let k = parse_intrinsics("636.6593 636.252 635.2839 366.874 1280 720").expect("valid");
        assert_eq!((k.width, k.height), (1280, 720));
        assert!(
            parse_intrinsics("0 636 635 366 1280 720")
                .unwrap_err()
                .to_string()
                .contains("positive")
        );
        assert!(
            parse_intrinsics("636 636 635 366 1280")
                .unwrap_err()
                .to_string()
                .contains("too short")
        );
    }
}
