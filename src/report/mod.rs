//! The machine formats of `check`'s findings, all from one model: JSON for scripts, SARIF for
//! code scanning, JUnit for test-report views, GitLab Code Quality, and GitHub workflow
//! commands with a job summary.

pub mod baseline;
pub mod changed;
pub mod github;
pub mod gitlab;
pub mod ignore;
pub mod junit;
pub mod rules;
pub mod sarif;

use crate::diagnostics::{Diagnostic, Summary};
use serde::Serialize;

/// A finding as the CI formats see it: the diagnostic, its path from the repository root and
/// an identity that survives edits elsewhere in the file.
pub struct Finding<'a> {
    pub diagnostic: &'a Diagnostic,
    /// `/`-separated, relative to the repository root (or to DIR outside a repository).
    pub path: String,
    /// Stable across line shifts: the file, code, target and the finding's own source line,
    /// with a counter when the same finding repeats in one file.
    pub fingerprint: String,
}

/// FNV-1a: tiny, and its output never changes between releases, unlike the std hashers,
/// so fingerprints written into baselines and code-scanning history stay valid.
pub(crate) fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0xff)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

/// The content a fingerprint rests on: the source line without its indentation (a finding
/// moves with its line), else the message.
fn content_of(d: &Diagnostic) -> &str {
    d.source_line
        .as_deref()
        .map(str::trim)
        .unwrap_or(&d.message)
}

/// The fingerprint without the repeat counter: what a baseline entry is keyed by.
pub fn content_fingerprint(d: &Diagnostic) -> String {
    format!(
        "{:016x}",
        fnv1a(&[
            &d.file,
            d.code,
            d.target.as_deref().unwrap_or(""),
            content_of(d)
        ])
    )
}

/// `prefix` is DIR's path from the repository root (empty when DIR is the root).
pub fn findings<'a>(diagnostics: &'a [Diagnostic], prefix: &str) -> Vec<Finding<'a>> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let base = content_fingerprint(d);
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            let fingerprint = if *n == 1 { base } else { format!("{base}-{n}") };
            let path = if prefix.is_empty() {
                d.file.clone()
            } else {
                format!("{prefix}/{}", d.file)
            };
            Finding {
                diagnostic: d,
                path,
                fingerprint,
            }
        })
        .collect()
}

/// DIR's path from the root of the git repository holding it, or `None` outside one (or
/// without git). CI services resolve report paths against the repository root.
pub fn repository_prefix(dir: &std::path::Path) -> Option<String> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-prefix"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let prefix = String::from_utf8(output.stdout).ok()?;
    Some(
        prefix
            .trim_end_matches(['\n', '\r'])
            .trim_end_matches('/')
            .to_string(),
    )
}

/// The message with its help, as one text for formats that have a single message field.
pub fn full_message(d: &Diagnostic) -> String {
    match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    files_checked: usize,
    links_checked: usize,
    errors: usize,
    warnings: usize,
    diagnostics: &'a [Diagnostic],
}

pub fn json(diagnostics: &[Diagnostic], summary: &Summary) -> String {
    let report = JsonReport {
        version: 1,
        files_checked: summary.files_checked,
        links_checked: summary.links_checked,
        errors: summary.errors,
        warnings: summary.warnings,
        diagnostics,
    };
    serde_json::to_string_pretty(&report).expect("diagnostics serialise")
}
