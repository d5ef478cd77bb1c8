//! Model: learning paths (phases → groups/tracks → module refs), modules and the pages that
//! links reach, built from the parsed documents. No I/O happens here.

use crate::duration::{Choose, Duration, split_heading};
use crate::links::{join_inside_root, split_fragment};
use crate::load::{Doc, Project};
use crate::markdown::{Heading, LinkedItem};
use crate::slug::{Slugger, github_slug};
use rayon::prelude::*;
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// A module as a path lists it: the link, its text and the topics promised under it.
#[derive(Debug, Clone)]
pub struct ModuleRef {
    pub slug: String,
    /// The link destination as written.
    pub dest: String,
    pub link_len: usize,
    pub link_text: String,
    pub topics: Vec<String>,
    /// Byte offset of the link in the path file.
    pub offset: usize,
}

/// A `###` inside a phase: a group, or a track when the phase says `(Choose N)`.
#[derive(Debug, Clone)]
pub struct Group {
    pub slug: String,
    pub title: String,
    /// The heading's id on the path page.
    pub heading_id: String,
    pub duration: Option<Duration>,
    pub is_track: bool,
    pub modules: Vec<ModuleRef>,
}

#[derive(Debug, Clone)]
pub struct Phase {
    pub slug: String,
    pub title: String,
    pub heading_id: String,
    pub heading_offset: usize,
    /// As written in the heading; otherwise derived from the groups' durations.
    pub duration: Option<Duration>,
    pub choose: Option<Choose>,
    /// Modules listed directly under the phase heading, before any group.
    pub modules: Vec<ModuleRef>,
    pub groups: Vec<Group>,
}

impl Phase {
    pub fn tracks(&self) -> impl Iterator<Item = &Group> {
        self.groups.iter().filter(|g| g.is_track)
    }

    /// Every module reference in reading order.
    pub fn all_modules(&self) -> impl Iterator<Item = (Option<&Group>, &ModuleRef)> {
        self.modules.iter().map(|m| (None, m)).chain(
            self.groups
                .iter()
                .flat_map(|g| g.modules.iter().map(move |m| (Some(g), m))),
        )
    }
}

/// The path page in document order: prose sections as written, and the phases.
#[derive(Debug, Clone)]
pub enum Section {
    /// A `##` section (or the text before the first one) rendered as written; the value is
    /// the index of its heading in the document, `None` for the introduction.
    Prose(Option<usize>),
    /// A `##` heading that holds phases: itself (a phase) or `### Phase N:` children.
    Phases {
        heading_index: usize,
        container: bool,
        phases: Vec<usize>,
    },
}

#[derive(Debug)]
pub struct BadDuration {
    pub offset: usize,
    pub text: String,
}

#[derive(Debug)]
pub struct LearningPath {
    pub slug: String,
    /// Source file, relative to the content root.
    pub rel: String,
    pub title: String,
    pub description: Option<String>,
    pub phases: Vec<Phase>,
    pub sections: Vec<Section>,
    pub total: Option<Duration>,
    pub bad_durations: Vec<BadDuration>,
}

impl LearningPath {
    /// Module slugs in path order, first occurrence only.
    pub fn module_order(&self) -> Vec<&str> {
        let mut seen = BTreeSet::new();
        self.phases
            .iter()
            .flat_map(|p| p.all_modules().map(|(_, m)| m.slug.as_str()))
            .filter(|slug| seen.insert(*slug))
            .collect()
    }
}

/// Where a path uses a module: indexes into `Site::paths`, its phases and groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    pub path: usize,
    pub phase: usize,
    pub group: Option<usize>,
    pub reference: usize,
}

#[derive(Debug)]
pub struct Module {
    pub slug: String,
    /// The README, relative to the content root; it may not exist (a missing module).
    pub rel: String,
    pub exists: bool,
    pub used_by: Vec<Usage>,
}

pub struct Site {
    pub project: Project,
    pub paths: Vec<LearningPath>,
    pub modules: BTreeMap<String, Module>,
}

