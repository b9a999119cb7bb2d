//! What `eval-pose` measures over time: the jitter of the scored joints and, when asked,
//! their One Euro smoothing before scoring (at H2O's 30 fps, in frame order, restarted at
//! each take and at gaps longer than [`MAX_SMOOTHING_GAP_S`]).

use super::pose_metrics::PredictedHand;
use crate::chain::MAX_SMOOTHING_GAP_S;
use crate::geometry::{Hand, JOINTS_PER_HAND};
use crate::temporal::{JitterTally, PoseSmoother, SmoothingParams};

/// H2O's frame rate, for the smoothing's clock.
const H2O_FPS: f64 = 30.0;

/// Jitter of the scored joints, with the smoothing that ran before scoring (if any).
#[derive(Clone, Debug, Default)]
pub struct OverTime {
    /// Whether the joints were smoothed over time before scoring.
    pub smoothed: bool,
    /// Jitter of the scored 3D joints (mm per frame squared), over consecutive frames.
    pub jitter_3d: JitterTally,
    /// Jitter of the scored 2D keypoints (px per frame squared), over consecutive frames.
    pub jitter_2d: JitterTally,
}

/// The state carried from frame to frame of a take.
pub(super) struct OverTimePass {
    smoother: Option<PoseSmoother>,
    last_number: Option<u32>,
    measured: OverTime,
}

impl OverTimePass {
    /// A pass that smooths with `smoothing`, or only measures when `None`.
    pub fn new(smoothing: Option<SmoothingParams>) -> Self {
        Self {
            smoother: smoothing.map(PoseSmoother::new),
            last_number: None,
            measured: OverTime {
                smoothed: smoothing.is_some(),
                ..OverTime::default()
            },
        }
    }

    /// A new take starts: nothing carries over from the last one.
    pub fn start_take(&mut self) {
        self.last_number = None;
    }

    /// Smooths frame `number`'s hands (when asked) and counts their jitter.
    pub fn frame(&mut self, number: u32, hands: &mut [Option<PredictedHand>; 2]) {
        let follows = self.last_number.is_some_and(|last| {
            number > last && f64::from(number - last) / H2O_FPS <= MAX_SMOOTHING_GAP_S
        });
        if let Some(smoother) = &mut self.smoother {
            if !follows {
                smoother.reset();
            }
            for (hand, predicted) in Hand::BOTH.into_iter().zip(hands.iter_mut()) {
                match predicted {
                    Some(predicted) => smoother.smooth_hand(
                        hand,
                        f64::from(number) / H2O_FPS,
                        &mut predicted.keypoints_px,
                        &mut predicted.joints_mm,
                    ),
                    None => smoother.lose_hand(hand),
                }
            }
        }
        self.last_number = Some(number);
        for (hand, predicted) in Hand::BOTH.into_iter().zip(hands.iter()) {
            // A new take or a gap breaks the runs even where the numbers continue.
            if !follows {
                self.measured.jitter_3d.push(hand, number, None);
                self.measured.jitter_2d.push(hand, number, None);
            }
            let joints = predicted.as_ref().map(|predicted| predicted.joints_mm);
            let keypoints: Option<[glam::Vec3; JOINTS_PER_HAND]> = predicted
                .as_ref()
                .map(|predicted| predicted.keypoints_px.map(|point| point.extend(0.0)));
            self.measured
                .jitter_3d
                .push(hand, number, joints.as_ref().map(|joints| &joints[..]));
            self.measured.jitter_2d.push(
                hand,
                number,
                keypoints.as_ref().map(|points| &points[..]),
            );
        }
    }

    /// What was measured.
    pub fn finish(self) -> OverTime {
        self.measured
    }
}
