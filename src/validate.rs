//! Validate: every link and fragment, and the structure of paths and modules, as
//! [`Diagnostic`] values. `check` reports them; `build` fails on errors; `serve` shows them.

use crate::config::{BrokenLinkPolicy, Config};
use crate::diagnostics::{self, Diagnostic, Severity, Summary};
use crate::links::{Resolved, resolve};
use crate::load::{Doc, Layout};
use crate::markdown::{DocLink, LinkKind};
use crate::model::Site;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Which Markdown files to check links in.
pub enum Scope<'a> {
    /// Every Markdown file under the content root (`check`).
    All,
    /// Only the files that become pages (`build`, `serve`).
    Files(&'a BTreeSet<String>),
}

pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }

    /// Adds findings made outside [`validate`] (`check --external`), keeping the order and
    /// the counts right.
    pub fn extend(&mut self, more: Vec<Diagnostic>) {
        self.diagnostics.extend(more);
        diagnostics::sort(&mut self.diagnostics);
        self.summary.count(&self.diagnostics);
    }
}

/// `[check] exclude`: links whose target, as written, matches one of these are not checked.
pub fn exclude_patterns(config: &Config) -> Vec<regex::Regex> {
    config
        .check
        .exclude
        .iter()
        .filter_map(|p| regex::Regex::new(p).ok())
        .collect()
}

/// Points a finding at `link` in `doc`: its line and column, the source line, the link as
/// written and how much of it to underline.
pub fn point_at_link(doc: &Doc, link: &DocLink, diagnostic: &mut Diagnostic) {
    let position = doc.source.position(link.offset);
    diagnostic.line = position.line;
    diagnostic.column = position.column;
    let (window, skipped) = doc.source.window(link.offset);
    diagnostic.source_line = Some(window);
    diagnostic.source_skipped = skipped;
    diagnostic.target = Some(link.dest.clone());
    diagnostic.width = doc.source.text[link.offset..link.offset + link.len]
        .lines()
        .next()
        .map_or(1, |l| l.chars().count());
}

fn at(
    doc: &Doc,
    offset: usize,
    severity: Severity,
    code: &'static str,
    message: String,
) -> Diagnostic {
    let position = doc.source.position(offset);
    let (window, skipped) = doc.source.window(offset);
    Diagnostic {
        severity,
        code,
        file: doc.source.display_path.clone(),
        line: position.line,
        column: position.column,
        target: None,
        message,
        help: None,
        source_line: Some(window),
        source_skipped: skipped,
        width: 1,
    }
}

/// One file's link check: its path, how many links it has, and the findings with the
/// offset of the link each is about.
type FileLinks<'a> = (&'a String, usize, Vec<(usize, Diagnostic)>);

