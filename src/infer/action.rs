//! The action classifier (Hand3DActionTransformer): 20 frames of 135 features in,
//! probabilities over the 36 H2O actions out.

use std::path::Path;

use super::contract::ModelKind;
use super::error::InferError;
use super::providers::InferOptions;
use super::session::{LoadedModel, ModelInfo};
use crate::dataset::classes::action_name;

/// Frames per action window.
pub const ACTION_WINDOW: usize = 20;
/// Features per frame (see [`super::ActionFrame`]).
pub const ACTION_FEATURES: usize = 135;
/// Actions the classifier scores (ids 1..=36).
pub const ACTION_CLASSES: usize = 36;
/// Ranked actions reported.
pub const TOP_ACTIONS: usize = 5;

/// A loaded action model (`action-v1`).
#[derive(Debug)]
pub struct ActionModel {
    model: LoadedModel,
}

/// One action and its probability.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ActionScore {
    /// H2O action id, 1..=36 (logit index + 1).
    pub id: u32,
    /// Its name (`grab book`, ...).
    pub name: &'static str,
    /// Softmax probability.
    pub probability: f32,
}

/// The classifier's verdict on one window.
#[derive(Clone, Debug, PartialEq)]
pub struct ActionPrediction {
    /// Raw logits; index k is action id k + 1.
    pub logits: [f32; ACTION_CLASSES],
    /// Softmax of the logits (computed in float64); index k is action id k + 1.
    pub probabilities: [f32; ACTION_CLASSES],
    /// The five most likely actions, best first (ties keep the lower id first).
    pub top5: [ActionScore; TOP_ACTIONS],
}

impl ActionPrediction {
    /// Softmax and ranking of `logits`.
    pub fn from_logits(logits: [f32; ACTION_CLASSES]) -> Self {
        let wide = logits.map(f64::from);
        let max = wide.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let exp = wide.map(|logit| (logit - max).exp());
        let sum: f64 = exp.iter().sum();
        let probabilities = exp.map(|e| (e / sum) as f32);
        let mut order: Vec<usize> = (0..ACTION_CLASSES).collect();
        // Stable sort on descending logits: equal logits keep the lower id first.
        order.sort_by(|&a, &b| wide[b].total_cmp(&wide[a]));
        let top5 = std::array::from_fn(|rank| {
            let index = order[rank];
            let id = index as u32 + 1;
            ActionScore {
                id,
                name: action_name(id).unwrap_or("unknown action"),
                probability: probabilities[index],
            }
        });
        Self {
            logits,
            probabilities,
            top5,
        }
    }

    /// The most likely action.
    pub fn best(&self) -> ActionScore {
        self.top5[0]
    }
}

impl ActionModel {
    /// Lets `cancel` stop this model's runs.
    pub fn set_cancel(&mut self, cancel: &super::RunCancel) {
        self.model.set_cancel(cancel);
    }

    /// Loads, validates and warms up an action model.
    pub fn load(path: &Path, options: &InferOptions) -> Result<Self, InferError> {
        let (model, _) = LoadedModel::load(ModelKind::Action, path, options)?;
        Ok(Self { model })
    }

    /// Provider, timings and source of the model.
    pub fn info(&self) -> &ModelInfo {
        self.model.info()
    }

    /// Classifies one window of [`ACTION_WINDOW`] frames.
    pub fn run(
        &mut self,
        features: &[[f32; ACTION_FEATURES]; ACTION_WINDOW],
    ) -> Result<ActionPrediction, InferError> {
        let logits = self.model.run(features.as_flattened())?.get(0);
        let logits: [f32; ACTION_CLASSES] = logits.try_into().map_err(|_| InferError::Run {
            kind: ModelKind::Action,
            message: format!("expected {ACTION_CLASSES} logits, got {}", logits.len()),
        })?;
        Ok(ActionPrediction::from_logits(logits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_sum_to_one_and_rank_by_logit() {
        let mut logits = [0.0f32; ACTION_CLASSES];
        logits[32] = 3.0;
        logits[21] = 2.0;
        logits[4] = 2.0;
        logits[0] = 1.0;
        let prediction = ActionPrediction::from_logits(logits);
        let total: f32 = prediction.probabilities.iter().sum();
        assert!((total - 1.0).abs() < 1e-5);
        let ids: Vec<u32> = prediction.top5.iter().map(|s| s.id).collect();
        assert_eq!(ids, [33, 5, 22, 1, 2]);
        assert_eq!(prediction.best().name, "read book");
    }

    #[test]
    fn huge_logits_do_not_overflow() {
        let mut logits = [-1000.0f32; ACTION_CLASSES];
        logits[35] = 1000.0;
        let prediction = ActionPrediction::from_logits(logits);
        assert_eq!(prediction.best().id, 36);
        assert_eq!(prediction.best().probability, 1.0);
    }
}
