//! The bottom timeline: transport buttons, a scrub bar coloured by action, speed.

use egui::{Align2, Color32, FontId, Rect, Sense, Stroke, Ui, pos2, vec2};

use super::palette::action_color;
use super::playback::Playback;
use crate::dataset::classes::action_name;

/// The playback speeds offered, slowest first.
pub const SPEEDS: [f32; 6] = [0.1, 0.25, 0.5, 1.0, 2.0, 4.0];

/// The offered speed one step faster (or slower) than `speed`; the ends stay put.
pub fn next_speed(speed: f32, faster: bool) -> f32 {
    let next = if faster {
        SPEEDS.iter().copied().find(|&choice| choice > speed)
    } else {
        SPEEDS.iter().rev().copied().find(|&choice| choice < speed)
    };
    next.unwrap_or(speed)
}

/// What the user asked the timeline to do.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TimelineRequest {
    /// Play or pause.
    TogglePlay,
    /// Move by frames.
    Step(i64),
    /// Jump to a position.
    Seek(usize),
    /// The playback speed changed.
    SpeedChanged,
    /// The scrub bar is being dragged (sent every frame of the drag).
    Dragging,
}

/// Shows the timeline; returns the requests made this frame.
pub fn timeline(
    ui: &mut Ui,
    playback: &Playback,
    action_labels: &[Option<u32>],
    speed: &mut f32,
    looping: &mut bool,
) -> Vec<TimelineRequest> {
    let mut requests = Vec::new();
    ui.horizontal(|ui| {
        if ui
            .button("|<")
            .on_hover_text("first frame (Home)")
            .clicked()
        {
            requests.push(TimelineRequest::Seek(0));
        }
        if ui
            .button("<")
            .on_hover_text("previous frame (Left arrow; Shift+Left one second)")
            .clicked()
        {
            requests.push(TimelineRequest::Step(-1));
        }
        let play_label = if playback.is_playing() {
            "Pause"
        } else {
            "Play"
        };
        if ui
            .button(play_label)
            .on_hover_text("play / pause (Space)")
            .clicked()
        {
            requests.push(TimelineRequest::TogglePlay);
        }
        if ui
            .button(">")
            .on_hover_text("next frame (Right arrow; Shift+Right one second)")
            .clicked()
        {
            requests.push(TimelineRequest::Step(1));
        }
        if ui.button(">|").on_hover_text("last frame (End)").clicked() {
            requests.push(TimelineRequest::Seek(
                playback.frame_count().saturating_sub(1),
            ));
        }
        let seconds = playback.position() as f32 / playback.fps();
        ui.monospace(format!(
            "{:>5}/{:<5} {:6.2} s",
            playback.position(),
            playback.frame_count().saturating_sub(1),
            seconds
        ));
        egui::ComboBox::from_label("speed")
            .width(60.0)
            .selected_text(format!("{speed}x"))
            .show_ui(ui, |ui| {
                for choice in SPEEDS {
                    if ui
                        .selectable_value(speed, choice, format!("{choice}x"))
                        .changed()
                    {
                        requests.push(TimelineRequest::SpeedChanged);
                    }
                }
            })
            .response
            .on_hover_text("playback speed (- slower, + faster)");
        ui.checkbox(looping, "loop");
    });
    let (position, dragging) = scrub_bar(ui, playback, action_labels);
    if let Some(position) = position {
        requests.push(TimelineRequest::Seek(position));
    }
    if dragging {
        requests.push(TimelineRequest::Dragging);
    }
    requests
}

/// The scrub bar: action segments as coloured blocks, the play head as a line.
/// Returns the position clicked or dragged to, and whether it is being dragged.
fn scrub_bar(
    ui: &mut Ui,
    playback: &Playback,
    action_labels: &[Option<u32>],
) -> (Option<usize>, bool) {
    let width = ui.available_width();
    let (rect, response) = ui.allocate_exact_size(vec2(width, 22.0), Sense::click_and_drag());
    let count = playback.frame_count().max(1);
    let x_of = |position: usize| rect.left() + rect.width() * position as f32 / count as f32;
    let position_at = |x: f32| {
        (((x - rect.left()) / rect.width() * count as f32)
            .floor()
            .max(0.0) as usize)
            .min(count - 1)
    };
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 3.0, Color32::from_gray(40));
    let mut start = 0;
    while start < action_labels.len() {
        let label = action_labels[start];
        let end = (start..action_labels.len())
            .find(|&i| action_labels[i] != label)
            .unwrap_or(action_labels.len());
        if let Some(action) = label {
            let block = Rect::from_min_max(
                pos2(x_of(start), rect.top() + 3.0),
                pos2(x_of(end), rect.bottom() - 3.0),
            );
            painter.rect_filled(block, 2.0, action_color(action));
        }
        start = end;
    }
    let head = x_of(playback.position()) + rect.width() / count as f32 / 2.0;
    painter.line_segment(
        [pos2(head, rect.top()), pos2(head, rect.bottom())],
        Stroke::new(2.0, Color32::WHITE),
    );

    let hovered_position = response.hover_pos().map(|pointer| position_at(pointer.x));
    if let Some(position) = hovered_position {
        let label = action_labels.get(position).copied().flatten();
        let text = match label.and_then(|id| action_name(id).map(|name| (id, name))) {
            Some((id, name)) => format!("frame {position}: {name} ({id})"),
            None => format!("frame {position}"),
        };
        painter.text(
            pos2(rect.left() + 4.0, rect.center().y),
            Align2::LEFT_CENTER,
            text,
            FontId::proportional(12.0),
            Color32::WHITE,
        );
    }
    let pointer = response.interact_pointer_pos();
    let position = (response.clicked() || response.dragged())
        .then(|| pointer.map(|p| position_at(p.x)))
        .flatten();
    (position, response.dragged())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_keys_step_through_the_offered_speeds_and_stop_at_the_ends() {
        assert_eq!(next_speed(1.0, true), 2.0);
        assert_eq!(next_speed(1.0, false), 0.5);
        assert_eq!(next_speed(4.0, true), 4.0);
        assert_eq!(next_speed(0.1, false), 0.1);
        // A speed between the offered ones (from an edited settings file) snaps onward.
        assert_eq!(next_speed(0.7, true), 1.0);
        assert_eq!(next_speed(0.7, false), 0.5);
    }
}
