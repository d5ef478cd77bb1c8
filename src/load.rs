//! Load: `book.toml`, the walk of the content root, and every Markdown file read and parsed
//! (in parallel). Everything downstream works from this in-memory snapshot.

use crate::config::{Config, ConfigError};
use crate::diagnostics::{Diagnostic, Severity};
use crate::discover::{DiscoverOptions, FileIndex};
use crate::markdown::{self, ParsedDoc};
use crate::source::SourceFile;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A Markdown file with what the parser found in it.
#[derive(Debug)]
pub struct Doc {
    pub source: SourceFile,
    pub parsed: ParsedDoc,
    /// The file's length and modification time when it was read, so a reload can tell
    /// it has not changed since.
    pub stamp: Option<Stamp>,
}

pub type Stamp = (u64, std::time::SystemTime);

fn stamp_of(path: &Path) -> Option<Stamp> {
    stamp_from(&std::fs::metadata(path).ok()?)
}

fn stamp_from(metadata: &std::fs::Metadata) -> Option<Stamp> {
    Some((metadata.len(), metadata.modified().ok()?))
}

/// What a reload may take from the previous load instead of reading it again: documents
/// whose file has the same length and modification time, unless a watcher saw it change
/// (a file system with coarse timestamps can hide a quick second save).
pub struct Reuse<'a> {
    pub docs: &'a BTreeMap<String, Arc<Doc>>,
    pub changed: &'a HashSet<PathBuf>,
}

/// A failure of the environment rather than of the content: exit code 2.
#[derive(Debug)]
pub enum LoadError {
    Config(ConfigError),
    Io { path: PathBuf, message: String },
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Config(err) => write!(f, "{err}"),
            LoadError::Io { path, message } => write!(f, "{}: {message}", path.display()),
        }
    }
}

impl std::error::Error for LoadError {}

/// How the project folder is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A pathbook project: `book.toml` and/or a `content/` folder.
    Site,
    /// Any folder of Markdown (for `check`): every `.md` under it, `.gitignore` honoured.
    PlainMarkdown,
}

pub struct Project {
    pub config: Config,
    pub layout: Layout,
    /// What was found without configuration, in one line (see [`detect`]).
    pub detected: Option<String>,
    pub project_dir: PathBuf,
    pub content_dir: PathBuf,
    pub index: FileIndex,
    /// Every Markdown file under the content root, by path relative to it.
    pub docs: BTreeMap<String, Arc<Doc>>,
    /// Files that could not be read or decoded: reported, never fatal to the rest.
    pub load_diagnostics: Vec<Diagnostic>,
}

#[derive(Default)]
pub struct LoadOptions {
    /// Extra `--exclude` globs (check on a plain folder).
    pub exclude: Vec<String>,
    /// The build output folder, never read as content.
    pub build_dir: Option<PathBuf>,
    /// `check` reads only what its findings need from each file.
    pub links_only: bool,
}

pub fn detect_layout(project_dir: &Path) -> Layout {
    detect(project_dir).map_or(Layout::Site, |detected| detected.layout)
}

/// The folders a repository keeps its paths in, in the order they are looked for.
const PATHS_FOLDERS: [&str; 2] = ["paths", "learning-paths"];

/// What a project folder holds, found without configuration where there is none.
pub struct Detected {
    pub config: Config,
    pub layout: Layout,
    /// One line saying what was found, when it was found rather than configured:
    /// "paths in learning-paths/, modules in modules/".
    pub report: Option<String>,
}

/// `book.toml` (or every default), and where the paths and modules are: a `content/`
/// folder, or `paths/` or `learning-paths/` beside `modules/` at the root of a repository
/// that has no `book.toml`. A folder named in `book.toml` that does not exist is an error:
/// a typo there would otherwise build an empty site.
pub fn detect(project_dir: &Path) -> Result<Detected, LoadError> {
    let mut config = Config::load(project_dir).map_err(LoadError::Config)?;
    let has_toml = project_dir.join("book.toml").is_file();
    let defaults = Config::default();
    let mut report = None;
    let layout = if has_toml || project_dir.join("content").is_dir() {
        Layout::Site
    } else if let Some(paths) = PATHS_FOLDERS
        .iter()
        .find(|name| project_dir.join(name).is_dir())
        .filter(|_| project_dir.join(&defaults.modules.dir).is_dir())
    {
        config.book.src = ".".into();
        config.paths.dir = paths.to_string();
        report = Some(format!(
            "paths in {paths}/, modules in {}/",
            defaults.modules.dir
        ));
        Layout::Site
    } else {
        Layout::PlainMarkdown
    };
    if layout == Layout::Site {
        let content_dir = config.content_dir(project_dir);
        if config.paths.dir == defaults.paths.dir
            && !content_dir.join(&config.paths.dir).is_dir()
            && let Some(found) = PATHS_FOLDERS
                .iter()
                .find(|name| content_dir.join(name).is_dir())
        {
            config.paths.dir = found.to_string();
            report = Some(format!(
                "paths in {found}/, modules in {}/",
                config.modules_dir()
            ));
        }
        for (key, dir, default) in [
            ("[paths] dir", &config.paths.dir, &defaults.paths.dir),
            ("[modules] dir", &config.modules.dir, &defaults.modules.dir),
        ] {
            if dir != default && content_dir.is_dir() && !content_dir.join(dir).is_dir() {
                return Err(LoadError::Io {
                    path: project_dir.join("book.toml"),
                    message: format!(
                        "{key} is `{dir}`, but there is no folder {}",
                        content_dir.join(dir).display()
                    ),
                });
            }
        }
    }
    Ok(Detected {
        config,
        layout,
        report,
    })
}

