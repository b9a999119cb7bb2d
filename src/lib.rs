//! SHARP Viewer: real-time egocentric 3D hand pose and action recognition.
//!
//! A frame travels through the modules in this order:
//! [`source`] (H2O take, later webcam and video) -> range masking ([`mask`]) -> the
//! viewer ([`ui`]). [`pipeline`] owns the threads and channels that carry frames between
//! those stages; [`dataset`] reads the H2O layout from disk; [`sample`] renders a
//! synthetic take in that layout; [`geometry`] holds the camera model and the hand
//! skeleton every stage shares; [`viz`] draws colour maps and overlays headlessly;
//! [`cli`] is the command line; [`infer`] runs the three SHARP networks (pseudo-depth, 3D
//! hand pose, action) through ONNX Runtime.

pub mod cli;
pub mod dataset;
pub mod geometry;
pub mod infer;
pub mod mask;
pub mod pipeline;
pub mod sample;
pub mod source;
pub mod ui;
pub mod viz;
