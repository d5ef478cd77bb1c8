//! Write: put a rendered site on disk so that readers never see half of it. The new site
//! is written beside the build folder and swapped in only when complete; a failed or
//! interrupted build leaves the previous site as it was.

use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Marks a folder as pathbook's output, so `clean` and the swap only ever delete folders
/// that pathbook made.
pub const MARKER: &str = ".pathbook-build";

/// Why a site could not be written, or a build folder deleted: the environment's failure,
/// not the content's.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A file-system call on `path` failed.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    /// A folder pathbook will not build into or delete, and why.
    #[error("{0}")]
    Refused(String),
    /// A page could not be rendered into the new site.
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),
    /// The record of the build's jobs could not be written.
    #[error("{0}")]
    Jobs(#[from] serde_json::Error),
}

fn io_error(path: &Path, source: io::Error) -> OutputError {
    OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `path` as the file system will resolve it: the longest part that exists is
/// canonicalised (symlinks followed, then `..`, as the kernel does), and `..` in the rest
/// is folded. Comparing spellings is not enough: `content/..` is the project folder, a
/// `book` symlink to `content` is the content folder, and `link/../x` lies wherever the
/// link points.
fn resolved(path: &Path) -> PathBuf {
    let absolute = absolute(path);
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    let base = loop {
        if let Ok(real) = existing.canonicalize() {
            break real;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => break PathBuf::new(),
        }
    };
    let mut resolved = base;
    for component in rest.into_iter().rev() {
        match component {
            std::path::Component::ParentDir => {
                resolved.pop();
            }
            std::path::Component::CurDir => {}
            other => resolved.push(other),
        }
    }
    resolved
}

/// Refuses output folders whose replacement would destroy the project or its content.
pub fn check_destination(
    dest: &Path,
    project_dir: &Path,
    content_dir: &Path,
    explicit: bool,
) -> Result<(), OutputError> {
    guard(
        dest,
        project_dir,
        content_dir,
        explicit,
        "refusing to build into",
    )
}

/// What `clean` may delete: only what `build` may replace, and only a folder that
/// pathbook built (see [`clean`]). `clean` applies every refusal of `build`.
pub fn check_clean(
    dest: &Path,
    project_dir: &Path,
    content_dir: &Path,
    explicit: bool,
) -> Result<(), OutputError> {
    guard(dest, project_dir, content_dir, explicit, "not deleting")
}

fn guard(
    given: &Path,
    project_dir: &Path,
    content_dir: &Path,
    explicit: bool,
    action: &str,
) -> Result<(), OutputError> {
    let dest = resolved(given);
    let project = resolved(project_dir);
    let content = resolved(content_dir);
    let refuse = |why: &str| {
        Err(OutputError::Refused(format!(
            "{action} {}: {why}",
            dest.display()
        )))
    };
    // A build replaces its folder as a whole. Through a symlink that would mean emptying
    // the link's target (perhaps an earlier site holding the maintainer's own CNAME and
    // .well-known/) or replacing the link with a folder: neither is what was asked.
    if std::fs::symlink_metadata(absolute(given)).is_ok_and(|m| m.file_type().is_symlink()) {
        return refuse(&format!(
            "it is a symbolic link, and pathbook never writes or deletes through one; name the real folder ({}) instead",
            dest.display()
        ));
    }
    if dest == project {
        return refuse("it is the project folder");
    }
    if content.starts_with(&dest) {
        return refuse("it is or contains the content folder");
    }
    if !dest.starts_with(&project) && !explicit {
        return refuse("it is outside the project; pass it with --dest-dir to build there");
    }
    if dest.exists()
        && !dest.join(MARKER).exists()
        && dest
            .read_dir()
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return refuse(&format!(
            "it is a non-empty folder that pathbook did not create (no {MARKER} marker)"
        ));
    }
    Ok(())
}

