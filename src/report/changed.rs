//! `--changed-since REF`: only the findings a change can have caused, in the Markdown files
//! changed since REF and in links pointing INTO a changed, renamed or deleted file (a rename
//! or a removed heading breaks pages nobody touched).

use crate::diagnostics::Diagnostic;
use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("--changed-since needs git, which could not be run: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("git {}: {}", args.join(" "), stderr.trim()));
    }
    Ok(output.stdout)
}

/// The files changed since `reference`, as paths relative to DIR: modified, added,
/// untracked, and both sides of a rename (its old path is where broken links point).
pub fn changed_files(dir: &Path, reference: &str) -> Result<HashSet<String>, String> {
    if git(dir, &["rev-parse", "--is-inside-work-tree"]).is_err() {
        return Err(format!(
            "--changed-since: {} is not in a git repository",
            dir.display()
        ));
    }
    if reference.starts_with('-') {
        return Err(format!("--changed-since: `{reference}` is not a revision"));
    }
    git(
        dir,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{reference}^{{commit}}"),
        ],
    )
    .map_err(|_| format!("--changed-since: `{reference}` is not a commit in this repository"))?;
    // Paths relative to DIR (`--relative`), NUL-separated so no file name can break the list.
    let diff = git(
        dir,
        &[
            "diff",
            "--name-status",
            "-z",
            "-M",
            "--relative",
            reference,
            "--",
        ],
    )?;
    let untracked = git(dir, &["ls-files", "-z", "--others", "--exclude-standard"])?;
    let mut files = HashSet::new();
    // `-z` output: a status, then one path, or two for a rename or copy (R100, C75).
    let mut fields = diff
        .split(|&b| b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned());
    while let Some(status) = fields.next() {
        if status.is_empty() {
            continue;
        }
        let paths = if status.starts_with(['R', 'C']) { 2 } else { 1 };
        for _ in 0..paths {
            if let Some(path) = fields.next() {
                files.insert(path);
            }
        }
    }
    for path in untracked.split(|&b| b == 0).filter(|f| !f.is_empty()) {
        files.insert(String::from_utf8_lossy(path).into_owned());
    }
    Ok(files)
}

/// `a/b/../c.md` → `a/c.md`; `None` when it climbs above the root.
fn normalise(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The DIR-relative file a link in `from` points at, without its fragment or query.
fn link_target(from: &str, target: &str) -> Option<String> {
    let path = target.split(['#', '?']).next().unwrap_or("");
    if path.is_empty() || path.contains("://") || path.starts_with('/') {
        return None;
    }
    let path = percent_decode(path);
    let base = from.rsplit_once('/').map_or("", |(dir, _)| dir);
    normalise(&format!("{base}/{path}"))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Keeps the findings in changed files, and those on links into a changed file (or into a
/// folder holding one, for links to a module's folder).
pub fn keep_changed(diagnostics: &mut Vec<Diagnostic>, changed: &HashSet<String>) {
    let folders: HashSet<&str> = changed
        .iter()
        .filter_map(|f| f.rsplit_once('/').map(|(dir, _)| dir))
        .collect();
    diagnostics.retain(|d| {
        if changed.contains(&d.file) {
            return true;
        }
        let Some(target) = d.target.as_deref().and_then(|t| link_target(&d.file, t)) else {
            return false;
        };
        changed.contains(&target)
            || folders.contains(target.trim_end_matches('/'))
            || changed.contains(&format!("{target}.md"))
    });
}