pub fn validate(site: &Site, scope: Scope) -> Report {
    let project = &site.project;
    let excludes = exclude_patterns(&project.config);
    let sanitizing = project.config.output.html.sanitize;
    let mut diagnostics = project.load_diagnostics.clone();
    let docs: Vec<(&String, &std::sync::Arc<crate::load::Doc>)> = project
        .docs
        .iter()
        .filter(|(rel, _)| match &scope {
            Scope::Files(files) => files.contains(*rel),
            Scope::All => true,
        })
        .collect();
    // The structure check (one thread) runs beside the link checks (every core): a link
    // it already reported as a missing module is dropped from the link findings after.
    let mut structure_findings = Vec::new();
    // Module links a path's structure check already reported on, by file and offset.
    let mut covered: HashMap<String, HashSet<usize>> = HashMap::new();
    let (_, per_doc) = rayon::join(
        || {
            if project.layout == Layout::Site {
                structure(site, &mut structure_findings, &mut covered);
            }
        },
        || -> Vec<FileLinks> {
            docs.par_iter()
                .map(|(rel, doc)| {
                    let mut found = Vec::new();
                    if let Some((line, error)) = &doc.parsed.front_matter_error {
                        // The block is still kept off the page; only its keys are lost.
                        let mut d = Diagnostic::file_level(
                            Severity::Warning,
                            "bad-front-matter",
                            &doc.source.display_path,
                            format!("front matter not read: {error}"),
                        );
                        d.line = *line;
                        found.push((usize::MAX, d));
                    }
                    if let Some(matter) = &doc.parsed.front_matter {
                        let unshown = matter.unshown_keys();
                        if !unshown.is_empty() {
                            // A crafted block may hold thousands of keys: name a few.
                            const NAMED: usize = 8;
                            let mut names: Vec<String> =
                                unshown.iter().take(NAMED).map(|k| format!("`{k}`")).collect();
                            if unshown.len() > NAMED {
                                names.push(format!("and {} more", unshown.len() - NAMED));
                            }
                            // Front matter always opens the file, so line 1 is its place.
                            let mut d = Diagnostic::file_level(
                                Severity::Warning,
                                "front-matter-not-shown",
                                &doc.source.display_path,
                                format!(
                                    "front matter not shown on the site: {}",
                                    names.join(", ")
                                ),
                            );
                            d.help = Some("pathbook shows `title` and `description` (or `summary`); write the rest into the text to publish it".into());
                            found.push((usize::MAX, d));
                        }
                    }
                    for link in &doc.parsed.links {
                        if excludes.iter().any(|re| re.is_match(&link.dest)) {
                            continue;
                        }
                        if let Some(mut diagnostic) = check_link(site, doc, &link.dest, link.kind) {
                            point_at_link(doc, link, &mut diagnostic);
                            found.push((link.offset, diagnostic));
                        }
                    }
                    for (offset, reason) in &doc.parsed.math_errors {
                        let mut diagnostic = at(
                            doc,
                            *offset,
                            Severity::Warning,
                            "math-syntax",
                            format!("this formula is shown as written: {reason}"),
                        );
                        diagnostic.help =
                            Some("pathbook converts LaTeX math to MathML; see docs/rendering.md for what it understands".into());
                        found.push((*offset, diagnostic));
                    }
                    if sanitizing
                        && doc.source.text.contains('<')
                        && crate::sanitize::nesting_depth(&doc.source.text)
                            > crate::sanitize::MAX_DEPTH
                    {
                        let mut d = at(
                            doc,
                            0,
                            Severity::Warning,
                            "deep-html",
                            format!(
                                "raw HTML nests more than {} elements deep: the section is shown as its source text",
                                crate::sanitize::MAX_DEPTH
                            ),
                        );
                        d.help = Some("flatten the HTML; browsers stop nesting at 512 too".into());
                        found.push((usize::MAX, d));
                    }
                    (*rel, doc.parsed.links.len(), found)
                })
                .collect()
        },
    );
    diagnostics.extend(structure_findings);
    let mut summary = Summary::default();
    for (rel, links, found) in per_doc {
        summary.files_checked += 1;
        summary.links_checked += links;
        let covered = covered.get(rel.as_str());
        diagnostics.extend(
            found
                .into_iter()
                .filter(|(offset, _)| !covered.is_some_and(|offsets| offsets.contains(offset)))
                .map(|(_, diagnostic)| diagnostic),
        );
    }
    if let BrokenLinkPolicy::Warn = project.config.build.on_broken_links
        && matches!(scope, Scope::Files(_))
    {
        for diagnostic in &mut diagnostics {
            if diagnostic.target.is_some() || diagnostic.code == "missing-module" {
                diagnostic.severity = Severity::Warning;
            }
        }
    }
    diagnostics::sort(&mut diagnostics);
    summary.count(&diagnostics);
    Report {
        diagnostics,
        summary,
    }
}

fn link_diagnostic(
    doc: &Doc,
    severity: Severity,
    code: &'static str,
    message: String,
    help: Option<String>,
) -> Diagnostic {
    let mut diagnostic = Diagnostic::file_level(severity, code, &doc.source.display_path, message);
    diagnostic.help = help;
    diagnostic
}

fn check_link(site: &Site, doc: &Doc, dest: &str, kind: LinkKind) -> Option<Diagnostic> {
    let project = &site.project;
    match resolve(&doc.source.rel_path, dest, &project.index) {
        Resolved::External => None,
        // GitHub shows a folder without a README as a file listing: in a plain folder of
        // Markdown (a repository) the link works. A site has no page for it.
        Resolved::Problem(problem)
            if problem.bare_folder && project.layout == Layout::PlainMarkdown =>
        {
            None
        }
        Resolved::Problem(problem) => Some(link_diagnostic(
            doc,
            Severity::Error,
            problem.code,
            problem.message,
            problem.help,
        )),
        Resolved::SamePage { fragment } => check_fragment(doc, &fragment, || "this page".into()),
        Resolved::Local { rel, fragment, .. } => {
            let fragment = fragment?;
            if kind == LinkKind::Image {
                return None;
            }
            let target = project.docs.get(&rel)?;
            check_fragment(target, &fragment, || project.display_path(&rel)).map(|mut d| {
                d.file = doc.source.display_path.clone();
                d
            })
        }
    }
}

/// A fragment is valid when the target page has that id; `#top` and `#` always are. The
/// target's name is only made for a finding: nearly every fragment exists.
fn check_fragment(
    target: &Doc,
    fragment: &str,
    target_name: impl FnOnce() -> String,
) -> Option<Diagnostic> {
    if fragment.is_empty() || fragment == "top" || target.parsed.has_anchor(fragment) {
        return None;
    }
    let target_name = target_name();
    if let Some(real) = target.parsed.anchor_ignoring_case(fragment) {
        return Some(link_diagnostic(
            target,
            Severity::Warning,
            "case-mismatch",
            format!(
                "fragment `#{fragment}` matches `#{real}` in {target_name} only when case is ignored; browsers match ids exactly"
            ),
            Some(format!("write `#{real}`")),
        ));
    }
    let ids = target.parsed.headings.iter().map(|h| h.id.as_str());
    let help = crate::suggest::closest(fragment, ids).map(|id| format!("did you mean `#{id}`?"));
    Some(link_diagnostic(
        target,
        Severity::Error,
        "missing-fragment",
        format!("no heading or anchor `#{fragment}` in {target_name}"),
        help,
    ))
}

