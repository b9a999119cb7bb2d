//! What lies under the pointer on an image panel: the frame pixel, its colour, its
//! ground-truth depth, its pseudo-depth level and whether the mask kept it — what a user
//! needs to choose a depth range.

use egui::{Color32, Rect, RichText, Ui, UiBuilder, pos2, vec2};

use crate::pipeline::FrameResult;
use crate::source::Frame;

/// What the mask did to one pixel, read from what the pose network was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaskVerdict {
    /// Masking was off for this frame.
    MaskingOff,
    /// The pixel reached the pose network unchanged.
    Kept,
    /// The pixel was blacked out.
    Removed,
    /// The pixel is black in the frame itself: masked or not, the network sees black.
    BlackInFrame,
    /// The analysis has not reached the frame under the pointer yet.
    NotAnalysedYet,
}

impl MaskVerdict {
    /// How the readout words it.
    pub fn text(self) -> &'static str {
        match self {
            MaskVerdict::MaskingOff => "masking off",
            MaskVerdict::Kept => "kept by the mask",
            MaskVerdict::Removed => "removed by the mask",
            MaskVerdict::BlackInFrame => "black in the frame (kept or not, the network sees black)",
            MaskVerdict::NotAnalysedYet => "mask: frame not analysed yet",
        }
    }
}

/// Everything known about one pixel of a frame.
#[derive(Clone, Debug, PartialEq)]
pub struct PixelReadout {
    /// Column in the frame.
    pub x: u32,
    /// Row in the frame.
    pub y: u32,
    /// The frame's colour there.
    pub rgb: [u8; 3],
    /// Ground-truth depth in millimetres (0 = no measurement), when the frame has depth.
    pub depth_mm: Option<u16>,
    /// SHARP's 8-bit pseudo-depth level at the nearest pixel of its map, with that map
    /// pixel's column and row and the map's size.
    pub pseudo_depth: Option<PseudoDepthSample>,
    /// What the mask did.
    pub mask: MaskVerdict,
}

/// One value of the pseudo-depth map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PseudoDepthSample {
    /// The 8-bit level (bigger is nearer).
    pub level: u8,
    /// Column in the map.
    pub x: u32,
    /// Row in the map.
    pub y: u32,
    /// Map width and height.
    pub size: (u32, u32),
}

/// The frame pixel under `pointer` when an image of `frame_size` (width, height) is drawn
/// stretched over `image_rect`; `None` outside it.
pub fn pixel_at(
    image_rect: Rect,
    frame_size: (u32, u32),
    pointer: egui::Pos2,
) -> Option<(u32, u32)> {
    if !image_rect.contains(pointer) || frame_size.0 == 0 || frame_size.1 == 0 {
        return None;
    }
    let u = (pointer.x - image_rect.min.x) / image_rect.width();
    let v = (pointer.y - image_rect.min.y) / image_rect.height();
    let x = ((u * frame_size.0 as f32) as u32).min(frame_size.0 - 1);
    let y = ((v * frame_size.1 as f32) as u32).min(frame_size.1 - 1);
    Some((x, y))
}

/// Reads pixel (`x`, `y`) of `frame`; the analysis counts only when it is of the same
/// frame. `None` when the pixel is outside the frame.
pub fn read_pixel(
    frame: &Frame,
    analysis: Option<&FrameResult>,
    x: u32,
    y: u32,
) -> Option<PixelReadout> {
    let rgb = frame.rgb.get_pixel_checked(x, y)?.0;
    let depth_mm = frame.depth_mm.as_ref().and_then(|depth| {
        let (dx, dy) = scale_to(x, y, frame.rgb.dimensions(), depth.dimensions());
        depth.get_pixel_checked(dx, dy).map(|value| value.0[0])
    });
    let analysis = analysis.filter(|result| {
        result.frame.position == frame.position && result.frame.number == frame.number
    });
    let pseudo_depth = analysis
        .and_then(|result| result.processed.pseudo_depth.as_ref())
        .and_then(|map| {
            let (mx, my) = scale_to(x, y, frame.rgb.dimensions(), map.dimensions());
            map.get_pixel_checked(mx, my)
                .map(|value| PseudoDepthSample {
                    level: value.0[0],
                    x: mx,
                    y: my,
                    size: map.dimensions(),
                })
        });
    let mask = match analysis {
        None => MaskVerdict::NotAnalysedYet,
        Some(result) if result.settings.mask.range.is_none() => MaskVerdict::MaskingOff,
        Some(result) => {
            let original = result.frame.rgb.get_pixel_checked(x, y).map(|p| p.0);
            let given = result.processed.masked.get_pixel_checked(x, y).map(|p| p.0);
            match (original, given) {
                (Some([0, 0, 0]), _) => MaskVerdict::BlackInFrame,
                (Some(original), Some(given)) if original == given => MaskVerdict::Kept,
                (Some(_), Some(_)) => MaskVerdict::Removed,
                _ => MaskVerdict::NotAnalysedYet,
            }
        }
    };
    Some(PixelReadout {
        x,
        y,
        rgb,
        depth_mm,
        pseudo_depth,
        mask,
    })
}

