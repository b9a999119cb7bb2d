//! The H2O dataset on disk: take discovery, per-frame annotation parsers, splits and
//! class names.

pub mod annotations;
pub mod classes;
mod discover;
mod error;
pub mod images;
mod inspect;
mod kind;
pub mod numbers;
pub mod own_pose;
mod splits;
mod take;

pub use discover::{discover_takes, natural_cmp};
pub use error::{ContentError, DatasetError};
pub use inspect::{DatasetReport, InspectOptions, TakeReport, inspect};
pub use kind::FrameKind;
pub use splits::{
    ACTION_HEADER, ACTION_HEADER_UNLABELLED, ActionHeaderError, ActionSegment, Split, Splits,
    parse_action_split, parse_pose_split,
};
pub use take::{EGO_CAMERA_FOLDER, FrameAnnotations, INTRINSICS_FILE, IntrinsicsSource, Take};
