//! The action banner above the panels and the top-5 list in the side panel.

use egui::{ProgressBar, RichText, Ui};

use super::settings::ViewerSettings;
use crate::chain::ActionInput;
use crate::dataset::classes::action_name;
use crate::pipeline::FrameResult;

/// The banner text: the predicted action (when the classifier ran) and the label.
pub fn banner_text(result: Option<&FrameResult>) -> String {
    let Some(result) = result else {
        return String::new();
    };
    let truth = match result.frame.annotations.action {
        Some(0) => "background".to_owned(),
        Some(id) => action_name(id).unwrap_or("unknown id").to_owned(),
        None => "no label".to_owned(),
    };
    match &result.processed.action {
        Some(outcome) => {
            let best = outcome.prediction.best();
            format!(
                "Action: {} ({:.0}%)   ·   GT: {truth}",
                best.name,
                best.probability * 100.0
            )
        }
        None => format!("GT action: {truth}"),
    }
}

/// The side panel's action section: input choice, window length and fill, the top
/// five. Returns whether a processing setting changed.
pub fn action_section(
    ui: &mut Ui,
    settings: &mut ViewerSettings,
    result: Option<&FrameResult>,
) -> bool {
    ui.heading("Action");
    let before = (settings.action_input, settings.action_window_seconds);
    let input = &mut settings.action_input;
    ui.horizontal(|ui| {
        ui.label("poses:");
        ui.selectable_value(input, ActionInput::PredictedPoses, "predicted")
            .on_hover_text("the pose network's hands, as in a live demo");
        ui.selectable_value(input, ActionInput::GroundTruthPoses, "GT")
            .on_hover_text("the take's hand_pose annotations (SHARP's gt_hand_pose)");
    });
    ui.add(
        egui::Slider::new(&mut settings.action_window_seconds, 0.2..=10.0)
            .text("window (s)")
            .logarithmic(true),
    );
    if let Some(result) = result {
        let (filled, capacity) = result.processed.action_window;
        ui.weak(format!(
            "window: {filled}/{capacity} consecutive frames, 20 sampled uniformly"
        ));
        match &result.processed.action {
            Some(outcome) => {
                for score in outcome.prediction.top5 {
                    ui.add(
                        ProgressBar::new(score.probability).text(
                            RichText::new(format!(
                                "{} {:.1}%",
                                score.name,
                                score.probability * 100.0
                            ))
                            .small(),
                        ),
                    );
                }
            }
            None => {
                ui.weak("no prediction yet (play the take to fill the window)");
            }
        }
    }
    (settings.action_input, settings.action_window_seconds) != before
}
