//! Every Markdown file of the repository links only to files inside it: each relative link
//! (and image) names a file or folder that exists under the repository root, each `#anchor`
//! names a heading of its target, and no link or path in code leaves the repository.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// The repository root.
fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Folders never searched for Markdown: build output, git data, downloaded libraries.
fn skipped(name: &str) -> bool {
    name.starts_with('.') || name == "target"
}

/// Every `*.md` file under `dir`, recursively.
fn markdown_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let entry = entry.unwrap();
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            if !skipped(&name) {
                markdown_files(&path, found);
            }
        } else if name.ends_with(".md") {
            found.push(path);
        }
    }
}

/// What one Markdown file links to and which anchors its headings define.
#[derive(Default)]
struct Scan {
    /// Link and image destinations, as written.
    links: Vec<String>,
    /// Inline code that starts like a relative path up the tree (`../...`).
    parent_paths_in_code: Vec<String>,
    /// GitHub-style anchors of the headings.
    anchors: Vec<String>,
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens,
/// and `-1`, `-2`, ... appended to repeats.
fn anchor_of(heading: &str, seen: &mut HashMap<String, usize>) -> String {
    let slug: String = heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect();
    let count = seen.entry(slug.clone()).or_insert(0);
    let anchor = if *count == 0 {
        slug.clone()
    } else {
        format!("{slug}-{count}")
    };
    *count += 1;
    anchor
}

fn scan(text: &str) -> Scan {
    let mut scan = Scan::default();
    let mut heading: Option<String> = None;
    let mut seen = HashMap::new();
    for event in Parser::new(text) {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                scan.links.push(dest_url.into_string());
            }
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                if let Some(title) = heading.take() {
                    scan.anchors.push(anchor_of(&title, &mut seen));
                }
            }
            Event::Text(text) => {
                if let Some(title) = heading.as_mut() {
                    title.push_str(&text);
                }
            }
            Event::Code(code) => {
                if let Some(title) = heading.as_mut() {
                    title.push_str(&code);
                }
                if code.starts_with("../") {
                    scan.parent_paths_in_code.push(code.into_string());
                }
            }
            _ => {}
        }
    }
    scan
}

/// `path` with `.` and `..` folded away, without touching the file system; `None` when a
/// `..` climbs above the first component.
fn normalise(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Some(out)
}

fn is_external(link: &str) -> bool {
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| link.starts_with(scheme))
}

/// Problems with `link` as written in `file`; `anchors` gives each Markdown file's anchors.
fn check_link(
    root: &Path,
    file: &Path,
    link: &str,
    anchors: &HashMap<PathBuf, Vec<String>>,
) -> Option<String> {
    if is_external(link) {
        return None;
    }
    if link.contains("://") || link.starts_with('/') || link.starts_with('~') {
        return Some(format!(
            "`{link}` is not a relative path inside the repository"
        ));
    }
    let (path_part, anchor) = match link.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (link, None),
    };
    let folder = file.parent().unwrap_or(root);
    let target = if path_part.is_empty() {
        file.to_path_buf()
    } else {
        match normalise(&folder.join(path_part)) {
            Some(target) => target,
            None => return Some(format!("`{link}` climbs above the file system root")),
        }
    };
    if !target.starts_with(root) {
        return Some(format!("`{link}` points outside the repository"));
    }
    if !target.exists() {
        return Some(format!(
            "`{link}` names {}, which does not exist",
            target.display()
        ));
    }
    if let Some(anchor) = anchor {
        match anchors.get(&target) {
            Some(known) if known.iter().any(|a| a == anchor) => {}
            Some(known) => {
                return Some(format!(
                    "`{link}`: no heading with anchor `#{anchor}` in {} (anchors: {known:?})",
                    target.display()
                ));
            }
            None => {
                return Some(format!(
                    "`{link}`: an anchor into a file that is not Markdown"
                ));
            }
        }
    }
    None
}

/// Every problem in the Markdown files under `root`, one line each.
fn link_problems(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    markdown_files(root, &mut files);
    let scans: Vec<(PathBuf, Scan)> = files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            let scan = scan(&text);
            (file, scan)
        })
        .collect();
    let anchors: HashMap<PathBuf, Vec<String>> = scans
        .iter()
        .map(|(file, scan)| (file.clone(), scan.anchors.clone()))
        .collect();
    let mut problems = Vec::new();
    for (file, scan) in &scans {
        let name = file
            .strip_prefix(root)
            .unwrap_or(file)
            .display()
            .to_string();
        for link in &scan.links {
            if let Some(problem) = check_link(root, file, link, &anchors) {
                problems.push(format!("{name}: {problem}"));
            }
        }
        for code in &scan.parent_paths_in_code {
            let folder = file.parent().unwrap_or(root);
            let inside = normalise(&folder.join(code)).is_some_and(|p| p.starts_with(root));
            if !inside {
                problems.push(format!("{name}: `{code}` points outside the repository"));
            }
        }
    }
    problems
}

#[test]
fn every_markdown_link_resolves_inside_the_repository() {
    let root = repo_root();
    let mut files = Vec::new();
    markdown_files(&root, &mut files);
    for required in ["README.md", "docs/method.md", "docs/data-layout.md"] {
        assert!(
            files.contains(&root.join(required)),
            "{required} is missing"
        );
    }
    let problems = link_problems(&root);
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_readme_links_the_method_and_data_docs() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let links = scan(&readme).links;
    for doc in [
        "docs/method.md",
        "docs/data-layout.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
    ] {
        assert!(
            links.iter().any(|l| l == doc),
            "README.md does not link {doc}"
        );
    }
}

/// The checker itself catches each kind of bad link, on a small tree made for the purpose.
#[test]
fn the_checker_reports_missing_outside_and_anchor_problems() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    std::fs::create_dir_all(root.join("docs")).unwrap();
    std::fs::write(root.join("docs/a.md"), "# Alpha\n\n## Second part\n").unwrap();
    std::fs::write(
        root.join("README.md"),
        "# Top\n\n[ok](docs/a.md#second-part) [self](#top) [web](https://example.org)\n\
         [gone](docs/missing.md) [out](../other.md) [abs](/etc/passwd) [anchor](docs/a.md#nope)\n\
         see `../shared/SPEC.md`\n",
    )
    .unwrap();
    let problems = link_problems(&root);
    let joined = problems.join("\n");
    assert_eq!(problems.len(), 5, "{joined}");
    assert!(joined.contains("docs/missing.md"), "{joined}");
    assert!(joined.contains("`../other.md` points outside"), "{joined}");
    assert!(
        joined.contains("`/etc/passwd` is not a relative path"),
        "{joined}"
    );
    assert!(joined.contains("#nope"), "{joined}");
    assert!(
        joined.contains("`../shared/SPEC.md` points outside"),
        "{joined}"
    );
}

#[test]
fn anchors_follow_github_rules() {
    let mut seen = HashMap::new();
    assert_eq!(anchor_of("Getting H2O", &mut seen), "getting-h2o");
    assert_eq!(
        anchor_of("MediaPipe Hands: a real hand model", &mut seen),
        "mediapipe-hands-a-real-hand-model"
    );
    assert_eq!(anchor_of("Getting H2O", &mut seen), "getting-h2o-1");
}
