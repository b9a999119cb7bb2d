//! Camera model and hand skeleton shared by every stage.

mod intrinsics;
mod skeleton;

pub use intrinsics::{CameraIntrinsics, H2O_FRAME_HEIGHT, H2O_FRAME_WIDTH};
pub use skeleton::{
    Hand, HandJoints, JOINTS_PER_HAND, JOINT_NAMES, SKELETON_BONES, TwoHands, finger_of_joint,
};