/// Why `build` has nothing to publish, naming everything that was looked for.
pub fn nothing_found(project_dir: &Path) -> String {
    format!(
        "nothing to publish in {}: looked for book.toml, a content/ folder, and paths/ or \
         learning-paths/ beside modules/ (run `pathbook init --here` to start, or `pathbook \
         check` to check the links of any folder of Markdown)",
        project_dir.display()
    )
}

impl Project {
    pub fn load(project_dir: &Path, options: &LoadOptions) -> Result<Project, LoadError> {
        Project::reload(project_dir, options, None)
    }

    /// [`Project::load`], taking unchanged documents from a previous load.
    pub fn reload(
        project_dir: &Path,
        options: &LoadOptions,
        reuse: Option<Reuse<'_>>,
    ) -> Result<Project, LoadError> {
        if !project_dir.is_dir() {
            return Err(LoadError::Io {
                path: project_dir.to_path_buf(),
                message: "not a folder".into(),
            });
        }
        let Detected {
            mut config,
            layout,
            report: detected,
        } = detect(project_dir)?;
        if layout == Layout::PlainMarkdown {
            config.book.src = ".".into();
        }
        let content_dir = config.content_dir(project_dir);
        if !content_dir.is_dir() {
            return Err(LoadError::Io {
                path: content_dir,
                message: "content folder not found (set `src` under [book] in book.toml)".into(),
            });
        }
        let ignore = build_gitignore(project_dir, layout)?;
        let exclude = build_exclude(&options.exclude)?;
        let build_dir = options
            .build_dir
            .clone()
            .unwrap_or_else(|| project_dir.join(&config.build.build_dir));
        let mut exclude_dirs = Vec::new();
        if let Ok(rel) = build_dir.strip_prefix(&content_dir) {
            exclude_dirs.push(crate::discover::relative(Path::new(""), rel));
        }
        let display_prefix = crate::discover::relative(project_dir, &content_dir);
        let pattern_prefix = if display_prefix == "." {
            String::new()
        } else {
            display_prefix.clone()
        };
        let display = |rel: &str| shown_path(&display_prefix, rel);
        let extract = if options.links_only {
            markdown::Extract::Links
        } else {
            markdown::Extract::All
        };
        let read_doc = |rel: &str| -> Result<Arc<Doc>, Box<Diagnostic>> {
            let path = content_dir.join(rel);
            if let Some(reuse) = &reuse
                && let Some(old) = reuse.docs.get(rel)
                && let Some(stamp) = stamp_of(&path)
                && old.stamp == Some(stamp)
                && !reuse.changed.contains(&path)
            {
                return Ok(old.clone());
            }
            let display_path = display(rel);
            let (bytes, stamp) = read_file(&path).map_err(|err| {
                Box::new(Diagnostic::file_level(
                    Severity::Error,
                    "unreadable-file",
                    &display_path,
                    format!("cannot read file: {err}"),
                ))
            })?;
            let text = String::from_utf8(bytes).map_err(|err| {
                let offset = err.utf8_error().valid_up_to();
                let mut d = Diagnostic::file_level(
                    Severity::Error,
                    "invalid-utf8",
                    &display_path,
                    format!("file is not valid UTF-8 (first bad byte at offset {offset})"),
                );
                // Point at the bad byte, so an editor jumps to it: the bytes before it
                // are valid, so its line and column can be counted.
                let valid = std::str::from_utf8(&err.as_bytes()[..offset]).unwrap_or("");
                let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
                d.line = valid.matches('\n').count() + 1;
                d.column = valid[line_start..].chars().count() + 1;
                Box::new(d)
            })?;
            let source = SourceFile::new(display_path, rel.to_string(), text);
            let parsed = markdown::parse_for(&source.text, extract);
            Ok(Arc::new(Doc {
                source,
                parsed,
                stamp,
            }))
        };
        // Files are read and parsed on the pool while this thread goes on walking.
        let read = std::sync::Mutex::new(Vec::new());
        let index = rayon::in_place_scope(|scope| {
            FileIndex::scan_with(
                &content_dir,
                &DiscoverOptions {
                    exclude_dirs,
                    ignore: ignore.as_ref(),
                    exclude: exclude.as_ref(),
                    pattern_prefix,
                    index_hidden: layout == Layout::PlainMarkdown,
                },
                |rel| {
                    let rel = rel.to_string();
                    let (read, read_doc) = (&read, &read_doc);
                    scope.spawn(move |_| {
                        let result = read_doc(&rel);
                        read.lock().unwrap_or_else(|e| e.into_inner()).push(result);
                    });
                },
            )
        })
        .map_err(|err| LoadError::Io {
            path: content_dir.clone(),
            message: err.to_string(),
        })?;
        let read = read.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut docs = BTreeMap::new();
        let mut load_diagnostics = Vec::new();
        for result in read {
            match result {
                Ok(doc) => {
                    docs.insert(doc.source.rel_path.clone(), doc);
                }
                Err(diagnostic) => load_diagnostics.push(*diagnostic),
            }
        }
        // Files finish reading in any order; findings are listed in a stable one.
        load_diagnostics.sort_by(|a, b| a.file.cmp(&b.file));
        for (rel, reason) in &index.skipped {
            load_diagnostics.push(Diagnostic::file_level(
                Severity::Warning,
                "skipped-file",
                &display(rel),
                format!("not read: {reason}"),
            ));
        }
        Ok(Project {
            config,
            layout,
            detected,
            project_dir: project_dir.to_path_buf(),
            content_dir,
            index,
            docs,
            load_diagnostics,
        })
    }

