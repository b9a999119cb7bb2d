//! How much of the annotated hands a depth range leaves for the pose network: which
//! ground-truth joints still reach it after masking. While the range is dragged this
//! says at once when it starts to cut into the hands, which the kept-pixel share alone
//! does not.

use image::RgbImage;

use crate::geometry::{CameraIntrinsics, Hand, HandJoints, TwoHands};

/// How far around a joint's pixel (in pixels, along each axis) a kept pixel still counts
/// the joint as kept. Joints lie inside the fingers and fingertips at their very end, so
/// the pixel a joint projects to often shows what is just past the silhouette; a joint is
/// cut when no pixel this close to it is kept.
pub const JOINT_WINDOW_RADIUS: u32 = 3;

/// The joints of one annotated hand that the mask left in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HandCoverage {
    /// Joints near which some pixel reaches the pose network unchanged.
    pub kept: usize,
    /// Joints that project inside the frame (the others are not counted).
    pub in_frame: usize,
}

impl HandCoverage {
    /// Whether the mask blacked out any of the hand's joints.
    pub fn is_cut(&self) -> bool {
        self.kept < self.in_frame
    }
}

/// [`HandCoverage`] per hand, in H2O order (left, right); `None` for a hand that is not
/// annotated in the frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JointCoverage {
    /// Left then right.
    pub hands: [Option<HandCoverage>; 2],
}

impl JointCoverage {
    /// The coverage of `hand`, when it is annotated.
    pub fn hand(&self, hand: Hand) -> Option<HandCoverage> {
        self.hands[hand.index()]
    }
}

/// Joint coverage summed over many frames (a batch run over a split).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CoverageTally {
    /// Frames with at least one annotated hand.
    pub frames: usize,
    /// Joints kept, over those frames.
    pub kept: usize,
    /// Joints inside the frame, over those frames.
    pub in_frame: usize,
}

impl CoverageTally {
    /// Adds one frame's coverage.
    pub fn add(&mut self, coverage: &JointCoverage) {
        let hands: Vec<HandCoverage> = coverage.hands.iter().flatten().copied().collect();
        if hands.is_empty() {
            return;
        }
        self.frames += 1;
        self.kept += hands.iter().map(|hand| hand.kept).sum::<usize>();
        self.in_frame += hands.iter().map(|hand| hand.in_frame).sum::<usize>();
    }

    /// Share of the joints in frame that were kept, in percent (`None` before any).
    pub fn kept_percent(&self) -> Option<f64> {
        (self.in_frame > 0).then(|| 100.0 * self.kept as f64 / self.in_frame as f64)
    }
}

/// Counts, for each annotated hand, the joints kept by the mask: those with a pixel
/// within [`JOINT_WINDOW_RADIUS`] of the pixel they project to (nearest pixel centre,
/// through `intrinsics`) that is the same in `masked` as in `original`, i.e. that was
/// kept, or was black already so masking changed nothing the pose network sees.
/// `original` and `masked` have the same size, the one `intrinsics` describes.
pub fn joint_coverage(
    original: &RgbImage,
    masked: &RgbImage,
    hands: &TwoHands,
    intrinsics: &CameraIntrinsics,
) -> JointCoverage {
    let hand = |joints: &HandJoints| {
        let mut coverage = HandCoverage {
            kept: 0,
            in_frame: 0,
        };
        for &joint in joints {
            let Some(pixel) = intrinsics.project(joint) else {
                continue;
            };
            // Pixel centres are at integer coordinates (OpenCV's convention, which
            // H2O's intrinsics follow).
            let (u, v) = (pixel.x.round(), pixel.y.round());
            if u < 0.0 || v < 0.0 || u >= original.width() as f32 || v >= original.height() as f32 {
                continue;
            }
            coverage.in_frame += 1;
            if any_kept_near(original, masked, u as u32, v as u32) {
                coverage.kept += 1;
            }
        }
        coverage
    };
    JointCoverage {
        hands: Hand::BOTH.map(|side| hands.get(side).map(hand)),
    }
}