/// Writes a site into `dest`, replacing its previous contents only on success: `fill`
/// puts every file into the staging folder it is given (as they are rendered, so the site
/// is never held in memory whole), and the folder is swapped in when it returns `Ok`.
pub fn write_atomically<T>(
    dest: &Path,
    fill: impl FnOnce(&Staging) -> Result<T, OutputError>,
) -> Result<T, OutputError> {
    let dest = absolute(dest);
    let parent = dest
        .parent()
        .ok_or_else(|| OutputError::Refused(format!("{} has no parent folder", dest.display())))?;
    std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "book".into());
    recover_interrupted(parent, &name, &dest);
    let staging = parent.join(format!(".{name}.pathbook-new-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.pathbook-old-{}", std::process::id()));
    let previous = dest.join(MARKER).is_file().then_some(dest.as_path());
    let result = Staging::create(&staging, previous).and_then(|writer| {
        let value = fill(&writer)?;
        writer.finish()?;
        swap(&staging, &dest, &retired)?;
        Ok(value)
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

/// Tidies up after a build that was killed (Ctrl-C, a full disk, a power cut): its staging
/// folder is deleted, and a previous site it had moved aside but not yet replaced is put
/// back. Only folders of builds whose process is gone, and that carry the marker.
fn recover_interrupted(parent: &Path, name: &str, dest: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&format!(".{name}.pathbook-")) else {
            continue;
        };
        let Some((kind, pid)) = rest.split_once('-') else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        let path = entry.path();
        if pid == std::process::id() || process_alive(pid) || !path.join(MARKER).is_file() {
            continue;
        }
        match kind {
            "old" if !dest.exists() => {
                let _ = std::fs::rename(&path, dest);
            }
            "old" | "new" => {
                let _ = std::fs::remove_dir_all(&path);
            }
            _ => {}
        }
    }
}

/// Whether a process with this id exists; where that cannot be told, assume it does.
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        proc.join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Lists every generated file with its length and content hash, so the next build can
/// hard-link what did not change instead of writing it again.
const MANIFEST: &str = ".pathbook-manifest";

type Fingerprint = (u64, u64);

fn read_manifest(dir: &Path) -> HashMap<String, Fingerprint> {
    let Ok(text) = std::fs::read_to_string(dir.join(MANIFEST)) else {
        return HashMap::new();
    };
    text.lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, ' ');
            let len = parts.next()?.parse().ok()?;
            let hash = u64::from_str_radix(parts.next()?, 16).ok()?;
            Some((parts.next()?.to_string(), (len, hash)))
        })
        .collect()
}

/// The folder a new site is written into before it replaces the old one. Files that did
/// not change since the previous build are hard-linked from it instead of written again.
pub struct Staging {
    root: PathBuf,
    previous: Option<PathBuf>,
    old_manifest: HashMap<String, Fingerprint>,
    old_jobs: crate::reuse::JobRecords,
    made_dirs: Mutex<HashSet<PathBuf>>,
    manifest: Mutex<Vec<(String, Fingerprint)>>,
    jobs: Mutex<BTreeMap<String, (u64, Vec<String>)>>,
}

impl Staging {
    fn create(root: &Path, previous: Option<&Path>) -> Result<Staging, OutputError> {
        if root.exists() {
            std::fs::remove_dir_all(root).map_err(|e| io_error(root, e))?;
        }
        std::fs::create_dir_all(root).map_err(|e| io_error(root, e))?;
        std::fs::write(
            root.join(MARKER),
            "built by pathbook; `pathbook clean` deletes this folder\n",
        )
        .map_err(|e| io_error(root, e))?;
        Ok(Staging {
            root: root.to_path_buf(),
            previous: previous.map(Path::to_path_buf),
            old_manifest: previous.map(read_manifest).unwrap_or_default(),
            old_jobs: previous.map(crate::reuse::read_jobs).unwrap_or_default(),
            made_dirs: Mutex::new(HashSet::new()),
            manifest: Mutex::new(Vec::new()),
            jobs: Mutex::new(BTreeMap::new()),
        })
    }

