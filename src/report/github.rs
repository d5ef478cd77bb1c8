//! GitHub Actions: workflow-command annotations within GitHub's limits, every finding in the
//! plain log, and a Markdown job summary.

use super::Finding;
use crate::diagnostics::{Diagnostic, Severity, Summary};
use std::fmt::Write as _;

/// GitHub shows at most this many annotations of each kind per step (and 50 per job, which
/// two kinds of ten stay under).
pub const PER_KIND: usize = 10;
/// GitHub refuses a step summary over 1 MiB; stop listing findings well before it.
pub const SUMMARY_BUDGET: usize = 900 * 1024;

fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One workflow command, escaped as the runner unescapes it.
pub fn annotation(d: &Diagnostic, path: &str) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!(
        "::{command} file={},line={},col={},title={}::{}",
        property(path),
        d.line,
        d.column,
        property(&format!("pathbook {}", d.code)),
        data(&super::full_message(d))
    )
}

/// The findings worth a scarce annotation: errors before warnings, and within each, one per
/// file before any file gets a second, so one broken file cannot hide the others.
pub fn chosen(findings: &[Finding]) -> Vec<usize> {
    let mut picked = Vec::new();
    for severity in [Severity::Error, Severity::Warning] {
        let mut of_kind = Vec::new();
        let mut round = 0;
        while of_kind.len() < PER_KIND {
            let mut last_path: Option<&str> = None;
            let mut per_file = 0;
            let mut any = false;
            for (i, f) in findings.iter().enumerate() {
                if f.diagnostic.severity != severity {
                    continue;
                }
                if last_path != Some(f.path.as_str()) {
                    last_path = Some(f.path.as_str());
                    per_file = 0;
                }
                per_file += 1;
                if per_file == round + 1 {
                    any = true;
                    if of_kind.len() < PER_KIND {
                        of_kind.push(i);
                    }
                }
            }
            if !any {
                break;
            }
            round += 1;
        }
        picked.extend(of_kind);
    }
    picked.sort_unstable();
    picked
}

/// A line of the plain log: control characters shown, never acted on.
fn plain(d: &Diagnostic, path: &str) -> String {
    let label = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!(
        "{path}:{}:{}: {label}[{}]: {}",
        d.line,
        d.column,
        d.code,
        super::full_message(d)
    )
    .chars()
    .flat_map(|c| {
        if c.is_control() {
            c.escape_default().collect::<Vec<_>>()
        } else {
            vec![c]
        }
    })
    .collect()
}

/// A token no file's content can predict, for `::stop-commands::`.
fn stop_token() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "pathbook-{:016x}",
        super::fnv1a(&[&nanos.to_string(), &std::process::id().to_string()])
    )
}

pub fn log(findings: &[Finding], summary: &Summary) -> String {
    let mut out = String::new();
    let picked = chosen(findings);
    for &i in &picked {
        let _ = writeln!(
            out,
            "{}",
            annotation(findings[i].diagnostic, &findings[i].path)
        );
    }
    let left = findings.len() - picked.len();
    if left > 0 {
        let _ = writeln!(
            out,
            "::notice title=pathbook check::{left} more findings not annotated (GitHub shows {PER_KIND} errors and {PER_KIND} warnings per step); all are listed in the log below and in the job summary"
        );
    }
    if !findings.is_empty() {
        // Workflow commands are off for the plain listing, so nothing in a file name or a
        // link can start one, even if an escape were missed.
        let token = stop_token();
        let _ = writeln!(out, "::stop-commands::{token}");
        for f in findings {
            let _ = writeln!(out, "{}", plain(f.diagnostic, &f.path));
        }
        let _ = writeln!(out, "::{token}::");
    }
    let _ = writeln!(out, "{summary}");
    out
}

/// Text safe in a Markdown table cell: no markup, no line breaks, no cell boundary.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("&#124;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '!' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Where the summary's links point: `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_SHA`.
pub struct Links {
    pub blob_base: Option<String>,
}

impl Links {
    pub fn from_env() -> Links {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let blob_base = match (
            var("GITHUB_SERVER_URL"),
            var("GITHUB_REPOSITORY"),
            var("GITHUB_SHA"),
        ) {
            (Some(server), Some(repo), Some(sha)) => Some(format!(
                "{}/{repo}/blob/{sha}",
                server.trim_end_matches('/')
            )),
            _ => None,
        };
        Links { blob_base }
    }
}

