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
    if project_dir.join("book.toml").is_file() || project_dir.join("content").is_dir() {
        Layout::Site
    } else {
        Layout::PlainMarkdown
    }
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
        let layout = detect_layout(project_dir);
        let mut config = Config::load(project_dir).map_err(LoadError::Config)?;
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
        let ignore = build_ignore(project_dir, &content_dir, layout, &options.exclude)?;
        let build_dir = options
            .build_dir
            .clone()
            .unwrap_or_else(|| project_dir.join(&config.build.build_dir));
        let mut exclude_dirs = Vec::new();
        if let Ok(rel) = build_dir.strip_prefix(&content_dir) {
            exclude_dirs.push(crate::discover::relative(Path::new(""), rel));
        }
        let display_prefix = crate::discover::relative(project_dir, &content_dir);
        let display = |rel: &str| {
            if display_prefix.is_empty() || display_prefix == "." {
                rel.to_string()
            } else {
                format!("{display_prefix}/{rel}")
            }
        };
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
            None => {
                let prefix = crate::discover::relative(&self.project_dir, &self.content_dir);
                if prefix.is_empty() {
                    rel.to_string()
                } else {
                    format!("{prefix}/{rel}")
                }
            }
        }
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

fn build_ignore(
    project_dir: &Path,
    content_dir: &Path,
    layout: Layout,
    exclude: &[String],
) -> Result<Option<ignore::gitignore::Gitignore>, LoadError> {
    if layout == Layout::Site && exclude.is_empty() {
        return Ok(None);
    }
    let mut builder = ignore::gitignore::GitignoreBuilder::new(content_dir);
    if layout == Layout::PlainMarkdown {
        let gitignore = project_dir.join(".gitignore");
        if gitignore.is_file()
            && let Some(err) = builder.add(&gitignore)
        {
            return Err(LoadError::Io {
                path: gitignore,
                message: err.to_string(),
            });
        }
    }
    for pattern in exclude {
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
