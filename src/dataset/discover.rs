//! Finding takes under a dataset root (`subject*/<scene>/<take>/cam4`).

use std::path::{Path, PathBuf};

use super::DatasetError;
use super::take::EGO_CAMERA_FOLDER;

/// The take folders under `path`, in natural order (`subject2` before `subject10`).
/// `path` may also be a single take or its `cam4` folder.
pub fn discover_takes(path: &Path) -> Result<Vec<PathBuf>, DatasetError> {
    if !path.is_dir() {
        return Err(DatasetError::NotADataset {
            path: path.to_path_buf(),
            message: "not a folder".into(),
        });
    }
    if path.join(EGO_CAMERA_FOLDER).is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    if path
        .file_name()
        .is_some_and(|name| name == EGO_CAMERA_FOLDER)
    {
        return Ok(vec![
            path.parent().map(Path::to_path_buf).unwrap_or_default(),
        ]);
    }
    let mut takes = Vec::new();
    for subject in sorted_subfolders(path)? {
        let is_subject = subject
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with("subject"));
        if !is_subject {
            continue;
        }
        for scene in sorted_subfolders(&subject)? {
            for take in sorted_subfolders(&scene)? {
                if take.join(EGO_CAMERA_FOLDER).is_dir() {
                    takes.push(take);
                }
            }
        }
    }
    if takes.is_empty() {
        return Err(DatasetError::NotADataset {
            path: path.to_path_buf(),
            message: format!(
                "no takes found: expected subject*/<scene>/<take>/{EGO_CAMERA_FOLDER} below it, or a take folder"
            ),
        });
    }
    Ok(takes)
}

fn sorted_subfolders(dir: &Path) -> Result<Vec<PathBuf>, DatasetError> {
    let entries = std::fs::read_dir(dir).map_err(|source| DatasetError::io(dir, source))?;
    let mut folders = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| DatasetError::io(dir, source))?;
        if entry.path().is_dir() && !entry.file_name().to_string_lossy().starts_with('.') {
            folders.push(entry.path());
        }
    }
    folders.sort_by(|a, b| natural_cmp(&a.to_string_lossy(), &b.to_string_lossy()));
    Ok(folders)
}

/// Compares strings so that embedded numbers sort by value (`take2` < `take10`).
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let mut a = a.chars().peekable();
    let mut b = b.chars().peekable();
    loop {
        match (a.peek().copied(), b.peek().copied()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let number_a = take_number(&mut a);
                let number_b = take_number(&mut b);
                let order = number_a
                    .trim_start_matches('0')
                    .len()
                    .cmp(&number_b.trim_start_matches('0').len())
                    .then_with(|| {
                        number_a
                            .trim_start_matches('0')
                            .cmp(number_b.trim_start_matches('0'))
                    });
                if order.is_ne() {
                    return order;
                }
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                a.next();
                b.next();
            }
        }
    }
}

fn take_number(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> String {
    let mut digits = String::new();
    while let Some(c) = chars.peek().copied().filter(char::is_ascii_digit) {
        digits.push(c);
        chars.next();
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_compares_numbers_by_value() {
        let mut names = vec!["subject10", "subject2", "subject1", "take"];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(names, vec!["subject1", "subject2", "subject10", "take"]);
    }

    #[test]
    fn finds_takes_in_the_h2o_layout_only() {
        let root = tempfile::tempdir().expect("temp dir");
        for take in [
            "subject2/h1/0",
            "subject1/k2/10",
            "subject1/k2/2",
            "other/h1/0",
        ] {
            std::fs::create_dir_all(root.path().join(take).join("cam4/rgb")).expect("mkdir");
        }
        std::fs::create_dir_all(root.path().join("subject1/k2/3/cam1")).expect("mkdir");
        let takes = discover_takes(root.path()).expect("takes");
        let names: Vec<String> = takes
            .iter()
            .map(|take| {
                take.strip_prefix(root.path())
                    .expect("below root")
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(
            names,
            vec!["subject1/k2/2", "subject1/k2/10", "subject2/h1/0"]
        );
        assert_eq!(
            discover_takes(&takes[0]).expect("one take"),
            vec![takes[0].clone()]
        );
    }

    #[test]
    fn an_empty_folder_says_what_was_expected() {
        let root = tempfile::tempdir().expect("temp dir");
        let error = discover_takes(root.path()).unwrap_err().to_string();
        assert!(
            error.contains("no takes found") && error.contains("subject*"),
            "{error}"
        );
    }
}
