//! What went wrong, or was worked around, while the chain processed a frame: typed
//! problems with a severity, so the viewer can say which is which and the batch commands fail
//! a frame only on errors, not on notices.

use std::fmt;

/// How much a problem matters to the frame's results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The results are what was asked for; something was worked around or is worth
    /// knowing (a fallback wrist depth, a second hand labelled alike left out).
    Notice,
    /// A result is missing or not what was asked for (a network failed, a mask could not
    /// be applied, annotations could not be read).
    Error,
}

impl Severity {
    /// Lower-case name, as printed before a message.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Notice => "notice",
            Severity::Error => "error",
        }
    }
}

/// One problem of a frame.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Problem {
    /// How much it matters.
    pub severity: Severity,
    /// What happened, in words for the user.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The problems of one frame, in the order they happened.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrameReport {
    problems: Vec<Problem>,
}

impl FrameReport {
    /// Records an error: a result is missing or not what was asked for.
    pub fn error(&mut self, message: impl Into<String>) {
        self.push(Severity::Error, message);
    }

    /// Records a notice: the results stand, but the user should know.
    pub fn notice(&mut self, message: impl Into<String>) {
        self.push(Severity::Notice, message);
    }

    /// Records a problem of the given severity.
    fn push(&mut self, severity: Severity, message: impl Into<String>) {
        self.problems.push(Problem {
            severity,
            message: message.into(),
        });
    }

    /// Appends another report's problems.
    pub fn extend(&mut self, other: &FrameReport) {
        self.problems.extend(other.problems.iter().cloned());
    }

    /// Every problem, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter()
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.iter()
            .filter(|problem| problem.severity == Severity::Error)
    }

    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// Whether there is no problem at all.
    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    /// The errors' messages joined by "; " (for a one-line failure reason).
    pub fn error_summary(&self) -> String {
        self.errors()
            .map(|problem| problem.message.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl<'a> IntoIterator for &'a FrameReport {
    type Item = &'a Problem;
    type IntoIter = std::slice::Iter<'a, Problem>;

    fn into_iter(self) -> Self::IntoIter {
        self.problems.iter()
    }
}

/// The notices of a run over many frames, counted by message.
#[derive(Clone, Debug, Default)]
pub struct NoticeTally {
    frames: usize,
    by_message: std::collections::BTreeMap<String, usize>,
}

impl NoticeTally {
    /// Counts `report`'s notices (its errors are not counted here).
    pub fn add(&mut self, report: &FrameReport) {
        let mut any = false;
        for problem in report.iter().filter(|p| p.severity == Severity::Notice) {
            *self.by_message.entry(problem.message.clone()).or_insert(0) += 1;
            any = true;
        }
        self.frames += usize::from(any);
    }

    /// Frames with at least one notice.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// The `count` most frequent messages with how often each came, most frequent first.
    pub fn most_frequent(&self, count: usize) -> Vec<(&str, usize)> {
        let mut messages: Vec<(&str, usize)> = self
            .by_message
            .iter()
            .map(|(message, times)| (message.as_str(), *times))
            .collect();
        messages.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        messages.truncate(count);
        messages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_told_apart_from_notices() {
        let mut report = FrameReport::default();
        assert!(report.is_empty() && !report.has_errors());
        report.notice("left wrist depth fell back to 500 mm");
        assert!(!report.has_errors(), "a notice alone is not an error");
        report.error("pose network failed: out of memory");
        report.error("action network failed: bad shape");
        assert!(report.has_errors());
        assert_eq!(report.iter().count(), 3);
        assert_eq!(
            report.error_summary(),
            "pose network failed: out of memory; action network failed: bad shape"
        );
        let severities: Vec<Severity> = report.iter().map(|p| p.severity).collect();
        assert_eq!(
            severities,
            [Severity::Notice, Severity::Error, Severity::Error]
        );
    }

    #[test]
    fn a_tally_counts_frames_and_messages_of_notices_only() {
        let mut tally = NoticeTally::default();
        let mut first = FrameReport::default();
        first.notice("fallback depth");
        first.notice("two left hands");
        first.error("pose network failed");
        let mut second = FrameReport::default();
        second.notice("fallback depth");
        tally.add(&first);
        tally.add(&second);
        tally.add(&FrameReport::default());
        assert_eq!(tally.frames(), 2);
        assert_eq!(
            tally.most_frequent(5),
            [("fallback depth", 2), ("two left hands", 1)]
        );
        assert_eq!(tally.most_frequent(1), [("fallback depth", 2)]);
    }
}