fn structure(
    site: &Site,
    diagnostics: &mut Vec<Diagnostic>,
    covered: &mut HashMap<String, HashSet<usize>>,
) {
    let project = &site.project;
    // Built at the first missing module, once for every path.
    let existing_modules = std::sync::OnceLock::new();
    for path in &site.paths {
        let doc = &project.docs[&path.rel];
        for bad in &path.bad_durations {
            let mut d = at(
                doc,
                bad.offset,
                Severity::Warning,
                "bad-duration",
                format!("duration `({})` is not understood", bad.text),
            );
            d.help = Some(
                "write it like `(4 weeks)`, `(12-16 weeks)`, `(8+ weeks)` or `(2-3 months)`".into(),
            );
            diagnostics.push(d);
        }
        for phase in &path.phases {
            if let Some(choose) = phase.choose {
                let tracks = phase.tracks().count() as u32;
                let items = phase.all_modules().count() as u32;
                if tracks == 0 && items < choose.max {
                    let mut d = at(
                        doc,
                        phase.heading_offset,
                        Severity::Warning,
                        "too-few-choices",
                        format!(
                            "phase `{}` asks learners to {choose} of its items but lists {items}",
                            phase.title
                        ),
                    );
                    d.help =
                        Some("list more module items under the phase, or lower the number".into());
                    diagnostics.push(d);
                } else if tracks > 0 && tracks < choose.max {
                    let mut d = at(
                        doc,
                        phase.heading_offset,
                        Severity::Warning,
                        "too-few-tracks",
                        format!(
                            "phase `{}` asks learners to {choose} tracks but offers {tracks}",
                            phase.title
                        ),
                    );
                    d.help = Some(
                        "add `###` track headings with modules under them, or lower the number"
                            .into(),
                    );
                    diagnostics.push(d);
                }
            }
            for (_, module_ref) in phase.all_modules() {
                let module = &site.modules[&module_ref.slug];
                // A README that exists but could not be read is reported by the load; one
                // that exists with other letter case is the link check's case-mismatch.
                let index = &project.index;
                let on_disk = index.is_file(&module.rel)
                    || index
                        .case_insensitive(&module.rel)
                        .is_some_and(|real| index.is_file(real));
                if !module.exists && !on_disk {
                    covered
                        .entry(path.rel.clone())
                        .or_default()
                        .insert(module_ref.offset);
                    let mut d = at(
                        doc,
                        module_ref.offset,
                        Severity::Error,
                        "missing-module",
                        format!(
                            "module `{}` has no README: `{}` does not exist",
                            module_ref.slug,
                            project.display_path(&module.rel)
                        ),
                    );
                    let modules_dir = project.config.modules_dir();
                    let existing = existing_modules.get_or_init(|| {
                        crate::suggest::Index::new(
                            site.modules
                                .values()
                                .filter(|m| m.exists)
                                .map(|m| m.slug.as_str()),
                        )
                    });
                    d.help = existing
                        .closest(&module_ref.slug)
                        .map(|near| format!("did you mean `{near}`? (in `{modules_dir}/`)"));
                    d.target = Some(module_ref.dest.clone());
                    d.width = module_ref.link_len;
                    diagnostics.push(d);
                }
            }
        }
    }
    let mut titles: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for module in site.modules.values().filter(|m| m.exists) {
        let doc = &project.docs[&module.rel];
        if doc.source.text.trim().is_empty() {
            diagnostics.push(Diagnostic::file_level(
                Severity::Warning,
                "empty-module",
                &doc.source.display_path,
                format!("module `{}` has an empty README", module.slug),
            ));
            continue;
        }
        match &doc.parsed.title {
            None => {
                let mut d = Diagnostic::file_level(
                    Severity::Warning,
                    "missing-title",
                    &doc.source.display_path,
                    format!("module `{}` has no title", module.slug),
                );
                d.help = Some(
                    "start the file with `# Title` (or give front matter a `title`); pages and search use it"
                        .into(),
                );
                diagnostics.push(d);
            }
            Some(title) => titles
                .entry(title.to_lowercase())
                .or_default()
                .push(&module.rel),
        }
        if module.used_by.is_empty() && !site.paths.is_empty() {
            let mut d = Diagnostic::file_level(
                Severity::Warning,
                "orphan-module",
                &doc.source.display_path,
                format!(
                    "module `{}` is not linked from any learning path",
                    module.slug
                ),
            );
            d.help = Some(format!(
                "link it from a path as `../{}/{}/README.md`",
                project.config.modules_dir(),
                module.slug
            ));
            diagnostics.push(d);
        }
    }
    for rels in titles.values().filter(|r| r.len() > 1) {
        let first = project.display_path(rels[0]);
        for rel in &rels[1..] {
            let doc = &project.docs[*rel];
            let mut d = Diagnostic::file_level(
                Severity::Warning,
                "duplicate-title",
                &doc.source.display_path,
                format!(
                    "module title `{}` is also used by `{first}`",
                    doc.parsed.title.as_deref().unwrap_or("")
                ),
            );
            d.help = Some("learners tell modules apart by title; give each a distinct one".into());
            diagnostics.push(d);
        }
    }
}
