//! A two-ended slider for a [near, far] range.

use egui::{Response, Sense, Ui, Vec2, pos2, vec2};

use crate::mask::DepthRange;

/// Shows a horizontal slider with a handle for each end of `range`, bounded by
/// `[min, max]`. Dragging the bar between the handles moves the whole range.
/// Returns a response that is `changed()` when the range moved.
pub fn range_slider(
    ui: &mut Ui,
    range: &mut DepthRange,
    min: f32,
    max: f32,
    width: f32,
) -> Response {
    let height = ui.spacing().interact_size.y;
    let (rect, mut response) = ui.allocate_exact_size(vec2(width, height), Sense::click_and_drag());
    let span = (max - min).max(f32::EPSILON);
    let to_x = |value: f32| rect.left() + (value - min) / span * rect.width();
    let to_value = |x: f32| (min + (x - rect.left()) / rect.width() * span).clamp(min, max);

    let id = response.id;
    #[derive(Clone, Copy)]
    enum Grab {
        Near,
        Far,
        Both(f32),
    }
    if response.drag_started()
        && let Some(pointer) = response.interact_pointer_pos()
    {
        let (near_x, far_x) = (to_x(range.near), to_x(range.far));
        let grab = if (pointer.x - near_x).abs() <= (pointer.x - far_x).abs()
            && (pointer.x - near_x).abs() < 8.0
        {
            Grab::Near
        } else if (pointer.x - far_x).abs() < 8.0 {
            Grab::Far
        } else if pointer.x > near_x && pointer.x < far_x {
            Grab::Both(to_value(pointer.x) - range.near)
        } else if (pointer.x - near_x).abs() < (pointer.x - far_x).abs() {
            Grab::Near
        } else {
            Grab::Far
        };
        ui.data_mut(|data| data.insert_temp(id, grab));
    }
    if response.dragged()
        && let (Some(pointer), Some(grab)) = (
            response.interact_pointer_pos(),
            ui.data(|data| data.get_temp::<Grab>(id)),
        )
    {
        let value = to_value(pointer.x).round();
        let before = *range;
        match grab {
            Grab::Near => range.near = value.min(range.far),
            Grab::Far => range.far = value.max(range.near),
            Grab::Both(offset) => {
                let width = range.far - range.near;
                let near = (value - offset).round().clamp(min, max - width);
                *range = DepthRange::new(near, near + width);
            }
        }
        if *range != before {
            response.mark_changed();
        }
    }

    if ui.is_rect_visible(rect) {
        let visuals = ui.style().interact(&response);
        let painter = ui.painter();
        let rail = egui::Rect::from_center_size(rect.center(), vec2(rect.width(), 4.0));
        painter.rect_filled(rail, 2.0, ui.visuals().widgets.inactive.bg_fill);
        let selected = egui::Rect::from_min_max(
            pos2(to_x(range.near), rail.top()),
            pos2(to_x(range.far), rail.bottom()),
        );
        painter.rect_filled(selected, 2.0, ui.visuals().selection.bg_fill);
        for value in [range.near, range.far] {
            let center = pos2(to_x(value), rect.center().y);
            painter.circle(center, height * 0.35, visuals.bg_fill, visuals.fg_stroke);
        }
    }
    response.on_hover_text("drag an end, or the bar between them to move the whole range")
}

/// Number fields for both ends, kept ordered and inside `[min, max]`.
pub fn range_fields(ui: &mut Ui, range: &mut DepthRange, min: f32, max: f32, suffix: &str) -> bool {
    let mut near = range.near;
    let mut far = range.far;
    let mut changed = false;
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing = Vec2::new(4.0, 0.0);
        changed |= ui
            .add(
                egui::DragValue::new(&mut near)
                    .range(min..=max)
                    .prefix("near "),
            )
            .changed();
        changed |= ui
            .add(
                egui::DragValue::new(&mut far)
                    .range(min..=max)
                    .prefix("far "),
            )
            .changed();
        ui.weak(suffix);
    });
    if changed {
        *range = DepthRange::new(near, far);
    }
    changed
}
