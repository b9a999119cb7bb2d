//! Pose error widgets: the per-frame MPJPE curve under the timeline (egui_plot) and the
//! legend of the per-joint error colours.

use egui::{Align2, Color32, FontId, Painter, Rect, RichText, Ui, pos2, vec2};
use egui_plot::{HLine, Line, LineStyle, Plot, PlotPoints, Points, VLine};

use super::pose_error::{BAD_COLOR, FAIR_COLOR, FAIR_MM, GOOD_COLOR, GOOD_MM, MpjpeHistory};

/// Height of the curve.
const PLOT_HEIGHT: f32 = 70.0;
/// Colour of the curve.
const CURVE_COLOR: Color32 = Color32::from_rgb(120, 180, 255);
/// About how many labelled ticks the short y axis gets, whatever its scale.
const Y_TICKS: f64 = 3.0;

/// A tick step of 1, 2 or 5 times a power of ten that splits `span` into about `ticks`
/// intervals (at least one), so the axis is labelled at any scale (0-60 mm or 0-2000 mm).
fn nice_tick_step(span: f64, ticks: f64) -> f64 {
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let raw = span / ticks.max(1.0);
    let power = 10f64.powf(raw.log10().floor());
    let mantissa = raw / power;
    let nice = if mantissa <= 1.0 {
        1.0
    } else if mantissa <= 2.0 {
        2.0
    } else if mantissa <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// Shows the readout line and the MPJPE curve of the take, `position` marked.
pub fn mpjpe_plot(ui: &mut Ui, history: &MpjpeHistory, position: usize) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("MPJPE").strong());
        let current = history
            .get(position)
            .map_or("-".to_owned(), |mm| format!("{mm:.1} mm"));
        ui.label(format!("this frame: {current}"));
        ui.separator();
        let since = if history.restarted() {
            " since the settings changed"
        } else {
            " so far"
        };
        match history.mean() {
            Some(mean) => ui.label(format!(
                "take mean: {mean:.1} mm over the {} frames evaluated{since} (of {})",
                history.len(),
                history.frame_count()
            )),
            None => ui.label("take mean: - (no frame with an annotated and predicted hand yet)"),
        }
        .on_hover_text("hands count only where both annotated and predicted present (SHARP)");
    });
    let last = history.frame_count().saturating_sub(1).max(1) as f64;
    let points: Vec<[f64; 2]> = history
        .points()
        .map(|(position, mpjpe)| [position as f64, mpjpe])
        .collect();
    Plot::new("mpjpe-curve")
        .height(PLOT_HEIGHT)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_x(false)
        .include_x(0.0)
        .include_x(last)
        .include_y(0.0)
        .include_y(f64::from(FAIR_MM))
        .y_axis_label("mm")
        .y_grid_spacer(egui_plot::uniform_grid_spacer(|input| {
            let step = nice_tick_step(input.bounds.1 - input.bounds.0, Y_TICKS);
            [step, step * 2.0, step * 10.0]
        }))
        .show(ui, |plot| {
            plot.hline(
                HLine::new("20 mm", f64::from(GOOD_MM))
                    .color(GOOD_COLOR.gamma_multiply(0.5))
                    .style(LineStyle::dashed_dense()),
            );
            plot.hline(
                HLine::new("50 mm", f64::from(FAIR_MM))
                    .color(BAD_COLOR.gamma_multiply(0.5))
                    .style(LineStyle::dashed_dense()),
            );
            plot.vline(VLine::new("current frame", position as f64).color(Color32::WHITE));
            if let Some(mean) = history.mean() {
                plot.hline(
                    HLine::new("take mean", mean)
                        .color(CURVE_COLOR.gamma_multiply(0.6))
                        .style(LineStyle::dashed_loose()),
                );
            }
            plot.line(Line::new("MPJPE", PlotPoints::from(points.clone())).color(CURVE_COLOR));
            plot.points(
                Points::new("MPJPE per frame", PlotPoints::from(points))
                    .color(CURVE_COLOR)
                    .radius(1.5),
            );
        });
}

/// Paints the error-colour legend in the bottom-left corner of `rect`.
pub fn paint_error_legend(painter: &Painter, rect: Rect) {
    let entries = [
        (GOOD_COLOR, format!("< {GOOD_MM:.0} mm")),
        (FAIR_COLOR, format!("< {FAIR_MM:.0} mm")),
        (BAD_COLOR, format!("≥ {FAIR_MM:.0} mm")),
    ];
    let font = FontId::proportional(11.0);
    let row = 14.0;
    let top = rect.bottom() - 6.0 - row * entries.len() as f32;
    let background = Rect::from_min_size(
        pos2(rect.left() + 4.0, top - 4.0),
        vec2(78.0, row * entries.len() as f32 + 6.0),
    );
    painter.rect_filled(background, 3.0, Color32::from_black_alpha(160));
    for (index, (color, text)) in entries.into_iter().enumerate() {
        let centre = pos2(rect.left() + 14.0, top + row * (index as f32 + 0.5));
        painter.circle_filled(centre, 4.0, color);
        painter.text(
            centre + vec2(9.0, 0.0),
            Align2::LEFT_CENTER,
            text,
            font.clone(),
            Color32::WHITE,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::nice_tick_step;

    #[test]
    fn tick_steps_are_one_two_or_five_times_a_power_of_ten_at_any_scale() {
        assert_eq!(nice_tick_step(60.0, 3.0), 20.0);
        assert_eq!(nice_tick_step(55.0, 3.0), 20.0);
        assert_eq!(nice_tick_step(2000.0, 3.0), 1000.0);
        assert_eq!(nice_tick_step(130.0, 3.0), 50.0);
        assert!((nice_tick_step(0.3, 3.0) - 0.1).abs() < 1e-12);
        assert_eq!(nice_tick_step(0.0, 3.0), 1.0);
        assert_eq!(nice_tick_step(f64::NAN, 3.0), 1.0);
        for span in [1.0, 7.0, 45.0, 333.0, 9_000.0] {
            let intervals = span / nice_tick_step(span, 3.0);
            assert!((1.0..=6.0).contains(&intervals), "{span}: {intervals}");
        }
    }
}
