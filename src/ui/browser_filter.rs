//! The dataset browser's filter: which takes match the words typed, and counts in words.

use crate::source::CatalogTake;

/// Whether `take` matches every whitespace-separated word of `filter` (case-insensitive),
/// each word found in its `subject/scene/take` path or its split membership (`test`,
/// `pose: val`, `action: train`). An empty filter matches everything.
pub fn take_matches(take: &CatalogTake, filter: &str) -> bool {
    let haystack = format!("{} {}", take.relative, take.split_summary()).to_lowercase();
    filter
        .split_whitespace()
        .all(|word| haystack.contains(&word.to_lowercase()))
}

/// `count` and `noun`, with the noun's plural (an added `s`) unless the count is one.
pub fn counted(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::dataset::Split;
    use crate::source::TakeHealth;

    fn take(relative: &str, pose: Vec<Split>) -> CatalogTake {
        CatalogTake {
            name: relative.rsplit('/').next().unwrap_or_default().to_owned(),
            relative: relative.to_owned(),
            path: PathBuf::from(relative),
            frames: 10,
            health: TakeHealth::Complete,
            pose_splits: pose,
            action_segments: Vec::new(),
        }
    }

    #[test]
    fn every_word_must_match_the_path_or_the_splits() {
        let k2 = take("subject3/k2/1", vec![Split::Test]);
        let h1 = take("subject1/h1/0", vec![Split::Train]);
        assert!(take_matches(&k2, ""));
        assert!(take_matches(&k2, "  "));
        assert!(take_matches(&k2, "K2"));
        assert!(take_matches(&k2, "subject3 test"));
        assert!(!take_matches(&k2, "subject3 train"));
        assert!(take_matches(&h1, "h1 train"));
        assert!(!take_matches(&h1, "k2"));
        assert!(take_matches(&h1, "subject1/h1"));
    }

    #[test]
    fn counts_take_the_plural_unless_one() {
        assert_eq!(counted(0, "take"), "0 takes");
        assert_eq!(counted(1, "take"), "1 take");
        assert_eq!(counted(3, "take"), "3 takes");
    }
}