    /// The folder for `rel`, made once however many files it holds.
    fn folder_for(&self, rel: &str) -> Result<PathBuf, OutputError> {
        let path = self.root.join(rel);
        if let Some(folder) = path.parent() {
            let known = self
                .made_dirs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(folder);
            if !known {
                std::fs::create_dir_all(folder).map_err(|e| io_error(folder, e))?;
                self.made_dirs
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(folder.to_path_buf());
            }
        }
        Ok(path)
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.folder_for(rel)?;
        // A name already linked to the previous site's file must not be written through:
        // that would change the site readers still see. (Without a previous site nothing
        // is linked, and the check is skipped: it is a system call per file.)
        if self.previous.is_some() && path.symlink_metadata().is_ok() {
            std::fs::remove_file(&path).map_err(|e| io_error(&path, e))?;
        }
        let print = crate::reuse::file_fingerprint(bytes);
        let unchanged = self.old_manifest.get(rel) == Some(&print);
        if !(unchanged && self.hard_link_previous(rel, &path, print)) {
            std::fs::write(&path, bytes).map_err(|e| io_error(&path, e))?;
        }
        self.manifest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((rel.to_string(), print));
        Ok(())
    }

    /// Links the previous build's copy of `rel` into the new site, if it is intact.
    fn link_previous(&self, rel: &str) -> bool {
        let Some(print) = self.old_manifest.get(rel) else {
            return false;
        };
        let Ok(path) = self.folder_for(rel) else {
            return false;
        };
        let linked = self.hard_link_previous(rel, &path, *print);
        if linked {
            self.manifest
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((rel.to_string(), *print));
        }
        linked
    }

    /// Hard-links the previous site's `rel` to `path` when its length is still the one
    /// recorded (a file edited by hand after the last build would show in its length).
    fn hard_link_previous(&self, rel: &str, path: &Path, print: Fingerprint) -> bool {
        self.previous.as_ref().is_some_and(|old| {
            let source = old.join(rel);
            source.metadata().is_ok_and(|m| m.len() == print.0)
                && std::fs::hard_link(&source, path).is_ok()
        })
    }

    pub fn copy(&self, rel: &str, source: &Path) -> Result<(), OutputError> {
        let path = self.folder_for(rel)?;
        let len = std::fs::copy(source, &path).map_err(|e| io_error(source, e))?;
        // Copies are reused by their source's stamp (see `assets_key`), not by content.
        self.manifest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((rel.to_string(), (len, 0)));
        Ok(())
    }

    fn finish(self) -> Result<(), OutputError> {
        let jobs = self.jobs.into_inner().unwrap_or_else(|e| e.into_inner());
        let json = crate::reuse::jobs_json(&jobs)?;
        std::fs::write(self.root.join(crate::reuse::JOBS_FILE), json)
            .map_err(|e| io_error(&self.root, e))?;
        let mut entries = self
            .manifest
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut manifest = String::new();
        for (rel, (len, hash)) in entries {
            manifest.push_str(&format!("{len} {hash:016x} {rel}\n"));
        }
        std::fs::write(self.root.join(MANIFEST), manifest).map_err(|e| io_error(&self.root, e))
    }
}

impl crate::render::Sink for Staging {
    fn put(&self, rel: &str, bytes: Vec<u8>) -> Result<(), crate::render::SinkError> {
        Ok(self.write(rel, &bytes)?)
    }

    fn reuse(&self, job: &str, key: u64) -> Option<Vec<String>> {
        let (old_key, files) = self.old_jobs.get(job)?;
        if *old_key != key || !files.iter().all(|rel| self.link_previous(rel)) {
            return None;
        }
        self.made(job, key, files.clone());
        Some(files.clone())
    }

    fn made(&self, job: &str, key: u64, files: Vec<String>) {
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(job.to_string(), (key, files));
    }
}

