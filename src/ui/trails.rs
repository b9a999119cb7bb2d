//! Fingertip motion trails: where each predicted fingertip was over the last analysed
//! frames, drawn as fading lines in the RGB panel and the 3D view. The trail follows the
//! hands' identities as the pipeline gives them (kept across frames when smoothing is
//! on), and restarts on a seek.

use std::collections::VecDeque;

use egui::{Color32, Painter, Pos2, Rect, Stroke, pos2};
use glam::{Vec2, Vec3};

use super::palette::joint_color;
use crate::chain::{MAX_SMOOTHING_GAP_S, PoseOutcome};
use crate::geometry::{Hand, JOINTS_PER_HAND};

/// Frames a trail covers (two thirds of a second at 30 fps).
pub const TRAIL_FRAMES: usize = 20;

/// The fingertips in H2O's joint order: thumb, index, middle, ring, little.
pub const FINGERTIPS: [usize; 5] = [4, 8, 12, 16, 20];

/// One hand's fingertips in one frame.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Tips {
    /// In the frame, as fractions of its width and height.
    image: [Vec2; 5],
    /// In the camera frame, metres.
    camera_m: [Vec3; 5],
}

/// One fingertip's path: consecutive points, oldest first.
#[derive(Clone, Debug, PartialEq)]
pub struct TrailPath<P> {
    /// Whose fingertip.
    pub hand: Hand,
    /// Which joint (one of [`FINGERTIPS`]).
    pub joint: usize,
    /// The points, oldest first.
    pub points: Vec<P>,
}

/// The recent fingertips of both hands.
#[derive(Clone, Debug, Default)]
pub struct FingertipTrails {
    /// The last frame's number.
    last: Option<u32>,
    /// Oldest first; `None` where the hand was not found.
    frames: VecDeque<[Option<Tips>; 2]>,
}

impl FingertipTrails {
    /// Forgets every trail.
    pub fn clear(&mut self) {
        self.last = None;
        self.frames.clear();
    }

    /// Adds analysed frame `number` of a source at `fps` with its pose (none: no hand).
    /// A frame that is not shortly after the last one (a seek) restarts the trails; the
    /// same frame again (re-analysed with other settings) replaces the last entry.
    pub fn push(&mut self, number: u32, fps: f32, pose: Option<&PoseOutcome>) {
        let max_gap = (f64::from(fps.max(1.0)) * MAX_SMOOTHING_GAP_S).max(1.0);
        match self.last {
            Some(last) if last == number => {
                self.frames.pop_back();
            }
            Some(last) if number > last && f64::from(number - last) <= max_gap => {}
            _ => self.frames.clear(),
        }
        self.last = Some(number);
        self.frames
            .push_back(Hand::BOTH.map(|hand| pose.and_then(|pose| tips(pose, hand))));
        while self.frames.len() > TRAIL_FRAMES {
            self.frames.pop_front();
        }
    }

    /// Every fingertip's runs of consecutive frames (a frame without the hand breaks a
    /// run), in image fractions.
    pub fn image_paths(&self) -> Vec<TrailPath<Vec2>> {
        self.paths(|tips, index| tips.image[index])
    }

    /// Every fingertip's runs of consecutive frames, in camera metres.
    pub fn camera_paths(&self) -> Vec<TrailPath<Vec3>> {
        self.paths(|tips, index| tips.camera_m[index])
    }

    fn paths<P>(&self, point: impl Fn(&Tips, usize) -> P) -> Vec<TrailPath<P>> {
        let mut paths = Vec::new();
        for hand in Hand::BOTH {
            for (index, joint) in FINGERTIPS.into_iter().enumerate() {
                let mut run: Vec<P> = Vec::new();
                for frame in &self.frames {
                    match &frame[hand.index()] {
                        Some(tips) => run.push(point(tips, index)),
                        None if run.len() >= 2 => paths.push(TrailPath {
                            hand,
                            joint,
                            points: std::mem::take(&mut run),
                        }),
                        None => run.clear(),
                    }
                }
                if run.len() >= 2 {
                    paths.push(TrailPath {
                        hand,
                        joint,
                        points: run,
                    });
                }
            }
        }
        paths
    }
}