    /// How a content-relative path is shown to the user: relative to the project folder.
    pub fn display_path(&self, rel: &str) -> String {
        match self.docs.get(rel) {
            Some(doc) => doc.source.display_path.clone(),
            None => shown_path(
                &crate::discover::relative(&self.project_dir, &self.content_dir),
                rel,
            ),
        }
    }
}

/// The one rule for showing a content file's path: relative to the project folder, that
/// is under `prefix`, the content folder as seen from the project folder.
fn shown_path(prefix: &str, rel: &str) -> String {
    if prefix.is_empty() || prefix == "." {
        rel.to_string()
    } else {
        format!("{prefix}/{rel}")
    }
}

/// The file's bytes, and its stamp taken before reading (a save between the two is seen
/// next time). The buffer is sized from the open file, so a file is never copied into a
/// larger buffer, and there is no second lookup of its path for the stamp.
fn read_file(path: &Path) -> std::io::Result<(Vec<u8>, Option<Stamp>)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let metadata = file.metadata().ok();
    let limit = crate::source::MAX_FILE_BYTES;
    if metadata.as_ref().is_some_and(|m| m.len() > limit) {
        return Err(crate::source::too_large(limit));
    }
    let len = metadata.as_ref().map_or(0, |m| m.len() as usize);
    // `read_to_end` would stat the file again, ask for its position and make one more read
    // to find the end: three system calls per file that a check of thousands of small
    // files feels. Asking for one byte more than the size and getting exactly the size
    // back is the end of a regular file; anything else (a file that changed since the stat,
    // or a pipe) goes on with `read_to_end`.
    let mut bytes = vec![0; len + 1];
    let first = loop {
        match file.read(&mut bytes) {
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            result => break result?,
        }
    };
    bytes.truncate(first);
    if first != len || len == 0 {
        // A file that grew since the stat, or one that is not what its size says, is
        // still read no further than the limit.
        (&mut file)
            .take(limit + 1 - bytes.len() as u64)
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Err(crate::source::too_large(limit));
        }
    }
    Ok((bytes, metadata.as_ref().and_then(stamp_from)))
}

/// A root no relative path can start with: the matchers strip their root from a path that
/// begins with it, and a relative root such as `docs` would strip it from `docs/x.md`.
fn matcher_root() -> &'static Path {
    Path::new("/")
}

/// `.gitignore` at the root of a plain folder of Markdown: what it names is not content.
fn build_gitignore(
    project_dir: &Path,
    layout: Layout,
) -> Result<Option<ignore::gitignore::Gitignore>, LoadError> {
    let gitignore = project_dir.join(".gitignore");
    if layout != Layout::PlainMarkdown || !gitignore.is_file() {
        return Ok(None);
    }
    let mut builder = ignore::gitignore::GitignoreBuilder::new(matcher_root());
    let text = std::fs::read_to_string(&gitignore).map_err(|err| LoadError::Io {
        path: gitignore.clone(),
        message: err.to_string(),
    })?;
    for line in text.lines() {
        builder.add_line(None, line).map_err(|err| LoadError::Io {
            path: gitignore.clone(),
            message: err.to_string(),
        })?;
    }
    builder.build().map(Some).map_err(|err| LoadError::Io {
        path: gitignore,
        message: err.to_string(),
    })
}

/// `--exclude` globs, relative to the project folder however it was named.
fn build_exclude(exclude: &[String]) -> Result<Option<ignore::gitignore::Gitignore>, LoadError> {
    if exclude.is_empty() {
        return Ok(None);
    }
    let mut builder = ignore::gitignore::GitignoreBuilder::new(matcher_root());
    for pattern in exclude {
        // `./lessons/x.md` and `lessons/x.md` name the same file.
        let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
        builder
            .add_line(None, pattern)
            .map_err(|err| LoadError::Io {
                path: PathBuf::from("--exclude"),
                message: format!("bad pattern `{pattern}`: {err}"),
            })?;
    }
    builder.build().map(Some).map_err(|err| LoadError::Io {
        path: PathBuf::from("--exclude"),
        message: err.to_string(),
    })
}
