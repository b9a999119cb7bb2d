//! SHARP Viewer: real-time egocentric 3D hand pose and action recognition.
//!
//! A frame travels through the modules in this order:
//! [`source`] (H2O take, webcam, video) -> depth ([`infer`]) -> range masking ([`mask`])
//! -> pose and action ([`infer`]) -> the viewer ([`ui`]). [`pipeline`] owns the threads
//! and channels that carry frames between those stages; [`dataset`] reads the H2O layout
//! from disk; [`sample`] renders a synthetic take in that layout; [`geometry`] holds the
//! camera model and the hand skeleton every stage shares.

pub mod dataset;
pub mod geometry;
pub mod sample;