impl Site {
    pub fn doc(&self, rel: &str) -> Option<&Doc> {
        self.project.docs.get(rel).map(|doc| &**doc)
    }

    pub fn module_title(&self, slug: &str) -> String {
        let module = &self.modules[slug];
        self.doc(&module.rel)
            .and_then(|doc| doc.parsed.title.clone())
            .unwrap_or_else(|| {
                // A module without a `#` title still needs a name: the first path's link text.
                module
                    .used_by
                    .first()
                    .map(|u| self.reference(*u).link_text.clone())
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| slug.to_string())
            })
    }

    pub fn reference(&self, usage: Usage) -> &ModuleRef {
        let phase = &self.paths[usage.path].phases[usage.phase];
        match usage.group {
            Some(g) => &phase.groups[g].modules[usage.reference],
            None => &phase.modules[usage.reference],
        }
    }

    /// The module a link in the path file at `from_rel` points at, if it points at one.
    pub fn module_slug_for_link(&self, from_rel: &str, dest: &str) -> Option<String> {
        module_slug_for_link(&self.project.config.modules_dir(), from_rel, dest)
    }
}

/// `../modules/<slug>/README.md`, `../modules/<slug>/` and `../modules/<slug>` all name
/// the module `<slug>`.
pub fn module_slug_for_link(modules_dir: &str, from_rel: &str, dest: &str) -> Option<String> {
    if crate::links::has_scheme(dest) || dest.starts_with('#') {
        return None;
    }
    let (path, _) = split_fragment(dest);
    let path = crate::links::decode(path);
    let rel = join_inside_root(crate::discover::parent_of(from_rel), &path)?;
    let rest = if modules_dir.is_empty() {
        rel.as_str()
    } else {
        rel.strip_prefix(modules_dir)?.strip_prefix('/')?
    };
    let mut parts = rest.split('/');
    let slug = parts.next().filter(|s| !s.is_empty())?;
    match (parts.next(), parts.next()) {
        // A module kept as one file: `modules/intro.md` is the module `intro`.
        (None, _) if crate::discover::is_markdown(slug) => Some(
            slug.rsplit_once('.')
                .map_or(slug, |(stem, _)| stem)
                .to_string(),
        ),
        (None, _) | (Some(""), None) => Some(slug.to_string()),
        (Some(file), None)
            if file.eq_ignore_ascii_case("readme.md") || file.eq_ignore_ascii_case("index.md") =>
        {
            Some(slug.to_string())
        }
        _ => None,
    }
}

fn phase_label_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)^(phase|stage|part|step|level)\s+(\d+|[ivx]+)\b").expect("valid regex")
    })
}

