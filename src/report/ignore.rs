//! Ignore comments: an author says "I know" next to a finding.
//!
//! `<!-- pathbook-ignore-next-line -->` silences the next line, `<!-- pathbook-ignore-start -->`
//! up to `<!-- pathbook-ignore-end -->` a block, and `<!-- pathbook-ignore -->` its own line
//! (or the next one when it stands alone). Each takes an optional list of codes after a colon:
//! `<!-- pathbook-ignore: missing-fragment, case-mismatch -->`. An ignore that silences
//! nothing is reported (`unused-ignore`), so stale ones do not pile up.

use crate::diagnostics::{Diagnostic, Severity};
use crate::model::Site;
use std::collections::HashMap;

struct Directive {
    /// Where the comment is, for `unused-ignore`.
    line: usize,
    column: usize,
    /// The lines it covers, inclusive.
    first: usize,
    last: usize,
    /// Empty: every code.
    codes: Vec<String>,
    used: bool,
}

impl Directive {
    fn covers(&self, d: &Diagnostic) -> bool {
        (self.first..=self.last).contains(&d.line)
            && (self.codes.is_empty() || self.codes.iter().any(|c| c == d.code))
    }
}

enum Kind {
    Here,
    NextLine,
    Start,
    End,
}

/// Reads one `<!-- pathbook-ignore... -->` comment starting at `rest`.
fn parse(rest: &str) -> Option<(Kind, Vec<String>)> {
    let body = rest.strip_prefix("<!--")?;
    let body = &body[..body.find("-->")?];
    let body = body.trim().strip_prefix("pathbook-ignore")?;
    let (kind, tail) = if let Some(t) = body.strip_prefix("-next-line") {
        (Kind::NextLine, t)
    } else if let Some(t) = body.strip_prefix("-start") {
        (Kind::Start, t)
    } else if let Some(t) = body.strip_prefix("-end") {
        (Kind::End, t)
    } else {
        (Kind::Here, body)
    };
    let tail = tail.trim();
    let codes = match tail.strip_prefix(':') {
        Some(list) => list
            .split([',', ' '])
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect(),
        None if tail.is_empty() => Vec::new(),
        None => return None,
    };
    Some((kind, codes))
}

fn directives(text: &str) -> Vec<Directive> {
    let mut found = Vec::new();
    let mut open: Option<Directive> = None;
    let mut fence: Option<&str> = None;
    let lines: Vec<&str> = text.lines().collect();
    for (index, line) in lines.iter().enumerate() {
        let number = index + 1;
        let trimmed = line.trim_start();
        // A comment shown inside a code block is an example, not an instruction.
        for marker in ["```", "~~~"] {
            if trimmed.starts_with(marker) {
                match fence {
                    Some(m) if m == marker => fence = None,
                    None => fence = Some(marker),
                    _ => {}
                }
            }
        }
        if fence.is_some() || !line.contains("pathbook-ignore") {
            continue;
        }
        let mut search = 0;
        while let Some(at) = line[search..].find("<!--") {
            let at = search + at;
            search = at + 4;
            // Inside an inline code span (an odd number of backticks before it) the comment
            // is shown, not obeyed.
            if line[..at].matches('`').count() % 2 == 1 {
                continue;
            }
            let Some((kind, codes)) = parse(&line[at..]) else {
                continue;
            };
            let column = line[..at].chars().count() + 1;
            let stands_alone = line.trim() == line[at..].trim()
                && line[at..]
                    .find("-->")
                    .is_some_and(|end| line[at + end + 3..].trim().is_empty());
            let directive = |first, last, codes| Directive {
                line: number,
                column,
                first,
                last,
                codes,
                used: false,
            };
            match kind {
                Kind::Here if stands_alone => found.push(directive(number + 1, number + 1, codes)),
                Kind::Here => found.push(directive(number, number, codes)),
                Kind::NextLine => found.push(directive(number + 1, number + 1, codes)),
                Kind::Start => {
                    if let Some(previous) = open.take() {
                        found.push(previous);
                    }
                    open = Some(directive(number, usize::MAX, codes));
                }
                Kind::End => {
                    if let Some(mut start) = open.take() {
                        start.last = number;
                        found.push(start);
                    }
                }
            }
        }
    }
    found.extend(open);
    found
}

/// Removes the findings an ignore comment covers, and returns an `unused-ignore` warning for
/// each comment that covered none.
pub fn apply(site: &Site, diagnostics: &mut Vec<Diagnostic>) -> Vec<Diagnostic> {
    // Per file: one-line directives by the line they cover, and blocks by their first line.
    // A finding on line L is silenced only by the directives for L and by the last block
    // starting at or before L (a start closes the previous block, so blocks do not overlap):
    // a lookup and a binary search, however many comments a file holds.
    type PerFile = (HashMap<usize, Vec<Directive>>, Vec<Directive>);
    let mut by_file: HashMap<&str, PerFile> = HashMap::new();
    for doc in site.project.docs.values() {
        if !doc.source.text.contains("pathbook-ignore") {
            continue;
        }
        let found = directives(&doc.source.text);
        if found.is_empty() {
            continue;
        }
        let (lines, blocks) = by_file.entry(doc.source.display_path.as_str()).or_default();
        for directive in found {
            if directive.first == directive.last {
                lines.entry(directive.first).or_default().push(directive);
            } else {
                blocks.push(directive);
            }
        }
        blocks.sort_by_key(|d| d.first);
    }
    if by_file.is_empty() {
        return Vec::new();
    }
    diagnostics.retain(|d| {
        let Some((lines, blocks)) = by_file.get_mut(d.file.as_str()) else {
            return true;
        };
        let mut silenced = false;
        for directive in lines.get_mut(&d.line).into_iter().flatten() {
            if directive.covers(d) {
                directive.used = true;
                silenced = true;
            }
        }
        let end = blocks.partition_point(|b| b.first <= d.line);
        if let Some(block) = end.checked_sub(1).map(|i| &mut blocks[i])
            && block.covers(d)
        {
            block.used = true;
            silenced = true;
        }
        !silenced
    });
    let mut unused = Vec::new();
    for (file, (lines, blocks)) in by_file {
        let all = lines.into_values().flatten().chain(blocks);
        for directive in all.filter(|d| !d.used) {
            let mut warning = Diagnostic::file_level(
                Severity::Warning,
                "unused-ignore",
                file,
                "this pathbook-ignore comment silences no finding".to_string(),
            );
            warning.line = directive.line;
            warning.column = directive.column;
            warning.help = Some("remove it: the finding it was for is gone".to_string());
            unused.push(warning);
        }
    }
    unused
}
