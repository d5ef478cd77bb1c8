//! The machine formats of `check`'s findings: JSON for scripts, GitHub workflow commands
//! for pull-request annotations.

use crate::diagnostics::{Diagnostic, Severity, Summary};
use serde::Serialize;

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

/// GitHub Actions workflow command, escaped as the runner expects.
pub fn github(diagnostic: &Diagnostic) -> String {
    let command = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let property = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
            .replace(':', "%3A")
            .replace(',', "%2C")
    };
    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let message = message
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    format!(
        "::{command} file={},line={},col={},title={}::{message}",
        property(&diagnostic.file),
        diagnostic.line,
        diagnostic.column,
        property(&format!("pathbook {}", diagnostic.code)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code: "missing-fragment",
            file: "content/paths/p.md".into(),
            line: 3,
            column: 5,
            target: Some("../a.md#x".into()),
            message: "no heading `x`".into(),
            help: Some("did you mean `y`?".into()),
            source_line: Some("See [a](../a.md#x), ok".into()),
            width: 14,
        }
    }

    #[test]
    fn github_commands_escape_properties() {
        let line = github(&sample());
        assert_eq!(
            line,
            "::error file=content/paths/p.md,line=3,col=5,title=pathbook missing-fragment::no heading `x`%0Ahelp: did you mean `y`?"
        );
    }
}