/// Whether a pixel within [`JOINT_WINDOW_RADIUS`] of (u, v) is unchanged by masking.
fn any_kept_near(original: &RgbImage, masked: &RgbImage, u: u32, v: u32) -> bool {
    let r = JOINT_WINDOW_RADIUS;
    let columns = u.saturating_sub(r)..=(u + r).min(original.width() - 1);
    let rows = v.saturating_sub(r)..=(v + r).min(original.height() - 1);
    rows.into_iter().any(|y| {
        columns
            .clone()
            .any(|x| masked.get_pixel_checked(x, y) == Some(original.get_pixel(x, y)))
    })
}

#[cfg(test)]
mod tests {
    use glam::Vec3;
    use image::Rgb;

    use super::*;

    const K: CameraIntrinsics = CameraIntrinsics {
        fx: 10.0,
        fy: 10.0,
        cx: 16.0,
        cy: 8.0,
        width: 32,
        height: 16,
    };

    /// A joint 1 m away that projects to pixel (u, v).
    fn at(u: f32, v: f32) -> Vec3 {
        Vec3::new((u - K.cx) / K.fx, (v - K.cy) / K.fy, 1.0)
    }

    #[test]
    fn counts_joints_near_kept_pixels_and_skips_those_outside_the_frame() {
        let original = RgbImage::from_fn(32, 16, |u, v| Rgb([10 + u as u8, 20 + v as u8, 30]));
        let mut masked = original.clone();
        // Black out columns 0..=19.
        for v in 0..16 {
            for u in 0..20 {
                masked.put_pixel(u, v, Rgb([0, 0, 0]));
            }
        }
        let r = JOINT_WINDOW_RADIUS as f32;
        let mut left = [at(25.0, 8.0); 21];
        left[0] = at(5.0, 8.0); // far inside the black: cut
        left[1] = at(19.4 - r, 2.0); // rounds to 19 - r: the window ends at 19, cut
        left[2] = at(19.6 - r, 2.0); // rounds to 20 - r: the window reaches 20, kept
        left[3] = at(40.0, 8.0); // right of the frame
        left[4] = Vec3::new(0.0, 0.0, -1.0); // behind the camera
        left[5] = at(0.0, 0.0); // the frame's corner: the window is clipped, cut
        let hands = TwoHands {
            left: Some(left),
            right: None,
        };
        let coverage = joint_coverage(&original, &masked, &hands, &K);
        assert_eq!(
            coverage.hand(Hand::Left),
            Some(HandCoverage {
                kept: 16,
                in_frame: 19
            })
        );
        assert!(coverage.hand(Hand::Left).is_some_and(|hand| hand.is_cut()));
        assert_eq!(coverage.hand(Hand::Right), None);

        let mut tally = CoverageTally::default();
        assert_eq!(tally.kept_percent(), None);
        tally.add(&coverage);
        tally.add(&JointCoverage::default());
        tally.add(&JointCoverage {
            hands: [
                None,
                Some(HandCoverage {
                    kept: 21,
                    in_frame: 21,
                }),
            ],
        });
        assert_eq!(
            tally,
            CoverageTally {
                frames: 2,
                kept: 37,
                in_frame: 40
            }
        );
        assert_eq!(tally.kept_percent(), Some(92.5));
    }

    #[test]
    fn a_pixel_black_before_masking_still_counts_as_kept() {
        let mut original = RgbImage::from_pixel(32, 16, Rgb([50, 60, 70]));
        original.put_pixel(31, 15, Rgb([0, 0, 0]));
        let masked = RgbImage::new(32, 16);
        let hands = TwoHands {
            left: None,
            right: Some([at(29.0, 13.0); 21]),
        };
        let coverage = joint_coverage(&original, &masked, &hands, &K);
        assert_eq!(
            coverage.hand(Hand::Right),
            Some(HandCoverage {
                kept: 21,
                in_frame: 21
            })
        );
        assert!(!coverage.hand(Hand::Right).is_some_and(|hand| hand.is_cut()));
    }
}
