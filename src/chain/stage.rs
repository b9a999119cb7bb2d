//! The stages of the chain whose times are measured.

/// A processing stage whose time is measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Reading and decoding the frame.
    Read,
    /// The depth network, with its input preparation.
    Depth,
    /// The depth network on the next frame, running beside this frame's pose network
    /// ([`super::FrameProcessor::process_ahead`]).
    DepthAhead,
    /// Range masking, with the pose network's input preparation.
    Mask,
    /// The pose network and its decoding.
    Pose,
    /// MediaPipe's palm detector (only on frames where it runs).
    PalmDetection,
    /// MediaPipe's landmark model, all hands together.
    HandLandmarks,
    /// The action classifier.
    Action,
    /// Colour-mapping depth maps for display.
    DepthView,
}

impl Stage {
    /// Label in the readout.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Read => "read",
            Stage::Depth => "depth net",
            Stage::DepthAhead => "depth net (next frame)",
            Stage::Mask => "mask",
            Stage::Pose => "pose net",
            Stage::PalmDetection => "palm detection",
            Stage::HandLandmarks => "hand landmarks",
            Stage::Action => "action net",
            Stage::DepthView => "depth view",
        }
    }
}