/// `hand`'s fingertips in `pose`, when it is present.
fn tips(pose: &PoseOutcome, hand: Hand) -> Option<Tips> {
    if !pose.prediction.presence(hand).present {
        return None;
    }
    let size = Vec2::new(
        pose.frame_size.width.max(1) as f32,
        pose.frame_size.height.max(1) as f32,
    );
    let first = hand.index() * JOINTS_PER_HAND;
    Some(Tips {
        image: FINGERTIPS.map(|joint| pose.prediction.keypoints[first + joint] / size),
        camera_m: FINGERTIPS.map(|joint| pose.prediction.joints_mm[first + joint] * 0.001),
    })
}

/// Draws paths already on screen, each segment more opaque the newer it is.
pub fn draw_paths(painter: &Painter, width: f32, paths: &[(Hand, usize, Vec<Option<Pos2>>)]) {
    for (hand, joint, points) in paths {
        let color = joint_color(*hand, *joint);
        let count = points.len().max(2) - 1;
        for (step, pair) in points.windows(2).enumerate() {
            if let [Some(a), Some(b)] = pair {
                let opacity = (step + 1) as f32 / count as f32;
                let faded = Color32::from_rgba_unmultiplied(
                    color.r(),
                    color.g(),
                    color.b(),
                    (opacity * 220.0) as u8,
                );
                painter.line_segment([*a, *b], Stroke::new(width, faded));
            }
        }
    }
}

/// Draws the trails over an image panel whose frame fills `image_rect`.
pub fn draw_image_trails(painter: &Painter, image_rect: Rect, trails: &FingertipTrails) {
    let paths: Vec<(Hand, usize, Vec<Option<Pos2>>)> = trails
        .image_paths()
        .into_iter()
        .map(|path| {
            let points = path
                .points
                .iter()
                .map(|point| {
                    Some(pos2(
                        image_rect.left() + point.x * image_rect.width(),
                        image_rect.top() + point.y * image_rect.height(),
                    ))
                })
                .collect();
            (path.hand, path.joint, points)
        })
        .collect();
    draw_paths(
        painter,
        (image_rect.width() / 500.0).clamp(1.0, 2.5),
        &paths,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::PoseBackend;
    use crate::infer::{FrameSize, HandPresence, PosePrediction};

    fn pose(x: f32, left: bool) -> PoseOutcome {
        let mut prediction = PosePrediction {
            keypoints: [Vec2::new(x, 360.0); 42],
            z_mm: [500.0; 42],
            joints_mm: [Vec3::new(x, 0.0, 500.0); 42],
            presence: [HandPresence {
                present: false,
                confidence: 0.0,
            }; 2],
            hands: Default::default(),
        };
        prediction.presence[0].present = left;
        PoseOutcome {
            prediction,
            frame_size: FrameSize {
                width: 1280,
                height: 720,
            },
            backend: PoseBackend::MediaPipe,
            roots: [None; 2],
            label_confidence: [0.9; 2],
            smoothed: true,
        }
    }

    #[test]
    fn trails_follow_frames_break_on_absence_and_restart_on_a_seek() {
        let mut trails = FingertipTrails::default();
        for number in 0..5 {
            trails.push(number, 30.0, Some(&pose(number as f32 * 128.0, true)));
        }
        // The same frame again replaces the last entry.
        trails.push(4, 30.0, Some(&pose(4.0 * 128.0, true)));
        let paths = trails.image_paths();
        assert_eq!(paths.len(), 5, "one path per fingertip of the left hand");
        assert_eq!(paths[0].points.len(), 5);
        assert_eq!(paths[0].points[1], Vec2::new(0.1, 0.5));
        assert_eq!(
            trails.camera_paths()[0].points[4],
            Vec3::new(0.512, 0.0, 0.5)
        );
        // A frame without the hand ends the runs; a new run needs two frames.
        trails.push(5, 30.0, Some(&pose(0.0, false)));
        trails.push(6, 30.0, Some(&pose(0.0, true)));
        assert_eq!(trails.image_paths().len(), 5);
        // A seek backwards restarts the trails.
        trails.push(2, 30.0, Some(&pose(0.0, true)));
        assert!(trails.image_paths().is_empty());
        // So does a jump forward of more than half a second.
        trails.push(3, 30.0, Some(&pose(0.0, true)));
        assert_eq!(trails.image_paths().len(), 5);
        trails.push(40, 30.0, Some(&pose(0.0, true)));
        assert!(trails.image_paths().is_empty());
    }

    #[test]
    fn trails_keep_only_the_last_frames() {
        let mut trails = FingertipTrails::default();
        for number in 0..100 {
            trails.push(number, 30.0, Some(&pose(number as f32, true)));
        }
        assert_eq!(trails.image_paths()[0].points.len(), TRAIL_FRAMES);
    }
}
