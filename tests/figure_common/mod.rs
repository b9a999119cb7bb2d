//! A frame with everything a figure draws, built from known numbers, for the figure
//! tests (export, layout, golden image).

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use glam::{Vec2, Vec3};
use image::{GrayImage, Luma, Rgb, RgbImage};
use sharp_viewer::chain::{MaskSettings, PoseBackend, PoseOutcome};
use sharp_viewer::dataset::annotations::ObjectPose;
use sharp_viewer::dataset::images::DepthMillimetres;
use sharp_viewer::figure::FigureInput;
use sharp_viewer::geometry::{CameraIntrinsics, HandJoints, TwoHands};
use sharp_viewer::infer::{FrameSize, HEATMAP_COUNT, HandPresence, PosePrediction};
use sharp_viewer::mask::{DepthRange, DepthUnit};

/// A right hand spread in front of the camera, metres.
pub fn hand() -> HandJoints {
    std::array::from_fn(|joint| {
        let finger = joint.saturating_sub(1) / 4;
        let step = (joint.saturating_sub(1) % 4 + usize::from(joint > 0)) as f32;
        Vec3::new(
            0.05 + (finger as f32 - 2.0) * 0.02 * step * 0.5,
            0.05 - 0.02 * step,
            0.5 + 0.01 * finger as f32 + 0.015 * step,
        )
    })
}

/// A frame with everything a figure draws: a gradient frame and mask, a pseudo-depth
/// ramp, a ground-truth depth ramp (300 mm at the top to 2800 mm at the bottom, no
/// measurement in the left column), the right hand as ground truth, a prediction displaced from it by a known
/// amount per joint (10 mm wrist and thumb, 40 mm index and middle, 80 mm ring and
/// little: MPJPE 1010/21 mm), and an object.
pub struct Scene {
    pub rgb: RgbImage,
    pub masked: RgbImage,
    pub depth: GrayImage,
    pub depth_mm: DepthMillimetres,
    pub intrinsics: CameraIntrinsics,
    pub hands: TwoHands,
    pub pose: PoseOutcome,
    pub object: ObjectPose,
}

/// The displacement of each predicted joint along the viewing axis, millimetres.
pub fn displacement_mm(joint: usize) -> f32 {
    match joint {
        0..=4 => 10.0,
        5..=12 => 40.0,
        _ => 80.0,
    }
}

impl Scene {
    pub fn new(width: u32, height: u32) -> Self {
        let intrinsics = CameraIntrinsics::H2O_CAM4_DEFAULT.scaled_to(width, height);
        let truth = hand();
        let predicted_mm: HandJoints = std::array::from_fn(|joint| {
            truth[joint] * 1000.0 + Vec3::new(0.0, 0.0, displacement_mm(joint))
        });
        let mut keypoints = [Vec2::ZERO; HEATMAP_COUNT];
        let mut joints_mm = [Vec3::ZERO; HEATMAP_COUNT];
        // The right hand is the second half of both arrays.
        for (joint, predicted) in predicted_mm.iter().enumerate() {
            keypoints[21 + joint] = intrinsics
                .project(*predicted / 1000.0)
                .expect("in front of the camera");
            joints_mm[21 + joint] = *predicted;
        }
        let pose = PoseOutcome {
            prediction: PosePrediction {
                keypoints,
                z_mm: joints_mm.map(|joint| joint.z),
                joints_mm,
                presence: [
                    HandPresence {
                        present: false,
                        confidence: 0.1,
                    },
                    HandPresence {
                        present: true,
                        confidence: 0.9,
                    },
                ],
                hands: TwoHands {
                    left: None,
                    right: Some(predicted_mm),
                },
            },
            frame_size: FrameSize { width, height },
            backend: PoseBackend::Sharp,
            roots: [None, None],
            label_confidence: [0.1, 0.9],
            smoothed: false,
        };
        Self {
            rgb: RgbImage::from_fn(width, height, |x, y| {
                Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 128])
            }),
            masked: RgbImage::from_fn(width, height, |x, _| {
                Rgb([0, if x < width / 2 { 0 } else { 160 }, 0])
            }),
            depth: GrayImage::from_fn(64, 36, |x, _| Luma([(x * 4) as u8])),
            depth_mm: DepthMillimetres::from_fn(width, height, |x, y| {
                let mm = 300 + 2500 * y / (height - 1).max(1);
                Luma([if x == 0 { 0 } else { mm as u16 }])
            }),
            intrinsics,
            hands: TwoHands {
                left: None,
                right: Some(truth),
            },
            pose,
            object: ObjectPose {
                class_id: 1,
                points: std::array::from_fn(|point| {
                    Vec3::new(-0.05 + 0.005 * point as f32, 0.08, 0.55)
                }),
            },
        }
    }

    pub fn input(&self) -> FigureInput<'_> {
        FigureInput {
            take: "subject1/h1/0",
            frame_number: 7,
            rgb: &self.rgb,
            pseudo_depth: Some(&self.depth),
            depth_mm: Some(&self.depth_mm),
            masked: &self.masked,
            mask: MaskSettings {
                depth: DepthUnit::InverseDepth8,
                range: Some(DepthRange::new(120.0, 255.0)),
            },
            pose: Some(&self.pose),
            ground_truth: Some(&self.hands),
            object: Some(&self.object),
            intrinsics: &self.intrinsics,
        }
    }
}
