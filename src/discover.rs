//! Walk the content root once, in a stable order, and remember every file and folder so
//! link resolution is a set lookup with exact case (a repository that passes on macOS
//! must not break on Linux).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

const NOT_REGULAR: &str = "not a regular file (a FIFO, socket or device is never read)";

/// Everything under the content root, as `/`-separated paths relative to it.
#[derive(Debug, Default)]
pub struct FileIndex {
    pub files: BTreeSet<String>,
    pub dirs: BTreeSet<String>,
    /// Lowercased path → real spelling, for "did you mean" on a case mismatch.
    by_lowercase: foldhash::HashMap<String, String>,
    /// Entries that were seen but not taken, with the reason (symlinks out of the root...).
    pub skipped: Vec<(String, String)>,
    /// Folder → its entries' names, for "did you mean": built the first time a link is
    /// missing, so each finding looks up its folder instead of scanning every path.
    suggestions: std::sync::OnceLock<foldhash::HashMap<String, crate::suggest::Index>>,
}

pub struct DiscoverOptions<'a> {
    /// Folders (relative to the root) never entered, such as the build output.
    pub exclude_dirs: Vec<String>,
    /// `.gitignore` patterns: what they match is not part of the repository at all.
    pub ignore: Option<&'a ignore::gitignore::Gitignore>,
    /// `--exclude` patterns: what they match is not read, but it is still listed, so links
    /// into it resolve (excluding a file from the check does not make it missing).
    pub exclude: Option<&'a ignore::gitignore::Gitignore>,
    /// Prepended to a content-relative path before matching `ignore` and `exclude`, whose
    /// patterns are relative to the project folder (`content` when that is the content root).
    pub pattern_prefix: String,
    /// Also list the files in hidden folders (`.github/`, `.devcontainer/`...), so links
    /// to them resolve; their Markdown is still never read. `.git` is never entered.
    pub index_hidden: bool,
}

impl FileIndex {
    pub fn scan(root: &Path, options: &DiscoverOptions) -> std::io::Result<FileIndex> {
        FileIndex::scan_with(root, options, |_| {})
    }

