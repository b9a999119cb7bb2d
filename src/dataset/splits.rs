//! The H2O split files: `pose_<split>.txt` and `action_<split>.txt` at the dataset root.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::DatasetError;
use super::classes::ACTION_CLASS_COUNT;

/// A dataset split.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Split {
    /// Training split.
    Train,
    /// Validation split (action labels available).
    Val,
    /// Test split (no action labels in the release).
    Test,
}

impl Split {
    /// Every split.
    pub const ALL: [Split; 3] = [Split::Train, Split::Val, Split::Test];

    /// Name used in file names and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Val => "val",
            Split::Test => "test",
        }
    }

    /// `pose_<split>.txt`.
    pub fn pose_file_name(self) -> String {
        format!("pose_{}.txt", self.name())
    }

    /// `action_<split>.txt`.
    pub fn action_file_name(self) -> String {
        format!("action_{}.txt", self.name())
    }
}

impl std::str::FromStr for Split {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Split::ALL
            .into_iter()
            .find(|split| split.name() == text)
            .ok_or_else(|| format!("unknown split `{text}`: expected train, val or test"))
    }
}

/// One labelled action segment of `action_<split>.txt`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionSegment {
    /// Segment id (the CodaLab submission key).
    pub id: u32,
    /// Take folder relative to the dataset root, without `cam4`.
    pub take: String,
    /// Action id 1..=36; `None` in the test split.
    pub action: Option<u32>,
    /// First frame of the action (inclusive).
    pub start_act: u32,
    /// Last frame of the action (inclusive).
    pub end_act: u32,
    /// First frame of the take.
    pub start_frame: u32,
    /// Last frame of the take.
    pub end_frame: u32,
}

/// Header of the labelled action split files.
pub const ACTION_HEADER: &str = "id path action_label start_act end_act start_frame end_frame";
/// Header of the unlabelled (test) action split file.
pub const ACTION_HEADER_UNLABELLED: &str = "id path start_act end_act start_frame end_frame";

/// The split files found at a dataset root. A missing file is simply absent.
#[derive(Clone, Debug, Default)]
pub struct Splits {
    /// Per split, per take (relative folder), the frame numbers listed.
    pub pose: BTreeMap<Split, BTreeMap<String, BTreeSet<u32>>>,
    /// Per split, the action segments listed.
    pub actions: BTreeMap<Split, Vec<ActionSegment>>,
}

impl Splits {
    /// Reads every split file present under `root`; malformed lines are reported and
    /// skipped.
    pub fn load(root: &Path) -> (Splits, Vec<DatasetError>) {
        let mut splits = Splits::default();
        let mut problems = Vec::new();
        for split in Split::ALL {
            let pose_path = root.join(split.pose_file_name());
            if pose_path.is_file() {
                match std::fs::read_to_string(&pose_path) {
                    Ok(text) => {
                        let (takes, errors) = parse_pose_split(&text);
                        problems.extend(
                            errors
                                .into_iter()
                                .map(|m| DatasetError::parse(&pose_path, m)),
                        );
                        splits.pose.insert(split, takes);
                    }
                    Err(source) => problems.push(DatasetError::io(&pose_path, source)),
                }
            }
            let action_path = root.join(split.action_file_name());
            if action_path.is_file() {
                match std::fs::read_to_string(&action_path) {
                    Ok(text) => match parse_action_split(&text) {
                        Ok((segments, errors)) => {
                            problems.extend(
                                errors
                                    .into_iter()
                                    .map(|m| DatasetError::parse(&action_path, m)),
                            );
                            splits.actions.insert(split, segments);
                        }
                        Err(error) => {
                            problems.push(DatasetError::parse(&action_path, error.to_string()));
                        }
                    },
                    Err(source) => problems.push(DatasetError::io(&action_path, source)),
                }
            }
        }
        (splits, problems)
    }

    /// The pose splits that list frames of `take` (relative folder, e.g. `subject1/h1/0`).
    pub fn pose_splits_of(&self, take: &str) -> Vec<Split> {
        self.pose
            .iter()
            .filter(|(_, takes)| takes.contains_key(take))
            .map(|(split, _)| *split)
            .collect()
    }

    /// The action segments of `take` in every split.
    pub fn segments_of<'a>(
        &'a self,
        take: &'a str,
    ) -> impl Iterator<Item = (Split, &'a ActionSegment)> + 'a {
        self.actions
            .iter()
            .flat_map(|(split, segments)| segments.iter().map(move |segment| (*split, segment)))
            .filter(move |(_, segment)| segment.take == take)
    }

    /// Whether any split file was found.
    pub fn is_empty(&self) -> bool {
        self.pose.is_empty() && self.actions.is_empty()
    }
}

/// Parses a pose split file: one `<take>/cam4/rgb/NNNNNN.png` per line.
/// Returns the frames per take and one message per bad line.
pub fn parse_pose_split(text: &str) -> (BTreeMap<String, BTreeSet<u32>>, Vec<String>) {
    let mut takes: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    let mut errors = Vec::new();
    for (line_index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match split_frame_path(line) {
            Some((take, frame)) => {
                takes.entry(take.to_owned()).or_default().insert(frame);
            }
            None => errors.push(format!(
                "line {}: `{line}` is not a frame path like subject1/h1/0/cam4/rgb/000000.png",
                line_index + 1
            )),
        }
    }
    (takes, errors)
}

fn split_frame_path(line: &str) -> Option<(&str, u32)> {
    let (take, file) = line.rsplit_once("/cam4/rgb/")?;
    let stem = file.strip_suffix(".png")?;
    if take.is_empty() || stem.len() != 6 || !stem.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((take, stem.parse().ok()?))
}

