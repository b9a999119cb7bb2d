//! SHARP Viewer: real-time egocentric 3D hand pose and action recognition.
//!
//! A frame travels through the modules in this order: [`source`] (H2O take, webcam,
//! video file) -> [`infer`] pseudo-depth -> range masking ([`mask`]) -> [`infer`] 3D hand
//! pose (SHARP's network or MediaPipe Hands) -> [`infer`] action -> the viewer ([`ui`]).
//! [`pipeline`] owns the threads and channels that carry frames between those stages and
//! the per-frame chain itself ([`pipeline::FrameProcessor`]).
//!
//! Around it: [`dataset`] reads the H2O layout from disk; [`sample`] renders a synthetic
//! take in that layout; [`geometry`] holds the camera model and the hand skeleton every
//! stage shares; [`viz`] draws colour maps headlessly; [`batch`] runs the chain over a
//! whole dataset; [`eval`] scores poses and actions as SHARP does; [`bench`] times the
//! whole pipeline; [`atomic_file`] writes every user-visible file atomically; [`temporal`] smooths poses
//! over time and keeps hand identities; [`cli`] is
//! the command line.

pub mod atomic_file;
pub mod batch;
pub mod bench;
pub mod chain;
pub mod channel;
pub mod cli;
pub mod dataset;
pub mod eval;
pub mod figure;
pub mod geometry;
pub mod infer;
pub mod mask;
pub mod percentile;
pub mod pipeline;
pub mod sample;
pub mod source;
pub mod temporal;
pub mod ui;
pub mod viz;
