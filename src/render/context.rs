//! The typed contexts templates get: what every page shares (the site, the page's place)
//! and the cards and summaries pages list.

use crate::model::{LearningPath, Site};
use serde::Serialize;

/// The format of the `search/` files that pages expect.
pub(super) const SEARCH_FORMAT: &str = "1";

#[derive(Serialize, Clone)]
pub struct SiteInfo {
    pub title: String,
    pub description: Option<String>,
    pub language: String,
    pub search: bool,
    pub repository_url: Option<String>,
    /// Names this site in the browser's storage (progress is kept per site and path).
    pub key: String,
    /// The search index format, when search is on.
    pub search_version: Option<String>,
}

#[derive(Serialize, Clone)]
pub(super) struct Link {
    pub(super) title: String,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct Base<'a> {
    pub(super) site: &'a SiteInfo,
    pub(super) kind: &'static str,
    /// From this page back to the site root: `""`, `"../"`, ...
    pub(super) root: String,
    pub(super) page_url: String,
    pub(super) title: String,
    pub(super) description: Option<String>,
    pub(super) canonical: Option<String>,
    /// The page's sidebar, rendered from `nav.html` (see [`Renderer::sidebar`]).
    pub(super) sidebar: Option<String>,
    pub(super) breadcrumbs: Vec<Link>,
    pub(super) prev: Option<Link>,
    pub(super) next: Option<Link>,
    pub(super) edit_url: Option<String>,
}

#[derive(Serialize, Clone)]
pub(super) struct ModuleCard {
    pub(super) title: String,
    /// The path item's own link text, when it names the module otherwise than its title
    /// (two items "Capstone 1" and "Capstone 2" linking one folder).
    pub(super) label: Option<String>,
    pub(super) slug: String,
    pub(super) url: Option<String>,
    pub(super) summary: Option<String>,
    pub(super) topics: Vec<String>,
    pub(super) reading_minutes: usize,
}

#[derive(Serialize, Clone)]
pub(super) struct GroupCtx {
    pub(super) title: String,
    pub(super) id: String,
    pub(super) slug: String,
    pub(super) url: String,
    pub(super) duration: Option<String>,
    pub(super) is_track: bool,
    pub(super) modules: Vec<ModuleCard>,
}

#[derive(Serialize, Clone)]
pub(super) struct PhaseCtx {
    pub(super) number: usize,
    pub(super) title: String,
    pub(super) id: String,
    pub(super) slug: String,
    pub(super) url: String,
    pub(super) duration: Option<String>,
    pub(super) choose: Option<String>,
    pub(super) choose_min: Option<u32>,
    pub(super) choose_max: Option<u32>,
    /// `(Choose N)` chooses among the `###` tracks; otherwise among the phase's items.
    pub(super) choose_tracks: bool,
    pub(super) module_count: usize,
    pub(super) modules: Vec<ModuleCard>,
    pub(super) groups: Vec<GroupCtx>,
    /// A phase with no module items (a list of outside courses, papers, videos) shown as
    /// written, so its words reach its pages rather than an empty module list.
    pub(super) written_html: Option<String>,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub(super) enum SectionCtx {
    Prose {
        html: String,
    },
    Phases {
        /// For a `## Core Modules` container: its own heading.
        container_title: Option<String>,
        container_id: Option<String>,
        phases: Vec<PhaseCtx>,
    },
}

#[derive(Serialize, Clone)]
pub(super) struct PathSummary {
    pub(super) title: String,
    pub(super) title_id: Option<String>,
    pub(super) slug: String,
    pub(super) url: String,
    pub(super) description: Option<String>,
    pub(super) total: Option<String>,
    pub(super) phase_count: usize,
    pub(super) module_count: usize,
}

#[derive(Serialize)]
pub(super) struct TocEntry {
    pub(super) level: u8,
    pub(super) id: String,
    pub(super) title: String,
}

#[derive(Serialize)]
pub(super) struct UsageCtx {
    pub(super) path: Link,
    pub(super) path_slug: String,
    pub(super) phase: Link,
    pub(super) group: Option<Link>,
    pub(super) is_track: bool,
    pub(super) topics: Vec<String>,
}

pub(super) fn home_crumb() -> Link {
    Link {
        title: "Home".into(),
        url: "index.html".into(),
    }
}

/// Breadcrumbs of the modules index and of modules no path lists.
pub(super) fn modules_crumbs() -> Vec<Link> {
    vec![
        home_crumb(),
        Link {
            title: "Modules".into(),
            url: "modules/index.html".into(),
        },
    ]
}

pub fn site_info(site: &Site) -> SiteInfo {
    let book = &site.project.config.book;
    SiteInfo {
        title: book
            .title
            .clone()
            .or_else(|| (site.paths.len() == 1).then(|| site.paths[0].title.clone()))
            .unwrap_or_else(|| "Learning paths".into()),
        description: book.description.clone(),
        language: book.language.clone(),
        search: site.project.config.output.html.search.enable,
        repository_url: site.project.config.output.html.git_repository_url.clone(),
        key: site_key(site),
        // The index's own version is inside `search/index.js`, so pages do not change
        // when only the index does.
        search_version: site
            .project
            .config
            .output
            .html
            .search
            .enable
            .then(|| SEARCH_FORMAT.to_string()),
    }
}

/// Names the site in the browser's storage: its published address, or its title.
pub(super) fn site_key(site: &Site) -> String {
    let html = &site.project.config.output.html;
    match &html.site_url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => crate::slug::github_slug(&site_info_title(site)),
    }
}

pub(super) fn site_info_title(site: &Site) -> String {
    site.project
        .config
        .book
        .title
        .clone()
        .or_else(|| (site.paths.len() == 1).then(|| site.paths[0].title.clone()))
        .unwrap_or_else(|| "Learning paths".into())
}

/// A path's structure for the progress script: phases in order, each with the modules that
/// always count and, in a `(Choose N)` phase, the tracks the learner picks from.
pub(super) fn progress_json(path: &LearningPath) -> String {
    let phases: Vec<serde_json::Value> = path
        .phases
        .iter()
        .map(|phase| {
            let mut modules: Vec<&str> = phase.modules.iter().map(|m| m.slug.as_str()).collect();
            let mut tracks = Vec::new();
            for group in &phase.groups {
                if group.is_track {
                    tracks.push(serde_json::json!({
                        "slug": group.slug,
                        "title": group.title,
                        "modules": group.modules.iter().map(|m| m.slug.as_str()).collect::<Vec<_>>(),
                    }));
                } else {
                    modules.extend(group.modules.iter().map(|m| m.slug.as_str()));
                }
            }
            serde_json::json!({
                "slug": phase.slug,
                "title": phase.title,
                "choose": phase.choose.map(|c| [c.min, c.max]),
                "modules": modules,
                "tracks": tracks,
            })
        })
        .collect();
    serde_json::json!({"path": path.slug, "title": path.title, "phases": phases})
        .to_string()
        // Inside `<script>`, `</script` ends the island and `<!--` changes how the
        // browser finds its end; titles may contain either. JSON's `\u003c` never does.
        .replace('<', "\\u003c")
}