/// For a folder pathbook built, whether each of its files is still as the build wrote it
/// (by length, which a hand edit shows); `None` for any other folder.
pub fn built_files(dest: &Path) -> Option<impl Fn(&str) -> bool + '_> {
    if !dest.join(MARKER).is_file() {
        return None;
    }
    let manifest = read_manifest(dest);
    Some(move |rel: &str| {
        manifest.get(rel).is_some_and(|(len, _)| {
            dest.join(rel)
                .symlink_metadata()
                .is_ok_and(|m| m.is_file() && m.len() == *len)
        })
    })
}

/// The argument of the hidden command that deletes a retired site in the background.
pub const REMOVE_RETIRED_COMMAND: &str = "__remove-retired";

/// Deletes the previous site, which the new one has replaced. Deleting thousands of files
/// can take far longer than building them (on file systems mounted with `discard` it is
/// mostly waiting for the disk), so a detached `pathbook` process does it and the build
/// returns as soon as the new site is in place. Where that process cannot be started,
/// it is done here.
fn remove_retired(retired: &Path) {
    let spawned = std::env::current_exe().ok().and_then(|exe| {
        std::process::Command::new(exe)
            .arg(REMOVE_RETIRED_COMMAND)
            .arg(retired)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()
    });
    if spawned.is_none() {
        let _ = remove_tree(retired);
    }
}

/// What the background process runs: only a folder named like a retired site that still
/// carries pathbook's marker is ever deleted.
pub fn remove_retired_now(retired: &Path) -> bool {
    let name = retired
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let retired_name = name.starts_with('.') && name.contains(".pathbook-old-");
    if !retired_name || !retired.join(MARKER).is_file() {
        return false;
    }
    remove_tree(retired).is_ok()
}

/// Deletes a finished-with tree, its top-level entries in parallel.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    let entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.par_iter().try_for_each(|path| {
        if path.is_dir() {
            std::fs::remove_dir_all(path)
        } else {
            std::fs::remove_file(path)
        }
    })?;
    std::fs::remove_dir(dir)
}

fn swap(staging: &Path, dest: &Path, retired: &Path) -> Result<(), OutputError> {
    if dest.exists() {
        std::fs::rename(dest, retired).map_err(|e| io_error(dest, e))?;
    }
    if let Err(err) = std::fs::rename(staging, dest) {
        // Put the previous site back rather than leave none.
        let _ = std::fs::rename(retired, dest);
        return Err(io_error(dest, err));
    }
    // An empty folder made for the site carries no marker, so the background removal
    // would refuse it and leave it behind; `remove_dir` deletes only an empty folder.
    if retired.exists() && std::fs::remove_dir(retired).is_err() {
        remove_retired(retired);
    }
    Ok(())
}

/// Deletes a build folder, but only one that carries pathbook's marker.
pub fn clean(dest: &Path) -> Result<bool, OutputError> {
    if std::fs::symlink_metadata(dest).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(OutputError::Refused(format!(
            "not deleting {}: it is a symbolic link, and pathbook never deletes through one",
            dest.display()
        )));
    }
    if !dest.exists() {
        return Ok(false);
    }
    if !dest.join(MARKER).is_file() {
        return Err(OutputError::Refused(format!(
            "not deleting {}: it has no {MARKER} marker, so pathbook did not build it",
            dest.display()
        )));
    }
    // A marker is only a file: one committed at a project's root (with `build-dir = "."`)
    // must not turn `clean` into deleting the project. pathbook's output never holds a
    // book.toml or .git at its top, and never the folder `clean` is run from.
    let inside_cwd = std::env::current_dir()
        .map(|cwd| resolved(&cwd).starts_with(resolved(dest)))
        .unwrap_or(false);
    if inside_cwd || dest.join("book.toml").exists() || dest.join(".git").exists() {
        return Err(OutputError::Refused(format!(
            "not deleting {}: it holds a project (book.toml, .git or the current folder), not a built site",
            dest.display()
        )));
    }
    std::fs::remove_dir_all(dest).map_err(|e| io_error(dest, e))?;
    Ok(true)
}
