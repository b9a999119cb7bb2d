//! A titled panel showing one image, fitted to its cell with the aspect kept.

use egui::{
    Align, Align2, Color32, FontId, Label, Layout, Painter, Rect, RichText, TextureHandle, Ui,
    UiBuilder, pos2, vec2,
};

/// Height of a panel's title strip.
pub const TITLE_HEIGHT: f32 = 18.0;

/// Draws `title` above the cell and the texture fitted below it (stretched to
/// `display_size`'s aspect when given, e.g. a 384x384 depth map shown as the frame it
/// covers), then calls `overlay` with the painter and the screen rectangle the image
/// occupies. Without a texture the cell shows `placeholder`. Returns the screen rectangle
/// of the image, when there is one.
pub fn image_panel(
    ui: &mut Ui,
    cell: Rect,
    title: &str,
    texture: Option<&TextureHandle>,
    display_size: Option<egui::Vec2>,
    placeholder: &str,
    overlay: impl FnOnce(&Painter, Rect),
) -> Option<Rect> {
    let painter = ui.painter_at(cell);
    let (title_rect, body) = split_title(cell);
    panel_title(ui, title_rect, title);
    painter.rect_filled(body, 2.0, Color32::from_gray(16));
    match texture {
        Some(texture) => {
            let image_rect = fit(body, display_size.unwrap_or_else(|| texture.size_vec2()));
            painter.image(
                texture.id(),
                image_rect,
                Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
                Color32::WHITE,
            );
            overlay(&painter, image_rect);
            Some(image_rect)
        }
        None => {
            painter.text(
                body.center(),
                Align2::CENTER_CENTER,
                placeholder,
                FontId::proportional(13.0),
                ui.visuals().weak_text_color(),
            );
            None
        }
    }
}

/// Shows `title` as a label (so screen readers and UI tests find it) in a title strip.
pub fn panel_title(ui: &mut Ui, title_rect: Rect, title: &str) {
    text_in(ui, title_rect, RichText::new(title).strong());
}

/// Shows `text` as a left-aligned, single-line label inside `rect`.
pub fn text_in(ui: &mut Ui, rect: Rect, text: RichText) {
    let inner = rect.shrink2(vec2(4.0, 0.0));
    ui.scope_builder(
        UiBuilder::new()
            .max_rect(inner)
            .layout(Layout::left_to_right(Align::Center)),
        |ui| ui.add(Label::new(text).truncate()),
    );
}

/// Splits a cell into its title strip and body.
pub fn split_title(cell: Rect) -> (Rect, Rect) {
    let title = Rect::from_min_max(cell.min, pos2(cell.max.x, cell.min.y + TITLE_HEIGHT));
    let body = Rect::from_min_max(pos2(cell.min.x, cell.min.y + TITLE_HEIGHT), cell.max);
    (title, body)
}

/// The largest rectangle of `size`'s aspect centred in `area`.
pub fn fit(area: Rect, size: egui::Vec2) -> Rect {
    let scale = (area.width() / size.x).min(area.height() / size.y).max(0.0);
    Rect::from_center_size(area.center(), size * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_keeps_aspect_and_centres() {
        let area = Rect::from_min_size(pos2(0.0, 0.0), vec2(400.0, 400.0));
        let fitted = fit(area, vec2(1280.0, 720.0));
        assert_eq!(fitted.width(), 400.0);
        assert_eq!(fitted.height(), 225.0);
        assert_eq!(fitted.center(), area.center());
    }
}
