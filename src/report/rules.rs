//! Every code `check` can report, with the text SARIF and the job summary show for it.

use crate::diagnostics::Severity;

pub struct Rule {
    pub code: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    /// The section of docs/check.md that explains the code.
    pub section: &'static str,
}

const fn rule(
    code: &'static str,
    severity: Severity,
    summary: &'static str,
    section: &'static str,
) -> Rule {
    Rule {
        code,
        severity,
        summary,
        section,
    }
}

use Severity::{Error, Warning};

pub const RULES: &[Rule] = &[
    rule(
        "missing-file",
        Error,
        "The link's target file does not exist.",
        "link-rules",
    ),
    rule(
        "missing-fragment",
        Error,
        "The target page has no heading or anchor with the link's fragment.",
        "link-rules",
    ),
    rule(
        "case-mismatch",
        Error,
        "The target exists only with different letter case.",
        "link-rules",
    ),
    rule(
        "outside-root",
        Error,
        "The link climbs out of the content root.",
        "link-rules",
    ),
    rule(
        "empty-link",
        Error,
        "The link has an empty target.",
        "link-rules",
    ),
    rule(
        "schemeless-url",
        Error,
        "The target looks like a web address without a scheme.",
        "link-rules",
    ),
    rule(
        "external-broken",
        Error,
        "The URL answers an error status or cannot be reached.",
        "external-links",
    ),
    rule(
        "external-redirect",
        Warning,
        "A permanent redirect in the URL's redirect chain.",
        "external-links",
    ),
    rule(
        "external-fragment",
        Error,
        "The fetched page has no id equal to the link's fragment.",
        "external-links",
    ),
    rule(
        "missing-module",
        Error,
        "A module item links a module whose folder has no README.",
        "structure-rules",
    ),
    rule(
        "empty-module",
        Error,
        "A module's README is empty.",
        "structure-rules",
    ),
    rule(
        "too-few-tracks",
        Error,
        "A choice phase offers fewer tracks than it asks for.",
        "structure-rules",
    ),
    rule(
        "bad-duration",
        Error,
        "A heading ends with a duration that cannot be read.",
        "structure-rules",
    ),
    rule(
        "orphan-module",
        Warning,
        "A module is not linked from any learning path.",
        "structure-rules",
    ),
    rule(
        "missing-title",
        Warning,
        "A module's README has no title.",
        "structure-rules",
    ),
    rule(
        "duplicate-title",
        Warning,
        "Two modules have the same title.",
        "structure-rules",
    ),
    rule(
        "unreadable-file",
        Error,
        "A Markdown file cannot be read.",
        "load-rules",
    ),
    rule(
        "invalid-utf8",
        Error,
        "A Markdown file is not valid UTF-8.",
        "load-rules",
    ),
    rule(
        "skipped-file",
        Warning,
        "A symbolic link was not followed.",
        "load-rules",
    ),
];

/// Where the documentation of `check` is published.
pub const DOCS: &str = "https://github.com/pathbook/pathbook/blob/main/docs/check.md";

pub fn help_uri(code: &str) -> String {
    let section = RULES
        .iter()
        .find(|r| r.code == code)
        .map_or("output-formats", |r| r.section);
    format!("{DOCS}#{section}")
}

pub fn summary(code: &str) -> &'static str {
    RULES
        .iter()
        .find(|r| r.code == code)
        .map_or("A pathbook check finding.", |r| r.summary)
}
