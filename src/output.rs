//! Write: put a rendered site on disk so that readers never see half of it. The new site
//! is written beside the build folder and swapped in only when complete; a failed or
//! interrupted build leaves the previous site as it was.

use crate::render::Output;
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
    let result = write_tree(output, &staging).and_then(|()| swap(&staging, &dest, &retired));
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

fn write_tree(output: &Output, root: &Path) -> Result<(), OutputError> {
    if root.exists() {
        std::fs::remove_dir_all(root).map_err(|e| io_error(root, e))?;
    }
    std::fs::create_dir_all(root).map_err(|e| io_error(root, e))?;
    std::fs::write(
        root.join(MARKER),
        "built by pathbook; `pathbook clean` deletes this folder\n",
    )
    .map_err(|e| io_error(root, e))?;
    let ensure_parent = |path: &Path| -> Result<(), OutputError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
        }
        Ok(())
    };
    for (rel, bytes) in &output.files {
        let path = root.join(rel);
        ensure_parent(&path)?;
        std::fs::write(&path, bytes).map_err(|e| io_error(&path, e))?;
    }
    for (rel, source) in &output.assets {
        let path = root.join(rel);
        if output.files.contains_key(rel) {
            continue;
        }
        ensure_parent(&path)?;
        std::fs::copy(source, &path).map_err(|e| io_error(source, e))?;
    }
    Ok(())
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
        std::fs::remove_dir_all(retired).map_err(|e| io_error(retired, e))?;
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
