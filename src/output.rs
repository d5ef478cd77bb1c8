//! Write: put a rendered site on disk so that readers never see half of it. The new site
//! is written beside the build folder and swapped in only when complete; a failed or
//! interrupted build leaves the previous site as it was.

use crate::render::Output;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::io;
use std::path::{Path, PathBuf};

/// Marks a folder as pathbook's output, so `clean` and the swap only ever delete folders
/// that pathbook made.
pub const MARKER: &str = ".pathbook-build";

#[derive(Debug)]
pub struct OutputError(pub String);

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OutputError {}

fn io_error(path: &Path, err: io::Error) -> OutputError {
    OutputError(format!("{}: {err}", path.display()))
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
    let dest = resolved(dest);
    let project = resolved(project_dir);
    let content = resolved(content_dir);
    let refuse = |why: &str| {
        Err(OutputError(format!(
            "refusing to build into {}: {why}",
            dest.display()
        )))
    };
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

/// Writes `output` into `dest`, replacing its previous contents only on success.
pub fn write_atomically(output: &Output, dest: &Path) -> Result<(), OutputError> {
    let dest = absolute(dest);
    let parent = dest
        .parent()
        .ok_or_else(|| OutputError(format!("{} has no parent folder", dest.display())))?;
    std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "book".into());
    recover_interrupted(parent, &name, &dest);
    let staging = parent.join(format!(".{name}.pathbook-new-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.pathbook-old-{}", std::process::id()));
    let previous = dest.join(MARKER).is_file().then_some(dest.as_path());
    let result =
        write_tree(output, &staging, previous).and_then(|()| swap(&staging, &dest, &retired));
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

fn fingerprint(bytes: &[u8]) -> Fingerprint {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    (bytes.len() as u64, hasher.finish())
}

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

fn write_tree(output: &Output, root: &Path, previous: Option<&Path>) -> Result<(), OutputError> {
    if root.exists() {
        std::fs::remove_dir_all(root).map_err(|e| io_error(root, e))?;
    }
    std::fs::create_dir_all(root).map_err(|e| io_error(root, e))?;
    std::fs::write(
        root.join(MARKER),
        "built by pathbook; `pathbook clean` deletes this folder\n",
    )
    .map_err(|e| io_error(root, e))?;
    // Folders first, once each; then the files, in parallel.
    let folders: BTreeSet<&Path> = output
        .files
        .keys()
        .chain(output.assets.keys())
        .filter_map(|rel| Path::new(rel.as_str()).parent())
        .collect();
    for folder in folders {
        let path = root.join(folder);
        std::fs::create_dir_all(&path).map_err(|e| io_error(&path, e))?;
    }
    let old_manifest = previous.map(read_manifest).unwrap_or_default();
    let files: Vec<(&String, &Vec<u8>)> = output.files.iter().collect();
    let written: Vec<Result<(String, Fingerprint), OutputError>> = files
        .par_iter()
        .map(|(rel, bytes)| {
            let path = root.join(rel.as_str());
            let print = fingerprint(bytes);
            let unchanged = old_manifest.get(rel.as_str()) == Some(&print);
            // A file edited by hand after the last build would show in its length.
            let linked = unchanged
                && previous.is_some_and(|old| {
                    let source = old.join(rel.as_str());
                    source.metadata().is_ok_and(|m| m.len() == print.0)
                        && std::fs::hard_link(&source, &path).is_ok()
                });
            if !linked {
                std::fs::write(&path, bytes).map_err(|e| io_error(&path, e))?;
            }
            Ok(((*rel).clone(), print))
        })
        .collect();
    let mut manifest = String::new();
    for entry in written {
        let (rel, (len, hash)) = entry?;
        manifest.push_str(&format!("{len} {hash:016x} {rel}\n"));
    }
    std::fs::write(root.join(MANIFEST), manifest).map_err(|e| io_error(root, e))?;
    for (rel, source) in &output.assets {
        let path = root.join(rel);
        if output.files.contains_key(rel) {
            continue;
        }
        std::fs::copy(source, &path).map_err(|e| io_error(source, e))?;
    }
    Ok(())
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
    if retired.exists() {
        remove_retired(retired);
    }
    Ok(())
}

/// Deletes a build folder, but only one that carries pathbook's marker.
pub fn clean(dest: &Path) -> Result<bool, OutputError> {
    if !dest.exists() {
        return Ok(false);
    }
    if !dest.join(MARKER).is_file() {
        return Err(OutputError(format!(
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
        return Err(OutputError(format!(
            "not deleting {}: it holds a project (book.toml, .git or the current folder), not a built site",
            dest.display()
        )));
    }
    std::fs::remove_dir_all(dest).map_err(|e| io_error(dest, e))?;
    Ok(true)
}
