//! JUnit XML, which GitLab, Jenkins, Azure and most CI test views read: one test suite per
//! file, one test case per finding, named so the same finding keeps its name between runs.

use super::Finding;
use crate::diagnostics::{Severity, Summary};
use std::fmt::Write as _;

/// Escaped for XML 1.0 text and attributes; characters XML 1.0 cannot carry at all (most
/// control characters) become U+FFFD rather than making the whole report unreadable.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || matches!(c, '\u{fffe}' | '\u{ffff}') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// `deny_warnings` decides whether a warning is a failed test, as it decides the exit code.
pub fn junit(findings: &[Finding], summary: &Summary, deny_warnings: bool) -> String {
    let failing = |s: Severity| s == Severity::Error || deny_warnings;
    let failures = findings
        .iter()
        .filter(|f| failing(f.diagnostic.severity))
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let tests = findings.len().max(1);
    let _ = writeln!(
        out,
        "<testsuites name=\"pathbook check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    if findings.is_empty() {
        // A report with no test case reads as "no tests ran" in most viewers.
        let _ = writeln!(
            out,
            "  <testsuite name=\"pathbook check\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n    <testcase classname=\"pathbook\" name=\"{}\"/>\n  </testsuite>",
            xml(&summary.to_string())
        );
    }
    let mut start = 0;
    while start < findings.len() {
        let path = &findings[start].path;
        let end = start
            + findings[start..]
                .iter()
                .take_while(|f| &f.path == path)
                .count();
        let group = &findings[start..end];
        let group_failures = group
            .iter()
            .filter(|f| failing(f.diagnostic.severity))
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{group_failures}\" errors=\"0\" skipped=\"0\">",
            xml(path),
            group.len()
        );
        for f in group {
            let d = f.diagnostic;
            let name = format!(
                "{} {} {}",
                d.code,
                d.target.as_deref().unwrap_or(""),
                f.fingerprint
            );
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\"",
                xml(path),
                xml(&name),
                xml(path),
                d.line
            );
            let label = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let text = format!(
                "{label}[{}]: {}\n  --> {}:{}:{}",
                d.code,
                super::full_message(d),
                path,
                d.line,
                d.column
            );
            if failing(d.severity) {
                let _ = writeln!(
                    out,
                    ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
                    xml(d.code),
                    xml(&d.message),
                    xml(&text)
                );
            } else {
                let _ = writeln!(
                    out,
                    ">\n      <system-out>{}</system-out>\n    </testcase>",
                    xml(&text)
                );
            }
        }
        out.push_str("  </testsuite>\n");
        start = end;
    }
    out.push_str("</testsuites>\n");
    out
}
