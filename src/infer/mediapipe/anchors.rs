//! SSD anchors of MediaPipe's palm detector.
//!
//! Semantics of MediaPipe's `SsdAnchorsCalculator`
//! (`mediapipe/calculators/tflite/ssd_anchors_calculator.cc`) with the options that
//! `mediapipe/modules/palm_detection/palm_detection_cpu.pbtxt` sets: 4 layers with
//! strides 8, 16, 16, 16 on a 192x192 input, anchor offset 0.5, one aspect ratio (1.0)
//! plus the interpolated-scale anchor (the calculator's default ratio 1.0), and
//! `fixed_anchor_size: true`, so every anchor is 1x1 and only its centre matters.
//! Consecutive layers with the same stride share one feature map, which gives
//! 24x24 cells x 2 anchors + 12x12 cells x 6 anchors = 2016 anchors.

/// Input width and height of the palm detector, in pixels.
pub const PALM_INPUT_SIZE: usize = 192;
/// Number of anchors (and of raw detections) of the palm detector.
pub const PALM_ANCHOR_COUNT: usize = 2016;

/// Strides of the palm detector's anchor layers.
const PALM_STRIDES: [usize; 4] = [8, 16, 16, 16];
/// Anchors per cell per layer: the single aspect ratio and the interpolated scale.
const ANCHORS_PER_LAYER: usize = 2;
/// Offset of an anchor centre inside its cell, in cells.
const ANCHOR_OFFSET: f32 = 0.5;

/// One anchor, in coordinates normalised to the detector input (0..1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Anchor {
    /// Centre x.
    pub x_center: f32,
    /// Centre y.
    pub y_center: f32,
    /// Width (1 for the palm detector's fixed-size anchors).
    pub width: f32,
    /// Height (1 for the palm detector's fixed-size anchors).
    pub height: f32,
}

/// The palm detector's 2016 anchors, in the order of its output rows.
pub fn palm_anchors() -> Vec<Anchor> {
    let mut anchors = Vec::with_capacity(PALM_ANCHOR_COUNT);
    let mut layer = 0;
    while layer < PALM_STRIDES.len() {
        let stride = PALM_STRIDES[layer];
        // Layers with the same stride share the feature map; their anchors interleave
        // per cell.
        let same_stride = PALM_STRIDES[layer..]
            .iter()
            .take_while(|&&s| s == stride)
            .count();
        let per_cell = same_stride * ANCHORS_PER_LAYER;
        let cells = PALM_INPUT_SIZE.div_ceil(stride);
        for y in 0..cells {
            for x in 0..cells {
                let x_center = (x as f32 + ANCHOR_OFFSET) / cells as f32;
                let y_center = (y as f32 + ANCHOR_OFFSET) / cells as f32;
                anchors.extend((0..per_cell).map(|_| Anchor {
                    x_center,
                    y_center,
                    width: 1.0,
                    height: 1.0,
                }));
            }
        }
        layer += same_stride;
    }
    anchors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_2016_anchors() {
        assert_eq!(palm_anchors().len(), PALM_ANCHOR_COUNT);
    }

    #[test]
    fn first_layer_is_a_24_by_24_grid_with_two_anchors_per_cell() {
        let anchors = palm_anchors();
        let half_cell = 0.5 / 24.0;
        assert_eq!(anchors[0], anchors[1]);
        assert_eq!(
            (anchors[0].x_center, anchors[0].y_center),
            (half_cell, half_cell)
        );
        // Cell (x=1, y=0) starts at row 2; cell (x=0, y=1) at row 48.
        assert_eq!(anchors[2].x_center, 1.5 / 24.0);
        assert_eq!(anchors[48].y_center, 1.5 / 24.0);
        assert_eq!(anchors[1151].x_center, 23.5 / 24.0);
        assert!(anchors.iter().all(|a| a.width == 1.0 && a.height == 1.0));
    }

    #[test]
    fn stride_16_layers_share_a_12_by_12_grid_with_six_anchors_per_cell() {
        let anchors = palm_anchors();
        let second = &anchors[1152..];
        assert_eq!(second.len(), 12 * 12 * 6);
        assert!(second[..6].iter().all(|a| *a == second[0]));
        assert_eq!(
            (second[0].x_center, second[0].y_center),
            (0.5 / 12.0, 0.5 / 12.0)
        );
        assert_eq!(second[6].x_center, 1.5 / 12.0);
        let last = anchors[PALM_ANCHOR_COUNT - 1];
        assert_eq!((last.x_center, last.y_center), (11.5 / 12.0, 11.5 / 12.0));
    }
}
