//! The depth panel's colour bar: the panel's colour map from far (left) to near (right),
//! the mask's kept range marked on it with its values, or what the mask does instead.
//! It reads the settings the range slider edits, so it moves while the slider is dragged.

use egui::{Align, Color32, Layout, Rect, RichText, Stroke, Ui, UiBuilder, pos2, vec2};

use crate::chain::MaskSettings;
use crate::mask::{DepthRange, DepthUnit};
use crate::viz::DepthColormap;

/// Height the bar takes under the depth image: a caption row, the bar, the marks' values.
pub const DEPTH_BAR_HEIGHT: f32 = 42.0;

/// Colour segments the bar is drawn with.
const SEGMENTS: usize = 96;

/// Background the dimmed part of the bar fades into (the panels' backdrop).
const BACKDROP: Color32 = Color32::from_gray(16);

/// Space left and right of the bar, so the values at its ends fit beside their marks.
pub const BAR_INSET: f32 = 40.0;

/// Font size of the bar's text.
const TEXT_SIZE: f32 = 11.0;

/// Where a value of a depth map of `unit` sits along the bar: 0 at the far end (left), 1
/// at the near end (right). Pseudo-depth grows towards the camera, millimetres away.
pub fn nearness(unit: DepthUnit, value: f32) -> f32 {
    let fraction = (value / unit.max_value()).clamp(0.0, 1.0);
    match unit {
        DepthUnit::InverseDepth8 => fraction,
        DepthUnit::Millimetres => 1.0 - fraction,
    }
}

/// The value of a depth map of `unit` at `nearness` along the bar.
fn value_at(unit: DepthUnit, nearness: f32) -> f32 {
    match unit {
        DepthUnit::InverseDepth8 => nearness * unit.max_value(),
        DepthUnit::Millimetres => (1.0 - nearness) * unit.max_value(),
    }
}

/// The colour the depth panel paints `value` of a map of `unit` in.
fn colour(unit: DepthUnit, value: f32) -> Color32 {
    let [r, g, b] = match unit {
        DepthUnit::InverseDepth8 => DepthColormap::colour_inverse8(value),
        DepthUnit::Millimetres => DepthColormap::default().colour_mm(value),
    };
    Color32::from_rgb(r, g, b)
}

/// A value with its unit as the bar writes it.
pub fn value_text(unit: DepthUnit, value: f32) -> String {
    match unit {
        DepthUnit::InverseDepth8 => format!("{value:.0}"),
        DepthUnit::Millimetres => format!("{value:.0} mm"),
    }
}

/// What the bar says about the mask, for a panel showing a map of `shown`.
pub fn caption(shown: DepthUnit, mask: &MaskSettings) -> String {
    match mask.range {
        None => "mask off: nothing removed".to_owned(),
        Some(range) if mask.depth == shown => {
            let unit = match shown {
                DepthUnit::InverseDepth8 => "pseudo-depth level",
                DepthUnit::Millimetres => "mm",
            };
            format!("kept {:.0}–{:.0} {unit}", range.near, range.far)
        }
        Some(_) => match mask.depth {
            DepthUnit::Millimetres => "mask uses GT depth (not this map)".to_owned(),
            DepthUnit::InverseDepth8 => "mask uses pseudo-depth (not this map)".to_owned(),
        },
    }
}

