//! GitLab Code Quality report (a subset of the Code Climate issue format): GitLab shows these
//! in merge requests and matches them across pipelines by `fingerprint`.

use super::Finding;
use crate::diagnostics::Severity;
use serde_json::{Value, json};

pub fn gitlab(findings: &[Finding]) -> String {
    let issues: Vec<Value> = findings
        .iter()
        .map(|f| {
            let d = f.diagnostic;
            json!({
                "type": "issue",
                "check_name": d.code,
                "description": super::full_message(d),
                "categories": ["Bug Risk"],
                "severity": match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                // GitLab wants a fingerprint unique per report: the file path is part of it.
                "fingerprint": f.fingerprint,
                "location": {
                    "path": f.path,
                    "lines": { "begin": d.line.max(1) },
                },
            })
        })
        .collect();
    serde_json::to_string_pretty(&issues).expect("Code Quality report serialises")
}
