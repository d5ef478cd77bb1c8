//! Content problems as values, and the rustc-style format for people (the machine formats
//! live in `report`).

use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable name CI scripts can match (`missing-fragment`); never renamed.
    pub code: &'static str,
    /// Path relative to the project folder, `/`-separated.
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The link as written, when the finding is about a link.
    pub target: Option<String>,
    pub message: String,
    pub help: Option<String>,
    /// The source line, for the caret display; not part of the JSON. Only a window of a
    /// long line is kept (see [`crate::source::SourceFile::window`]), so a finding costs the
    /// same on a 100 KB line as on a short one.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// How many characters of the line come before `source_line`'s window.
    #[serde(skip)]
    pub source_skipped: usize,
    /// How many characters to underline from `column`.
    #[serde(skip)]
    pub width: usize,
}

impl Diagnostic {
    /// A finding about a whole file: points at its first line.
    pub fn file_level(severity: Severity, code: &'static str, file: &str, message: String) -> Self {
        Diagnostic {
            severity,
            code,
            file: file.to_string(),
            line: 1,
            column: 1,
            target: None,
            message,
            help: None,
            source_line: None,
            source_skipped: 0,
            width: 1,
        }
    }

    fn sort_key(&self) -> (&str, usize, usize, Severity, &str, &str) {
        (
            &self.file,
            self.line,
            self.column,
            self.severity,
            self.code,
            &self.message,
        )
    }
}

/// Sorted by file, line and column, so output is identical from run to run.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
}

#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct Summary {
    pub files_checked: usize,
    pub links_checked: usize,
    pub errors: usize,
    pub warnings: usize,
}

impl Summary {
    pub fn count(&mut self, diagnostics: &[Diagnostic]) {
        self.errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        self.warnings = diagnostics.len() - self.errors;
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "checked {}, {}: {}, {}",
            plural(self.files_checked, "file"),
            plural(self.links_checked, "link"),
            plural(self.errors, "error"),
            plural(self.warnings, "warning")
        )
    }
}

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Text from content made safe for a terminal or a CI log: control characters (line
/// breaks, ESC, BEL, C1 controls...) are shown as escapes, so a file name or a link cannot
/// start a GitHub workflow command (`::add-mask::`) on a line of its own or send a
/// terminal escape sequence. Tabs are kept: they are common and harmless.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char =
        |c: char| c != '\t' && (c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'));
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if unsafe_char(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// rustc-style: the headline, `--> file:line:col`, the source line with a caret under the
/// link, then the help. Everything that comes from content goes through [`printable`].
pub fn human(diagnostic: &Diagnostic, color: bool) -> String {
    let paint = Paint { on: color };
    let mut out = String::new();
    let (label, label_color) = match diagnostic.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
    };
    let _ = writeln!(
        out,
        "{}{} {}",
        paint.wrap(label_color, &format!("{label}[{}]", diagnostic.code)),
        paint.wrap("1", ":"),
        paint.wrap("1", &printable(&diagnostic.message))
    );
    let gutter = " ".repeat(diagnostic.line.to_string().len());
    let _ = writeln!(
        out,
        "{gutter}{} {}:{}:{}",
        paint.wrap("1;34", "-->"),
        printable(&diagnostic.file),
        diagnostic.line,
        diagnostic.column
    );
    if let Some(line) = &diagnostic.source_line {
        let bar = paint.wrap("1;34", "|");
        let shown = |text: &str| printable(&text.replace('\t', "    ")).into_owned();
        let skipped = if diagnostic.source_skipped > 0 {
            "…"
        } else {
            ""
        };
        let before: String = line
            .chars()
            .take(
                diagnostic
                    .column
                    .saturating_sub(1)
                    .saturating_sub(diagnostic.source_skipped),
            )
            .collect();
        let before_len = before.chars().count();
        let pad = skipped.chars().count() + shown(&before).chars().count();
        let rest: String = line.chars().skip(before_len).collect();
        let rest_width = shown(&rest).chars().count().max(1);
        let width = diagnostic.width.clamp(1, rest_width);
        let _ = writeln!(out, "{gutter} {bar}");
        let _ = writeln!(
            out,
            "{} {bar} {skipped}{}",
            paint.wrap("1;34", &diagnostic.line.to_string()),
            shown(line)
        );
        let _ = writeln!(
            out,
            "{gutter} {bar} {}{}",
            " ".repeat(pad),
            paint.wrap(label_color, &"^".repeat(width))
        );
    }
    if let Some(help) = &diagnostic.help {
        let _ = writeln!(
            out,
            "{gutter} {} {}",
            paint.wrap("1;34", "="),
            format_args!("{}: {}", paint.wrap("1", "help"), printable(help))
        );
    }
    out
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
            source_skipped: 0,
            width: 14,
        }
    }

    #[test]
    fn human_output_points_a_caret_at_the_link() {
        let text = human(&sample(), false);
        assert!(
            text.starts_with("error[missing-fragment]: no heading `x`\n"),
            "{text}"
        );
        assert!(text.contains(" --> content/paths/p.md:3:5\n"), "{text}");
        assert!(text.contains("3 | See [a](../a.md#x), ok\n"), "{text}");
        assert!(text.contains("  |     ^^^^^^^^^^^^^^\n"), "{text}");
        assert!(text.contains("= help: did you mean `y`?"), "{text}");
    }

    #[test]
    fn human_output_shows_control_characters_as_escapes() {
        let mut d = sample();
        d.file = "a\n::add-mask::x.md".into();
        d.message = "bell \u{7} escape \u{1b}[31m".into();
        d.source_line = Some("[a](\n::warning::x)\r".into());
        d.help = Some("\u{9b}2J".into());
        let text = human(&d, false);
        assert!(!text.contains("\n::"), "{text}");
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(text.contains("a\\n::add-mask::x.md"), "{text}");
        assert!(text.contains("bell \\u{7} escape \\u{1b}[31m"), "{text}");
    }

    #[test]
    fn a_window_of_a_long_line_keeps_the_caret_under_the_link() {
        let mut d = sample();
        d.column = 1005;
        d.source_skipped = 1000;
        d.source_line = Some("xxxx [a](b) yyyy".into());
        d.width = 6;
        let text = human(&d, false);
        assert!(text.contains("3 | …xxxx [a](b) yyyy\n"), "{text}");
        assert!(text.contains("  |      ^^^^^^\n"), "{text}");
    }
}
