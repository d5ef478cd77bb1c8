//! SARIF 2.1.0, the format GitHub code scanning (and most security dashboards) read.

use super::Finding;
use super::rules::{self, RULES};
use crate::diagnostics::Severity;
use serde_json::{Value, json};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

pub fn sarif(findings: &[Finding]) -> String {
    // Every known code is a rule, so rule indexes do not shift with what a run happens to
    // find; a code missing from the table (a newer check) is appended rather than dropped.
    let mut codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
    for f in findings {
        if !codes.contains(&f.diagnostic.code) {
            codes.push(f.diagnostic.code);
        }
    }
    let rules: Vec<Value> = codes
        .iter()
        .map(|&code| {
            let severity = RULES
                .iter()
                .find(|r| r.code == code)
                .map_or(Severity::Error, |r| r.severity);
            json!({
                "id": code,
                "name": code,
                "shortDescription": { "text": rules::summary(code) },
                "helpUri": rules::help_uri(code),
                "help": { "text": format!("{} See {}", rules::summary(code), rules::help_uri(code)) },
                "defaultConfiguration": { "level": level(severity) },
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let d = f.diagnostic;
            let rule_index = codes.iter().position(|&c| c == d.code).unwrap_or(0);
            let mut region = json!({
                "startLine": d.line.max(1),
                "startColumn": d.column.max(1),
            });
            if d.width > 1 {
                region["endColumn"] = json!(d.column.max(1) + d.width);
            }
            let mut result = json!({
                "ruleId": d.code,
                "ruleIndex": rule_index,
                "level": level(d.severity),
                "message": { "text": super::full_message(d) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri_path(&f.path), "uriBaseId": "%SRCROOT%" },
                        "region": region,
                    }
                }],
                "partialFingerprints": { "pathbookFinding/v1": f.fingerprint },
            });
            if let Some(target) = &d.target {
                result["properties"] = json!({ "target": target });
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "pathbook",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": rules::DOCS,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&log).expect("SARIF serialises")
}

/// A relative URI reference: characters that are not allowed in a URI path are
/// percent-encoded, so a file named `a b#c%.md` stays one path.
pub fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