    /// [`FileIndex::scan`], calling `on_markdown` with each Markdown file to read as soon as
    /// it is found, so reading can start before the walk ends.
    pub fn scan_with(
        root: &Path,
        options: &DiscoverOptions,
        mut on_markdown: impl FnMut(&str),
    ) -> std::io::Result<FileIndex> {
        let canonical_root = root.canonicalize()?;
        let mut index = FileIndex::default();
        index.dirs.insert(String::new());
        let excluded = |rel: &str| matches(options.exclude, &options.pattern_prefix, rel, false);
        let walker = WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                if entry.depth() == 0 {
                    return true;
                }
                let name = entry.file_name().to_string_lossy();
                if entry.file_type().is_dir() {
                    if name == ".git" || name == "node_modules" || name == "target" {
                        return false;
                    }
                    if name.starts_with('.') && !options.index_hidden {
                        return false;
                    }
                    let rel = relative(root, entry.path());
                    if options.exclude_dirs.contains(&rel) {
                        return false;
                    }
                }
                // Matched on the path relative to the project folder rather than on the
                // walker's path, whose spelling follows DIR's (`.`, `./`, `./docs/`) and
                // would make the same pattern match or not depending on how DIR was typed.
                let rel = relative(root, entry.path());
                !matches(
                    options.ignore,
                    &options.pattern_prefix,
                    &rel,
                    entry.file_type().is_dir(),
                )
            });
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    let path = err.path().map(|p| relative(root, p)).unwrap_or_default();
                    index.skipped.push((path, err.to_string()));
                    continue;
                }
            };
            if entry.depth() == 0 {
                continue;
            }
            let rel = relative(root, entry.path());
            let file_type = entry.file_type();
            if file_type.is_symlink() {
                // Follow a link only when it stays inside the root; one that leaves it is
                // reported, never read, so content cannot pull in files from elsewhere.
                match entry.path().canonicalize() {
                    Ok(target) if target.starts_with(&canonical_root) && target.is_file() => {
                        if is_markdown(&rel) && !in_hidden_folder(&rel) && !excluded(&rel) {
                            on_markdown(&rel);
                        }
                        index.add_file(rel);
                    }
                    Ok(target) if target.starts_with(&canonical_root) && target.is_dir() => {
                        index
                            .skipped
                            .push((rel, "symlink to a folder is not followed".into()));
                    }
                    Ok(target) if target.starts_with(&canonical_root) => {
                        index.skipped.push((rel, NOT_REGULAR.into()));
                    }
                    Ok(_) => index
                        .skipped
                        .push((rel, "symlink points outside the content root".into())),
                    Err(err) => index.skipped.push((rel, format!("broken symlink: {err}"))),
                }
            } else if file_type.is_dir() {
                index.by_lowercase.insert(rel.to_lowercase(), rel.clone());
                index.dirs.insert(rel);
            } else if file_type.is_file() {
                if is_markdown(&rel) && !in_hidden_folder(&rel) && !excluded(&rel) {
                    on_markdown(&rel);
                }
                index.add_file(rel);
            } else {
                // A FIFO would block the read forever, a device could be endless.
                index.skipped.push((rel, NOT_REGULAR.into()));
            }
        }
        Ok(index)
    }

    fn add_file(&mut self, rel: String) {
        self.by_lowercase.insert(rel.to_lowercase(), rel.clone());
        self.files.insert(rel);
    }

    /// Rebuilds the case-insensitive map after `files`/`dirs` were filled directly.
    pub fn rebuild_case_map(&mut self) {
        self.by_lowercase = self
            .files
            .iter()
            .chain(self.dirs.iter())
            .map(|p| (p.to_lowercase(), p.clone()))
            .collect();
    }

    pub fn is_file(&self, rel: &str) -> bool {
        self.files.contains(rel)
    }

    pub fn is_dir(&self, rel: &str) -> bool {
        self.dirs.contains(rel)
    }

    /// The real spelling of a path that exists only when case is ignored.
    pub fn case_insensitive(&self, rel: &str) -> Option<&str> {
        self.by_lowercase
            .get(&rel.to_lowercase())
            .map(String::as_str)
    }

    /// The names of the files and folders directly inside `dir`.
    pub fn children<'a>(&'a self, dir: &str) -> impl Iterator<Item = &'a str> {
        let dir = dir.to_string();
        self.files
            .iter()
            .chain(self.dirs.iter())
            .filter(move |f| !f.is_empty() && parent_of(f) == dir)
            .map(|f| f.rsplit('/').next().unwrap_or(f))
    }

    /// The closest name to `name` among the entries of folder `dir`.
    pub fn closest_child(&self, dir: &str, name: &str) -> Option<&str> {
        let by_dir = self.suggestions.get_or_init(|| {
            let mut names: foldhash::HashMap<&str, Vec<&str>> = Default::default();
            for entry in self.files.iter().chain(self.dirs.iter()) {
                if !entry.is_empty() {
                    let name = entry.rsplit('/').next().unwrap_or(entry);
                    names.entry(parent_of(entry)).or_default().push(name);
                }
            }
            names
                .into_iter()
                .map(|(dir, names)| (dir.to_string(), crate::suggest::Index::new(names)))
                .collect()
        });
        by_dir.get(dir)?.closest(name)
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.is_file(rel) || self.is_dir(rel)
    }
}

/// Whether `rel` (relative to the content root), or a folder on the way to it, matches.
fn matches(
    patterns: Option<&ignore::gitignore::Gitignore>,
    prefix: &str,
    rel: &str,
    is_dir: bool,
) -> bool {
    let Some(patterns) = patterns else {
        return false;
    };
    let path = if prefix.is_empty() {
        rel.to_string()
    } else {
        format!("{prefix}/{rel}")
    };
    patterns
        .matched_path_or_any_parents(Path::new(&path), is_dir)
        .is_ignore()
}

pub fn is_markdown(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".markdown")
}

/// Whether a folder on the way to `rel` is hidden (`.github/ISSUE_TEMPLATE/bug.md`).
fn in_hidden_folder(rel: &str) -> bool {
    parent_of(rel).split('/').any(|part| part.starts_with('.'))
}

pub fn parent_of(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

pub fn relative(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
