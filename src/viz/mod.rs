//! Headless drawing shared by the viewer and figure export: colour maps and overlays
//! drawn into plain images, with no GUI types.

mod camera_frustum;
mod colormap;
mod palette;

pub use camera_frustum::recording_camera_edges;
pub use colormap::{DepthColormap, turbo};
pub use palette::{
    BAD_RGB, FAIR_MM, FAIR_RGB, GOOD_MM, GOOD_RGB, OBJECT_RGB, error_rgb, joint_rgb,
};
