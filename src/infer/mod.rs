//! Neural-network inference through ONNX Runtime.

pub mod mediapipe;