/// Draws the bar for a panel showing a map of `shown` into `rect` (as wide as the panel,
/// [`DEPTH_BAR_HEIGHT`] high), with `mask`'s kept range marked when it applies to it.
pub fn depth_bar(ui: &mut Ui, rect: Rect, shown: DepthUnit, mask: &MaskSettings) {
    let painter = ui.painter_at(rect);
    let text_colour = ui.visuals().text_color();
    let row = 14.0;
    let caption_row = Rect::from_min_size(rect.min, vec2(rect.width(), row));
    let bar = Rect::from_min_max(
        pos2(rect.left() + BAR_INSET, caption_row.bottom() + 4.0),
        pos2(rect.right() - BAR_INSET, caption_row.bottom() + 14.0),
    );
    let marks_row = Rect::from_min_max(pos2(rect.left(), bar.bottom() + 2.0), rect.max);

    let max = shown.max_value();
    label_in(
        ui,
        caption_row,
        Layout::left_to_right(Align::Center),
        format!("far {}", value_text(shown, value_at(shown, 0.0))),
    );
    label_in(
        ui,
        caption_row,
        Layout::right_to_left(Align::Center),
        format!("{} near", value_text(shown, value_at(shown, 1.0))),
    );
    label_in(
        ui,
        caption_row,
        Layout::top_down(Align::Center),
        caption(shown, mask),
    );

    let kept = mask.range.filter(|_| mask.depth == shown);
    let segment = bar.width() / SEGMENTS as f32;
    for index in 0..SEGMENTS {
        let middle = (index as f32 + 0.5) / SEGMENTS as f32;
        let value = value_at(shown, middle);
        let full = colour(shown, value);
        let shade = match kept {
            Some(range) if !range.contains(value) => dim(full),
            _ => full,
        };
        let left = bar.left() + index as f32 * segment;
        painter.rect_filled(
            Rect::from_min_max(
                pos2(left, bar.top()),
                pos2(left + segment + 0.5, bar.bottom()),
            ),
            0.0,
            shade,
        );
    }
    let Some(range) = kept else {
        return;
    };
    let x_of = |value: f32| bar.left() + nearness(shown, value) * bar.width();
    let (left_value, right_value) = ordered_along_bar(shown, range);
    // The far-side value sits left of its mark, the near-side one right of it, so the
    // two never overlap however close the ends are.
    for (value, left_of_mark) in [(left_value, true), (right_value, false)] {
        let x = x_of(value.clamp(0.0, max));
        painter.line_segment(
            [pos2(x, bar.top() - 3.0), pos2(x, bar.bottom() + 3.0)],
            Stroke::new(2.0, text_colour),
        );
        let (label_rect, layout) = if left_of_mark {
            (
                Rect::from_min_max(marks_row.min, pos2(x + 4.0, marks_row.bottom())),
                Layout::right_to_left(Align::Center),
            )
        } else {
            (
                Rect::from_min_max(pos2(x - 4.0, marks_row.top()), marks_row.max),
                Layout::left_to_right(Align::Center),
            )
        };
        label_in(ui, label_rect, layout, value_text(shown, value));
    }
}

/// The kept range's ends in the order they appear along the bar (far end first).
fn ordered_along_bar(unit: DepthUnit, range: DepthRange) -> (f32, f32) {
    match unit {
        DepthUnit::InverseDepth8 => (range.near, range.far),
        DepthUnit::Millimetres => (range.far, range.near),
    }
}

/// `colour` faded three quarters towards the panels' backdrop: outside the kept range.
fn dim(colour: Color32) -> Color32 {
    let fade =
        |channel: u8, backdrop: u8| ((u16::from(channel) + 3 * u16::from(backdrop)) / 4) as u8;
    Color32::from_rgb(
        fade(colour.r(), BACKDROP.r()),
        fade(colour.g(), BACKDROP.g()),
        fade(colour.b(), BACKDROP.b()),
    )
}

/// A small single-line label placed in `rect` by `layout` (a screen reader and the UI
/// tests find it).
fn label_in(ui: &mut Ui, rect: Rect, layout: Layout, text: String) {
    ui.scope_builder(UiBuilder::new().max_rect(rect).layout(layout), |ui| {
        ui.add(egui::Label::new(RichText::new(text).size(TEXT_SIZE)).selectable(false));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_is_on_the_right_for_both_maps() {
        assert_eq!(nearness(DepthUnit::InverseDepth8, 255.0), 1.0);
        assert_eq!(nearness(DepthUnit::InverseDepth8, 0.0), 0.0);
        assert_eq!(nearness(DepthUnit::Millimetres, 0.0), 1.0);
        assert_eq!(nearness(DepthUnit::Millimetres, 5000.0), 0.0);
        assert_eq!(nearness(DepthUnit::Millimetres, 1250.0), 0.75);
        for unit in [DepthUnit::InverseDepth8, DepthUnit::Millimetres] {
            for value in [0.0, 60.0, 120.0, 255.0] {
                assert!((value_at(unit, nearness(unit, value)) - value).abs() < 1e-3);
            }
        }
    }

    #[test]
    fn the_near_end_is_red_and_the_far_end_blue() {
        for unit in [DepthUnit::InverseDepth8, DepthUnit::Millimetres] {
            let near = colour(unit, value_at(unit, 1.0));
            let far = colour(unit, value_at(unit, 0.0));
            assert!(
                near.r() > near.b() && far.b() > far.r(),
                "{unit:?}: {near:?} {far:?}"
            );
        }
    }

    #[test]
    fn the_caption_says_what_the_mask_does_to_this_map() {
        let mask = |depth, range| MaskSettings { depth, range };
        let pseudo = DepthUnit::InverseDepth8;
        let mm = DepthUnit::Millimetres;
        assert_eq!(
            caption(pseudo, &mask(pseudo, Some(DepthRange::new(120.0, 255.0)))),
            "kept 120–255 pseudo-depth level"
        );
        assert_eq!(
            caption(mm, &mask(mm, Some(DepthRange::new(1.0, 700.0)))),
            "kept 1–700 mm"
        );
        assert_eq!(caption(mm, &mask(mm, None)), "mask off: nothing removed");
        assert_eq!(
            caption(mm, &mask(pseudo, Some(DepthRange::new(120.0, 255.0)))),
            "mask uses pseudo-depth (not this map)"
        );
    }
}