/// Builds the site model from a loaded project.
pub fn build(project: Project) -> Site {
    let config = &project.config;
    let paths_dir = config.paths_dir();
    let modules_dir = config.modules_dir();

    let path_files: Vec<&String> = project
        .docs
        .keys()
        .filter(|rel| {
            crate::discover::parent_of(rel) == paths_dir
                && project.layout == crate::load::Layout::Site
        })
        .collect();
    let mut paths: Vec<LearningPath> = path_files
        .par_iter()
        .map(|rel| parse_path(rel, &project.docs[rel.as_str()], &modules_dir))
        .collect();
    paths.sort_by(|a, b| a.slug.cmp(&b.slug));

    let mut modules: BTreeMap<String, Module> = BTreeMap::new();
    if project.layout == crate::load::Layout::Site {
        let prefix = if modules_dir.is_empty() {
            String::new()
        } else {
            format!("{modules_dir}/")
        };
        for dir in &project.index.dirs {
            let Some(slug) = dir.strip_prefix(&prefix) else {
                continue;
            };
            if slug.is_empty() || slug.contains('/') {
                continue;
            }
            let readme = ["README.md", "index.md"]
                .iter()
                .map(|name| format!("{dir}/{name}"))
                .find(|rel| project.docs.contains_key(rel));
            if let Some(rel) = readme {
                modules.insert(
                    slug.to_string(),
                    Module {
                        slug: slug.to_string(),
                        rel,
                        exists: true,
                        used_by: Vec::new(),
                    },
                );
            }
        }
    }
    if project.layout == crate::load::Layout::Site {
        // Modules kept as one Markdown file each, beside the folders (a folder wins a name
        // both use: it is the one a link to `modules/<name>/` reaches).
        for rel in project.docs.keys() {
            if crate::discover::parent_of(rel) != modules_dir {
                continue;
            }
            let name = rel.rsplit('/').next().unwrap_or(rel);
            let Some((stem, _)) = name.rsplit_once('.') else {
                continue;
            };
            if stem.eq_ignore_ascii_case("readme") || stem.eq_ignore_ascii_case("index") {
                continue;
            }
            modules.entry(stem.to_string()).or_insert_with(|| Module {
                slug: stem.to_string(),
                rel: rel.clone(),
                exists: true,
                used_by: Vec::new(),
            });
        }
    }
    for (path_index, path) in paths.iter().enumerate() {
        for (phase_index, phase) in path.phases.iter().enumerate() {
            let direct = phase.modules.iter().enumerate().map(|(i, m)| (None, i, m));
            let grouped = phase.groups.iter().enumerate().flat_map(|(g, group)| {
                group
                    .modules
                    .iter()
                    .enumerate()
                    .map(move |(i, m)| (Some(g), i, m))
            });
            for (group, reference, module_ref) in direct.chain(grouped) {
                let module = modules
                    .entry(module_ref.slug.clone())
                    .or_insert_with(|| Module {
                        slug: module_ref.slug.clone(),
                        rel: format!(
                            "{}{}/README.md",
                            if modules_dir.is_empty() {
                                String::new()
                            } else {
                                format!("{modules_dir}/")
                            },
                            module_ref.slug
                        ),
                        exists: false,
                        used_by: Vec::new(),
                    });
                module.used_by.push(Usage {
                    path: path_index,
                    phase: phase_index,
                    group,
                    reference,
                });
            }
        }
    }
    Site {
        project,
        paths,
        modules,
    }
}

fn file_stem(rel: &str) -> &str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// For each heading, the index of the nearest enclosing heading of each level.
fn children_of(headings: &[Heading], parent: usize) -> Vec<usize> {
    let level = headings[parent].level;
    let mut children = Vec::new();
    let mut child_level = None;
    for (i, heading) in headings.iter().enumerate().skip(parent + 1) {
        if heading.level <= level {
            break;
        }
        // Direct children are the shallowest headings below the parent (### under ##, or
        // #### when an author skipped a level).
        let wanted = *child_level.get_or_insert(heading.level);
        if heading.level < wanted {
            child_level = Some(heading.level);
            children.clear();
        }
        if heading.level == child_level.expect("set") {
            children.push(i);
        }
    }
    children
}

/// The heading indexes inside `parent`'s section (excluding `parent`).
fn section_range(headings: &[Heading], parent: usize) -> std::ops::Range<usize> {
    let level = headings[parent].level;
    let end = headings
        .iter()
        .enumerate()
        .skip(parent + 1)
        .find(|(_, h)| h.level <= level)
        .map_or(headings.len(), |(i, _)| i);
    parent + 1..end
}

struct PathParser<'a> {
    doc: &'a Doc,
    modules_dir: &'a str,
    bad_durations: Vec<BadDuration>,
}

