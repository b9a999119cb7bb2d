//! What an evaluation left out and why: frames a split lists that are not there,
//! malformed split lines, missing or malformed files, implausible values. Evaluations
//! collect these instead of skipping silently; the commands report them and fail unless
//! told to score the rest (`--allow-missing`).

use std::collections::BTreeMap;

use serde::Serialize;

/// Why an input was left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// A line of a split file could not be read (bad columns, action id outside 1..=36).
    MalformedSplitLine,
    /// A split lists a take or frame that is not on disk.
    MissingFrame,
    /// The predicted pose file of a listed frame does not exist.
    MissingPoseFile,
    /// A pose, presence, annotation or intrinsics file is unreadable or malformed.
    MalformedFile,
    /// A value is finite but impossible (a joint 1e38 m away, fx 1e30).
    ImplausibleValue,
}

impl SkipReason {
    /// The reason in words.
    pub fn describe(self) -> &'static str {
        match self {
            Self::MalformedSplitLine => "malformed split lines",
            Self::MissingFrame => "listed frames not on disk",
            Self::MissingPoseFile => "missing pose files",
            Self::MalformedFile => "malformed files",
            Self::ImplausibleValue => "implausible values",
        }
    }
}

/// One input left out.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SkippedInput {
    /// Why.
    pub reason: SkipReason,
    /// Which file or line, and what is wrong.
    pub detail: String,
}

/// Everything an evaluation left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SkippedInputs {
    items: Vec<SkippedInput>,
}

impl SkippedInputs {
    /// Records one input left out.
    pub fn push(&mut self, reason: SkipReason, detail: impl Into<String>) {
        self.items.push(SkippedInput {
            reason,
            detail: detail.into(),
        });
    }

    /// Whether nothing was left out.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Everything left out, in the order found.
    pub fn items(&self) -> &[SkippedInput] {
        &self.items
    }

    /// How many inputs were left out for each reason.
    pub fn counts(&self) -> BTreeMap<SkipReason, usize> {
        let mut counts = BTreeMap::new();
        for item in &self.items {
            *counts.entry(item.reason).or_insert(0) += 1;
        }
        counts
    }

    /// A report for people: one line per reason with its count, then the first `examples`
    /// details of each.
    pub fn report(&self, examples: usize) -> Vec<String> {
        let mut lines = Vec::new();
        for (reason, count) in self.counts() {
            lines.push(format!("{count} {}", reason.describe()));
            lines.extend(
                self.items
                    .iter()
                    .filter(|item| item.reason == reason)
                    .take(examples)
                    .map(|item| format!("  {}", item.detail)),
            );
            if count > examples {
                lines.push(format!("  ... and {} more", count - examples));
            }
        }
        lines
    }

    /// The counts per reason as JSON (`{"missing_pose_file": 3, ...}`), for summaries.
    pub fn counts_json(&self) -> serde_json::Value {
        let counts: BTreeMap<String, usize> = self
            .counts()
            .into_iter()
            .map(|(reason, count)| {
                let key = serde_json::to_value(reason)
                    .ok()
                    .and_then(|value| value.as_str().map(str::to_owned))
                    .unwrap_or_else(|| format!("{reason:?}"));
                (key, count)
            })
            .collect();
        serde_json::json!(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_reports_by_reason() {
        let mut skipped = SkippedInputs::default();
        skipped.push(SkipReason::MissingPoseFile, "a.txt");
        skipped.push(SkipReason::MissingPoseFile, "b.txt");
        skipped.push(SkipReason::ImplausibleValue, "c.txt: z 1e38");
        assert_eq!(skipped.counts()[&SkipReason::MissingPoseFile], 2);
        assert_eq!(
            skipped.counts_json(),
            serde_json::json!({"missing_pose_file": 2, "implausible_value": 1})
        );
        let report = skipped.report(1);
        assert_eq!(
            report,
            [
                "2 missing pose files",
                "  a.txt",
                "  ... and 1 more",
                "1 implausible values",
                "  c.txt: z 1e38"
            ]
        );
    }
}