fn location(f: &Finding, links: &Links) -> String {
    let text = cell(&format!("{}:{}", f.path, f.diagnostic.line));
    match &links.blob_base {
        Some(base) => {
            let url = format!(
                "{base}/{}#L{}",
                super::sarif::uri_path(&f.path),
                f.diagnostic.line
            );
            format!("[{text}](<{url}>)")
        }
        None => text,
    }
}

/// How many table rows are shown before the rest fold into `<details>`.
const OPEN_ROWS: usize = 20;

pub fn step_summary(findings: &[Finding], summary: &Summary, links: &Links) -> String {
    let mut out = String::from("## pathbook check\n\n");
    let _ = writeln!(out, "{}\n", cell(&summary.to_string()));
    if findings.is_empty() {
        return out;
    }
    let mut counts: Vec<(&str, Severity, usize)> = Vec::new();
    for f in findings {
        let d = f.diagnostic;
        match counts
            .iter_mut()
            .find(|(c, s, _)| *c == d.code && *s == d.severity)
        {
            Some(entry) => entry.2 += 1,
            None => counts.push((d.code, d.severity, 1)),
        }
    }
    counts.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)).then(a.0.cmp(b.0)));
    out.push_str("| code | severity | findings |\n|---|---|---:|\n");
    for (code, severity, n) in counts {
        let severity = match severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(
            out,
            "| [`{code}`]({}) | {severity} | {n} |",
            super::rules::help_uri(code)
        );
    }
    out.push('\n');
    let header = "| location | code | message |\n|---|---|---|\n";
    // Errors first, as in the annotations.
    let mut order: Vec<&Finding> = findings.iter().collect();
    order.sort_by_key(|f| f.diagnostic.severity);
    let mut listed = 0;
    out.push_str(header);
    for f in &order {
        if listed == OPEN_ROWS {
            let _ = write!(
                out,
                "\n<details><summary>{} more findings</summary>\n\n{header}",
                order.len() - OPEN_ROWS
            );
        }
        let row = format!(
            "| {} | `{}` | {} |\n",
            location(f, links),
            f.diagnostic.code,
            cell(&super::full_message(f.diagnostic))
        );
        if out.len() + row.len() > SUMMARY_BUDGET {
            break;
        }
        out.push_str(&row);
        listed += 1;
    }
    if listed > OPEN_ROWS {
        out.push_str("\n</details>\n");
    }
    if listed < order.len() {
        let _ = writeln!(
            out,
            "\n{} findings not listed here (GitHub limits a summary to 1 MiB); the step's log has every one.",
            order.len() - listed
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(file: &str, severity: Severity) -> Diagnostic {
        Diagnostic {
            severity,
            code: "missing-fragment",
            file: file.into(),
            line: 3,
            column: 5,
            target: Some("../a.md#x".into()),
            message: "no heading `x`".into(),
            help: Some("did you mean `y`?".into()),
            source_line: Some("See [a](../a.md#x), ok".into()),
            width: 14,
            source_skipped: 0,
        }
    }

    #[test]
    fn commands_escape_properties() {
        let d = diagnostic("content/paths/p.md", Severity::Error);
        assert_eq!(
            annotation(&d, "docs/content/paths/p.md"),
            "::error file=docs/content/paths/p.md,line=3,col=5,title=pathbook missing-fragment::no heading `x`%0Ahelp: did you mean `y`?"
        );
        let hostile = diagnostic("a,b:c%\n::x.md", Severity::Error);
        let line = annotation(&hostile, &hostile.file);
        assert!(
            line.starts_with("::error file=a%2Cb%3Ac%25%0A%3A%3Ax.md,line="),
            "{line}"
        );
    }

    #[test]
    fn annotations_take_errors_first_and_one_per_file_before_seconds() {
        let mut diagnostics = Vec::new();
        for file in ["a.md", "b.md"] {
            for _ in 0..8 {
                diagnostics.push(diagnostic(file, Severity::Error));
            }
        }
        for _ in 0..30 {
            diagnostics.push(diagnostic("c.md", Severity::Warning));
        }
        let findings = super::super::findings(&diagnostics, "");
        let picked = chosen(&findings);
        let errors: Vec<&str> = picked
            .iter()
            .filter(|&&i| findings[i].diagnostic.severity == Severity::Error)
            .map(|&i| findings[i].path.as_str())
            .collect();
        assert_eq!(errors.len(), PER_KIND);
        assert_eq!(errors.iter().filter(|p| **p == "a.md").count(), 5);
        assert_eq!(errors.iter().filter(|p| **p == "b.md").count(), 5);
        assert_eq!(picked.len(), 2 * PER_KIND);
    }
}