/// An action split file without one of the two H2O headers.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum ActionHeaderError {
    /// The first line is another header.
    #[error("header `{0}` is not `{ACTION_HEADER}` (or, for test, `{ACTION_HEADER_UNLABELLED}`)")]
    Wrong(String),
    /// The file has no line.
    #[error("empty file: expected the header `{ACTION_HEADER}`")]
    Empty,
}

/// Parses an action split file. Fails when the header is not one of the two H2O
/// headers; bad rows are reported and skipped.
pub fn parse_action_split(
    text: &str,
) -> Result<(Vec<ActionSegment>, Vec<String>), ActionHeaderError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty());
    let header = lines
        .next()
        .map(|(_, line)| line.split_whitespace().collect::<Vec<_>>().join(" "));
    let labelled = match header.as_deref() {
        Some(ACTION_HEADER) => true,
        Some(ACTION_HEADER_UNLABELLED) => false,
        Some(other) => return Err(ActionHeaderError::Wrong(other.to_owned())),
        None => return Err(ActionHeaderError::Empty),
    };
    let mut segments = Vec::new();
    let mut errors = Vec::new();
    for (line_index, line) in lines {
        match parse_action_row(line, labelled) {
            Ok(segment) => segments.push(segment),
            Err(message) => errors.push(format!("line {}: {message}", line_index + 1)),
        }
    }
    Ok((segments, errors))
}

/// What is wrong with one row of an action split file.
#[derive(Debug, PartialEq, thiserror::Error)]
enum RowError {
    /// The row has the wrong number of columns.
    #[error("expected {expected} columns, found {found}")]
    Columns {
        /// Columns of the file's kind.
        expected: usize,
        /// Columns found.
        found: usize,
    },
    /// A numeric column is not a non-negative integer.
    #[error("{column} `{token}` is not a non-negative integer")]
    NotAnInteger {
        /// The column's name.
        column: &'static str,
        /// What it holds.
        token: String,
    },
    /// The action label is not one of the classes.
    #[error("action_label {0} is outside 1..={ACTION_CLASS_COUNT}")]
    UnknownAction(u32),
    /// The segment ends before it starts.
    #[error("start_act {start} is after end_act {end}")]
    Reversed {
        /// `start_act`.
        start: u32,
        /// `end_act`.
        end: u32,
    },
}

fn parse_action_row(line: &str, labelled: bool) -> Result<ActionSegment, RowError> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let expected = if labelled { 7 } else { 6 };
    if fields.len() != expected {
        return Err(RowError::Columns {
            expected,
            found: fields.len(),
        });
    }
    let number = |index: usize, column: &'static str| -> Result<u32, RowError> {
        fields[index].parse().map_err(|_| RowError::NotAnInteger {
            column,
            token: fields[index].to_owned(),
        })
    };
    let offset = usize::from(labelled);
    let action = if labelled {
        let id = number(2, "action_label")?;
        if id == 0 || id as usize > ACTION_CLASS_COUNT {
            return Err(RowError::UnknownAction(id));
        }
        Some(id)
    } else {
        None
    };
    let segment = ActionSegment {
        id: number(0, "id")?,
        take: fields[1].trim_end_matches('/').to_owned(),
        action,
        start_act: number(2 + offset, "start_act")?,
        end_act: number(3 + offset, "end_act")?,
        start_frame: number(4 + offset, "start_frame")?,
        end_frame: number(5 + offset, "end_frame")?,
    };
    if segment.start_act > segment.end_act {
        return Err(RowError::Reversed {
            start: segment.start_act,
            end: segment.end_act,
        });
    }
    Ok(segment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pose_split_groups_frames_by_take_and_reports_bad_lines() {
        let text = "subject1/h1/0/cam4/rgb/000000.png\nsubject1/h1/0/cam4/rgb/000001.png\n\nbad line\nsubject2/k1/3/cam4/rgb/000007.png\n";
        let (takes, errors) = parse_pose_split(text);
        assert_eq!(takes["subject1/h1/0"], BTreeSet::from([0, 1]));
        assert_eq!(takes["subject2/k1/3"], BTreeSet::from([7]));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("line 4:"), "{errors:?}");
    }

    #[test]
    fn action_split_reads_both_headers() {
        let labelled = format!("{ACTION_HEADER}\n1 subject1/h1/0 23 10 40 0 89\n");
        let (segments, errors) = parse_action_split(&labelled).expect("valid");
        assert!(errors.is_empty());
        assert_eq!(segments[0].action, Some(23));
        assert_eq!((segments[0].start_act, segments[0].end_act), (10, 40));

        let test = format!("{ACTION_HEADER_UNLABELLED}\n7 subject4/k1/2 5 9 0 30\n");
        let (segments, _) = parse_action_split(&test).expect("valid");
        assert_eq!(segments[0].action, None);
        assert_eq!(segments[0].id, 7);
    }

    #[test]
    fn action_split_rejects_bad_rows_and_headers() {
        let text = format!("{ACTION_HEADER}\n1 a 99 1 2 0 9\n2 a 3 5 2 0 9\n3 a 3 1\n");
        let (segments, errors) = parse_action_split(&text).expect("header ok");
        assert!(segments.is_empty());
        assert!(errors[0].contains("outside 1..=36"), "{errors:?}");
        assert!(errors[1].contains("after end_act"), "{errors:?}");
        assert!(errors[2].contains("expected 7 columns"), "{errors:?}");
        assert!(
            parse_action_split("id path\n")
                .unwrap_err()
                .to_string()
                .contains("header")
        );
    }

    #[test]
    fn split_names_round_trip() {
        for split in Split::ALL {
            assert_eq!(split.name().parse::<Split>(), Ok(split));
        }
        assert!("dev".parse::<Split>().is_err());
    }
}
