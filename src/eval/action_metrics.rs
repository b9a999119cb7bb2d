//! Action accuracy and the confusion matrix over the 36 H2O action classes.

use crate::dataset::classes::action_name;
use crate::infer::ACTION_CLASSES;

/// Counts of (true action, predicted action) pairs; ids are 1..=36.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfusionMatrix {
    /// `counts[truth - 1][predicted - 1]`.
    pub counts: Vec<[u32; ACTION_CLASSES]>,
}

impl Default for ConfusionMatrix {
    fn default() -> Self {
        Self {
            counts: vec![[0; ACTION_CLASSES]; ACTION_CLASSES],
        }
    }
}

/// An action id the confusion matrix has no row or column for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{side} action id {id} is outside 1..={ACTION_CLASSES}")]
pub struct ActionIdError {
    /// "true" or "predicted".
    pub side: &'static str,
    /// The id found.
    pub id: u32,
}

impl ConfusionMatrix {
    /// Counts one segment; ids outside 1..=36 are refused.
    pub fn add(&mut self, truth: u32, predicted: u32) -> Result<(), ActionIdError> {
        let slot = |id: u32, side: &'static str| {
            (1..=ACTION_CLASSES as u32)
                .contains(&id)
                .then(|| id as usize - 1)
                .ok_or(ActionIdError { side, id })
        };
        let (row, column) = (slot(truth, "true")?, slot(predicted, "predicted")?);
        self.counts[row][column] += 1;
        Ok(())
    }

    /// Segments counted.
    pub fn total(&self) -> u32 {
        self.counts.iter().flatten().sum()
    }

    /// Segments on the diagonal.
    pub fn correct(&self) -> u32 {
        (0..ACTION_CLASSES).map(|i| self.counts[i][i]).sum()
    }

    /// Fraction correct (SHARP's top-1 accuracy); `None` when nothing was counted.
    pub fn accuracy(&self) -> Option<f64> {
        let total = self.total();
        (total > 0).then(|| f64::from(self.correct()) / f64::from(total))
    }

    /// Per true class with segments: (id, segments, recall).
    pub fn recall_per_class(&self) -> Vec<(u32, u32, f64)> {
        self.counts
            .iter()
            .enumerate()
            .filter_map(|(row, counts)| {
                let total: u32 = counts.iter().sum();
                (total > 0).then(|| {
                    (
                        row as u32 + 1,
                        total,
                        f64::from(counts[row]) / f64::from(total),
                    )
                })
            })
            .collect()
    }

    /// The matrix as CSV: a header of predicted ids, one row per true id with its name.
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["true_id".to_owned(), "true_name".to_owned()];
        header.extend((1..=ACTION_CLASSES).map(|id| format!("pred_{id}")));
        writer.write_record(&header)?;
        for (row, counts) in self.counts.iter().enumerate() {
            let id = row as u32 + 1;
            let mut record = vec![id.to_string(), action_name(id).unwrap_or("?").to_owned()];
            record.extend(counts.iter().map(u32::to_string));
            writer.write_record(&record)?;
        }
        let bytes = writer.into_inner().map_err(|error| error.into_error())?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accuracy_and_recall_match_hand_counts() {
        let mut matrix = ConfusionMatrix::default();
        for (truth, predicted) in [(1, 1), (1, 2), (2, 2), (36, 36), (36, 1)] {
            matrix.add(truth, predicted).expect("valid ids");
        }
        assert_eq!(matrix.total(), 5);
        assert_eq!(matrix.correct(), 3);
        assert_eq!(matrix.accuracy(), Some(0.6));
        assert_eq!(
            matrix.recall_per_class(),
            vec![(1, 2, 0.5), (2, 1, 1.0), (36, 2, 0.5)]
        );
        assert_eq!(matrix.counts[35][0], 1);
    }

    #[test]
    fn background_and_unknown_ids_are_refused() {
        let mut matrix = ConfusionMatrix::default();
        let error = matrix.add(0, 1).unwrap_err();
        assert_eq!(
            error,
            ActionIdError {
                side: "true",
                id: 0
            }
        );
        assert!(error.to_string().contains("true action id 0"), "{error}");
        assert_eq!(
            matrix.add(1, 37),
            Err(ActionIdError {
                side: "predicted",
                id: 37
            })
        );
        assert_eq!(matrix.accuracy(), None);
    }

    #[test]
    fn csv_has_a_row_per_class_and_a_column_per_prediction() {
        let mut matrix = ConfusionMatrix::default();
        matrix.add(2, 3).expect("valid ids");
        let csv = matrix.to_csv().expect("csv");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 1 + ACTION_CLASSES);
        assert!(lines[0].starts_with("true_id,true_name,pred_1,pred_2"));
        assert!(lines[2].starts_with("2,grab espresso,0,0,1,0"));
    }
}