impl PathParser<'_> {
    fn heading_parts(&mut self, index: usize) -> crate::duration::HeadingParts {
        let heading = &self.doc.parsed.headings[index];
        let parts = split_heading(&heading.text);
        if let Some(text) = &parts.bad_duration {
            self.bad_durations.push(BadDuration {
                offset: heading.offset,
                text: text.clone(),
            });
        }
        parts
    }

    fn module_refs(
        &self,
        heading_indexes: std::ops::Range<usize>,
        direct_only: Option<usize>,
    ) -> Vec<ModuleRef> {
        self.items_under(heading_indexes, direct_only)
            .filter_map(|item| self.module_ref(item))
            .collect()
    }

    fn items_under(
        &self,
        heading_indexes: std::ops::Range<usize>,
        direct_only: Option<usize>,
    ) -> impl Iterator<Item = &LinkedItem> {
        self.doc
            .parsed
            .items
            .iter()
            .filter(move |item| match (item.heading_index, direct_only) {
                (Some(h), Some(only)) => h == only,
                (Some(h), None) => heading_indexes.contains(&h),
                (None, _) => false,
            })
    }

    fn module_ref(&self, item: &LinkedItem) -> Option<ModuleRef> {
        let slug = module_slug_for_link(self.modules_dir, &self.doc.source.rel_path, &item.dest)?;
        Some(ModuleRef {
            slug,
            dest: item.dest.clone(),
            link_len: item.len,
            link_text: item.link_text.clone(),
            topics: item.topics.clone(),
            offset: item.offset,
        })
    }

    fn has_modules(&self, heading: usize) -> bool {
        let headings = &self.doc.parsed.headings;
        let range = heading..section_range(headings, heading).end;
        // Asked of every heading: finding one module link is enough, nothing is copied.
        self.items_under(range, None).any(|item| {
            module_slug_for_link(self.modules_dir, &self.doc.source.rel_path, &item.dest).is_some()
        })
    }

    /// A phase from `heading`, with its child headings as groups (or tracks).
    fn phase(&mut self, heading: usize, phase_number: usize, slugger: &mut Slugger) -> Phase {
        let headings = &self.doc.parsed.headings;
        let parts = self.heading_parts(heading);
        let choose = parts.choose;
        let mut group_slugger = Slugger::default();
        let mut groups = Vec::new();
        for child in children_of(headings, heading) {
            let child_range = child..section_range(headings, child).end;
            let modules = self.module_refs(child_range, None);
            let child_parts = self.heading_parts(child);
            if modules.is_empty() && child_parts.duration.is_none() {
                continue;
            }
            groups.push(Group {
                slug: slug_or(
                    &mut group_slugger,
                    &child_parts.title,
                    "group",
                    groups.len(),
                ),
                title: child_parts.title,
                heading_id: headings[child].id.clone(),
                duration: child_parts.duration,
                is_track: false,
                modules,
            });
        }
        // `(Choose 1-2)` over several `###` groups chooses among them (tracks); over one
        // group or none it chooses among the items, as in "Specialized Areas (Choose 1-2)"
        // with one list of three modules.
        let tracks = choose.is_some() && groups.len() >= 2;
        for group in &mut groups {
            group.is_track = tracks;
        }
        let duration = parts
            .duration
            .or_else(|| derived_duration(&groups, choose.filter(|_| tracks)));
        Phase {
            slug: slug_or(slugger, &parts.title, "phase", phase_number),
            title: parts.title,
            heading_id: headings[heading].id.clone(),
            heading_offset: headings[heading].offset,
            duration,
            choose,
            modules: self.module_refs(0..0, Some(heading)),
            groups,
        }
    }
}

/// A phase without its own duration takes its groups' sum, or for tracks the range from
/// the shortest to the longest choice of N.
fn derived_duration(groups: &[Group], choose: Option<Choose>) -> Option<Duration> {
    let durations: Vec<Duration> = groups.iter().filter_map(|g| g.duration).collect();
    if durations.is_empty() {
        return None;
    }
    let Some(choose) = choose else {
        return Duration::sum(durations);
    };
    let mut by_min = durations.clone();
    by_min.sort_by(|a, b| a.min_weeks().total_cmp(&b.min_weeks()));
    let low = Duration::sum(by_min.iter().take(choose.min as usize).copied())?;
    let high = Duration::sum(by_min.iter().rev().take(choose.max as usize).copied())?;
    let high = high.to_unit(low.unit);
    Some(Duration {
        min: low.min,
        max: high.max,
        unit: low.unit,
    })
}

fn slug_or(slugger: &mut Slugger, title: &str, fallback: &str, index: usize) -> String {
    let base = github_slug(title);
    let base = base.trim_matches('-').to_string();
    if base.is_empty() {
        slugger.unique(format!("{fallback}-{}", index + 1))
    } else {
        slugger.unique(base)
    }
}