/// The pixel of a `to`-sized map covering pixel (`x`, `y`) of a `from`-sized image
/// (nearest, by pixel centres).
fn scale_to(x: u32, y: u32, from: (u32, u32), to: (u32, u32)) -> (u32, u32) {
    let along = |value: u32, from: u32, to: u32| {
        if from == to {
            return value;
        }
        let scaled = ((value as f64 + 0.5) * to as f64 / from.max(1) as f64) as u32;
        scaled.min(to.saturating_sub(1))
    };
    (along(x, from.0, to.0), along(y, from.1, to.1))
}

impl PixelReadout {
    /// The readout as lines of text.
    pub fn lines(&self) -> Vec<String> {
        let [r, g, b] = self.rgb;
        let mut lines = vec![format!(
            "pixel x {}, y {}   RGB {r} {g} {b}",
            self.x, self.y
        )];
        match self.depth_mm {
            Some(0) => lines.push("GT depth: no measurement".to_owned()),
            Some(mm) => lines.push(format!("GT depth: {mm} mm")),
            None => {}
        }
        if let Some(sample) = self.pseudo_depth {
            lines.push(format!(
                "pseudo-depth: level {} (map pixel {}, {} of {}x{})",
                sample.level, sample.x, sample.y, sample.size.0, sample.size.1
            ));
        }
        lines.push(self.mask.text().to_owned());
        lines
    }
}

/// Shows `readout` in a dark box along the bottom of `image_rect`.
pub fn show_readout(ui: &mut Ui, image_rect: Rect, readout: &PixelReadout) {
    let lines = readout.lines();
    let height = 16.0 * lines.len() as f32 + 6.0;
    let strip = Rect::from_min_max(
        pos2(
            image_rect.min.x,
            (image_rect.max.y - height).max(image_rect.min.y),
        ),
        image_rect.max,
    );
    ui.painter()
        .rect_filled(strip, 2.0, Color32::from_black_alpha(190));
    ui.scope_builder(
        UiBuilder::new().max_rect(strip.shrink2(vec2(6.0, 3.0))),
        |ui| {
            ui.spacing_mut().item_spacing.y = 0.0;
            for line in lines {
                ui.label(RichText::new(line).monospace().color(Color32::WHITE));
            }
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_maps_to_frame_pixels_through_the_stretched_image() {
        let rect = Rect::from_min_size(pos2(100.0, 50.0), vec2(640.0, 360.0));
        assert_eq!(pixel_at(rect, (1280, 720), pos2(100.0, 50.0)), Some((0, 0)));
        assert_eq!(
            pixel_at(rect, (1280, 720), pos2(420.0, 230.0)),
            Some((640, 360))
        );
        assert_eq!(
            pixel_at(rect, (1280, 720), pos2(740.0, 410.0)),
            Some((1279, 719))
        );
        assert_eq!(pixel_at(rect, (1280, 720), pos2(99.0, 60.0)), None);
    }

    #[test]
    fn frame_pixels_map_to_the_nearest_map_pixel() {
        // 1280 -> 384: pixel centre 640.5 * 0.3 = 192.15.
        assert_eq!(scale_to(640, 360, (1280, 720), (384, 384)), (192, 192));
        assert_eq!(scale_to(0, 0, (1280, 720), (384, 384)), (0, 0));
        assert_eq!(scale_to(1279, 719, (1280, 720), (384, 384)), (383, 383));
        assert_eq!(scale_to(7, 9, (1280, 720), (1280, 720)), (7, 9));
    }
}
