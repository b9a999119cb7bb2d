//! Camera model and hand skeleton shared by every stage.

mod intrinsics;
mod skeleton;

pub use intrinsics::{CameraIntrinsics, H2O_FRAME_HEIGHT, H2O_FRAME_WIDTH};
pub use skeleton::{
    Hand, HandJoints, JOINT_NAMES, JOINTS_PER_HAND, SKELETON_BONES, TwoHands, finger_of_joint,
};