pub fn parse_path(rel: &str, doc: &Doc, modules_dir: &str) -> LearningPath {
    let headings = &doc.parsed.headings;
    let mut parser = PathParser {
        doc,
        modules_dir,
        bad_durations: Vec::new(),
    };
    let mut slugger = Slugger::default();
    let mut phases = Vec::new();
    let mut sections = Vec::new();

    let first_h2 = headings.iter().position(|h| h.level == 2);
    // Text before the first `##`, minus the title, is the introduction.
    sections.push(Section::Prose(None));
    let top_level: Vec<usize> = match first_h2 {
        Some(_) => headings
            .iter()
            .enumerate()
            .filter(|(_, h)| h.level == 2)
            .map(|(i, _)| i)
            .collect(),
        None => Vec::new(),
    };
    for heading in top_level {
        let parts = split_heading(&headings[heading].text);
        let children = children_of(headings, heading);
        let direct = parser.module_refs(0..0, Some(heading));
        let phase_children: Vec<usize> = children
            .iter()
            .copied()
            .filter(|&c| phase_label_regex().is_match(&headings[c].text))
            .collect();
        let is_container = direct.is_empty()
            && parts.duration.is_none()
            && parts.choose.is_none()
            && !phase_children.is_empty()
            && phase_children.iter().any(|&c| {
                parser.has_modules(c) || split_heading(&headings[c].text).duration.is_some()
            });
        if is_container {
            let mut contained = Vec::new();
            for child in children {
                // Every child that lists modules or carries a duration is a phase, labelled
                // or not, so nothing under the container is dropped.
                let holds_phase = phase_children.contains(&child)
                    || parser.has_modules(child)
                    || split_heading(&headings[child].text).duration.is_some();
                if !holds_phase {
                    continue;
                }
                contained.push(phases.len());
                phases.push(parser.phase(child, phases.len(), &mut slugger));
            }
            sections.push(Section::Phases {
                heading_index: heading,
                container: true,
                phases: contained,
            });
        } else if parser.has_modules(heading) || parts.duration.is_some() || parts.choose.is_some()
        {
            sections.push(Section::Phases {
                heading_index: heading,
                container: false,
                phases: vec![phases.len()],
            });
            phases.push(parser.phase(heading, phases.len(), &mut slugger));
        } else {
            // Still reports an unparseable duration on a prose heading.
            parser.heading_parts(heading);
            sections.push(Section::Prose(Some(heading)));
        }
    }
    let total = Duration::sum(phases.iter().filter_map(|p| p.duration));
    LearningPath {
        slug: file_stem(rel).to_string(),
        rel: rel.to_string(),
        title: doc
            .parsed
            .title
            .clone()
            .unwrap_or_else(|| file_stem(rel).replace(['-', '_'], " ")),
        description: doc.parsed.description.clone(),
        phases,
        sections,
        total,
        bad_durations: parser.bad_durations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn path(text: &str) -> LearningPath {
        let source = SourceFile::new(
            "content/paths/p.md".into(),
            "paths/p.md".into(),
            text.into(),
        );
        let parsed = crate::markdown::parse(&source.text);
        parse_path(
            "paths/p.md",
            &Doc {
                source,
                parsed,
                stamp: None,
            },
            "modules",
        )
    }

    #[test]
    fn the_seed_has_three_phases_totalling_28_to_36_weeks() {
        let seed = include_str!("../content/paths/ml-engineer.md");
        let p = path(seed);
        assert_eq!(p.title, "Machine Learning Engineer Learning Path");
        let titles: Vec<_> = p.phases.iter().map(|ph| ph.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Core ML Engineering Foundations",
                "Advanced ML Systems",
                "Specialization Tracks"
            ]
        );
        assert_eq!(p.total.unwrap().to_string(), "28-36 weeks");
        let tracks = &p.phases[2];
        assert_eq!(tracks.choose.unwrap().to_string(), "choose 2");
        assert_eq!(tracks.tracks().count(), 3);
        assert_eq!(tracks.slug, "specialization-tracks");
        assert_eq!(
            tracks.heading_id,
            "specialization-tracks-choose-2-8-10-weeks"
        );
        let first = &p.phases[0].groups[0].modules[0];
        assert_eq!(first.slug, "machine-learning-basics");
        assert_eq!(
            first.topics,
            [
                "Advanced ML algorithms",
                "Model evaluation strategies",
                "Feature engineering",
                "Ensemble methods"
            ]
        );
        assert_eq!(p.module_order().len(), 9);
        // Prose sections stay prose: Overview, Prerequisites, Essential Skills, ...
        let prose = p
            .sections
            .iter()
            .filter(|s| matches!(s, Section::Prose(Some(_))))
            .count();
        assert_eq!(prose, 6);
    }

    #[test]
    fn durations_on_groups_add_up_to_the_phase() {
        let p = path(
            "# P\n\n## Core\n\n### A (2 weeks)\n- [A](../modules/a/README.md)\n\n### B (3-4 weeks)\n- [B](../modules/b/README.md)\n",
        );
        assert_eq!(p.phases.len(), 1);
        assert_eq!(p.phases[0].duration.unwrap().to_string(), "5-6 weeks");
        assert_eq!(p.total.unwrap().to_string(), "5-6 weeks");
    }

    #[test]
    fn a_container_of_phase_headings_holds_phases() {
        let p = path(
            "# P\n\n## Core Modules\n\n### Phase 1: Basics (4 weeks)\n1. [A](../modules/a/README.md)\n\n### Phase 2: More (8+ weeks)\n1. [B](../modules/b/)\n\n## Notes\ntext\n",
        );
        let titles: Vec<_> = p.phases.iter().map(|ph| ph.title.as_str()).collect();
        assert_eq!(titles, ["Phase 1: Basics", "Phase 2: More"]);
        assert_eq!(p.total.unwrap().to_string(), "12+ weeks");
        assert_eq!(p.phases[1].modules[0].slug, "b");
    }

    #[test]
    fn numbered_phase_headings_and_paths_without_durations_or_modules() {
        let p = path(
            "# P\n\n## Phase 1: Mathematical Foundations (4-6 weeks)\n- [Linear algebra](../modules/la/README.md)\n\n## Phase 2: Models\n- [M](../modules/m/README.md)\n",
        );
        assert_eq!(p.phases.len(), 2);
        assert_eq!(p.phases[0].title, "Phase 1: Mathematical Foundations");
        assert_eq!(p.phases[1].duration, None);
        let none = path("# Reading list\n\n## Overview\nJust prose.\n\n## Books\n- A book\n");
        assert!(none.phases.is_empty());
        assert!(none.total.is_none());
    }

    #[test]
    fn tracks_with_durations_give_a_range_for_the_choice() {
        let p = path(
            "# P\n\n## Tracks (Choose 1-2)\n### X (2 weeks)\n- [X](../modules/x/README.md)\n### Y (4 weeks)\n- [Y](../modules/y/README.md)\n### Z (6 weeks)\n- [Z](../modules/z/README.md)\n",
        );
        assert_eq!(p.phases[0].duration.unwrap().to_string(), "2-10 weeks");
        assert!(p.phases[0].groups.iter().all(|g| g.is_track));
    }

    #[test]
    fn module_links_in_every_form() {
        for dest in [
            "../modules/x/README.md",
            "../modules/x/",
            "../modules/x",
            "../modules/x/README.md#part",
            "/modules/x/index.md",
        ] {
            assert_eq!(
                module_slug_for_link("modules", "paths/p.md", dest).as_deref(),
                Some("x"),
                "{dest}"
            );
        }
        assert_eq!(
            module_slug_for_link("modules", "paths/p.md", "../modules/x/lesson.md"),
            None
        );
        assert_eq!(
            module_slug_for_link("modules", "paths/p.md", "https://x/modules/x"),
            None
        );
    }

    #[test]
    fn unparseable_durations_are_recorded() {
        let p = path("# P\n\n## Core (several weeks)\n- [A](../modules/a/README.md)\n");
        assert_eq!(p.bad_durations.len(), 1);
        assert_eq!(p.bad_durations[0].text, "several weeks");
    }
}
