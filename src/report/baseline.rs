//! Baselines: the findings a team has accepted for now, so `check` can fail only on new ones.
//! Entries are keyed by file, code, target and the finding's content fingerprint, never by
//! line, so an edit above a known finding does not turn it into a new one.

use crate::diagnostics::Diagnostic;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

#[derive(Serialize, Deserialize, PartialEq, Eq, Hash, Clone, Debug)]
pub struct Entry {
    pub file: String,
    pub code: String,
    #[serde(default)]
    pub target: Option<String>,
    pub fingerprint: String,
}

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

fn entry(d: &Diagnostic) -> Entry {
    Entry {
        file: d.file.clone(),
        code: d.code.to_string(),
        target: d.target.clone(),
        fingerprint: super::content_fingerprint(d),
    }
}

pub fn write(path: &Path, diagnostics: &[Diagnostic]) -> Result<(), String> {
    let file = File {
        version: 1,
        findings: diagnostics.iter().map(entry).collect(),
    };
    let text = serde_json::to_string_pretty(&file).expect("baseline serialises") + "\n";
    std::fs::write(path, text)
        .map_err(|e| format!("{}: cannot write the baseline: {e}", path.display()))
}

pub struct Applied {
    /// Findings the baseline accepts.
    pub baselined: usize,
    /// Baseline entries no finding matched any more: fixed, or changed beyond recognition.
    pub fixed: usize,
}

/// Removes the findings the baseline records. Each entry accepts one finding, so a second
/// copy of a known broken link is new.
pub fn apply(path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Result<Applied, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the baseline: {e}", path.display()))?;
    let file: File = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}:{}: not a pathbook baseline: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if file.version != 1 {
        return Err(format!(
            "{}: baseline version {} is not supported (this pathbook writes version 1)",
            path.display(),
            file.version
        ));
    }
    let total = file.findings.len();
    let mut remaining: HashMap<Entry, usize> = HashMap::new();
    for e in file.findings {
        *remaining.entry(e).or_insert(0) += 1;
    }
    let before = diagnostics.len();
    diagnostics.retain(|d| match remaining.get_mut(&entry(d)) {
        Some(n) if *n > 0 => {
            *n -= 1;
            false
        }
        _ => true,
    });
    let baselined = before - diagnostics.len();
    Ok(Applied {
        baselined,
        fixed: total - baselined,
    })
}
