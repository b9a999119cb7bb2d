//! Time across frames, for a steadier live demo: One Euro smoothing of the joints
//! ([`PoseSmoother`], MediaPipe's published settings by default), stable hand identity
//! ([`HandIdentityTracker`]) and the jitter measure ([`JitterTally`]) that shows what the
//! smoothing does.

mod hand_identity;
mod jitter;
mod one_euro;
mod pose_smoother;

pub use hand_identity::{HandIdentityTracker, HandObservation};
pub use jitter::JitterTally;
pub use one_euro::{OneEuroFilter, OneEuroParams};
pub use pose_smoother::{PoseSmoother, SmoothingParams};

/// Seeded noise for the filters' tests.
#[cfg(test)]
pub(crate) mod test_noise {
    /// A deterministic, roughly standard-normal noise (the sum of 12 uniforms minus 6)
    /// from a 64-bit LCG, so the tests always see the same numbers.
    pub fn noise(seed: u64) -> impl FnMut() -> f64 {
        let mut state = seed;
        move || {
            let mut sum = 0.0;
            for _ in 0..12 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                sum += (state >> 11) as f64 / (1u64 << 53) as f64;
            }
            sum - 6.0
        }
    }
}
