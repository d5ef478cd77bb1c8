//! Render: the site model → every output file. A [`Plan`] says what the site publishes;
//! each [`Job`] renders one or more files, on every core, handing them to a [`Sink`] as they
//! are made. Each template gets a small typed context, and per-page navigation is bounded
//! to the page's own path so output grows linearly with the site.

use crate::links::{Resolved, relative_url, resolve, root_prefix};
use crate::load::Doc;
use crate::markdown::LinkKind;
use crate::markdown::html::{HtmlOptions, HtmlSection, render as render_markdown};
use crate::model::{Group, LearningPath, Phase, Section, Site};
use crate::templates::Templates;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

#[derive(Debug)]
pub struct RenderError {
    pub page: String,
    pub message: String,
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rendering {}: {}", self.page, self.message)
    }
}

impl std::error::Error for RenderError {}

/// Where each source file is published.
pub struct Urls {
    paths_dir: String,
    modules_dir: String,
    path_pages: BTreeMap<String, String>,
    module_pages: BTreeMap<String, String>,
}

impl Urls {
    pub fn new(site: &Site) -> Urls {
        let config = &site.project.config;
        Urls {
            paths_dir: config.paths_dir(),
            modules_dir: config.modules_dir(),
            path_pages: site
                .paths
                .iter()
                .map(|p| (p.rel.clone(), path_url(p)))
                .collect(),
            module_pages: site
                .modules
                .values()
                .filter(|m| m.exists)
                .map(|m| (m.rel.clone(), module_url(&m.slug)))
                .collect(),
        }
    }

    /// The output path of the source file `rel` (a page for Markdown, a copy otherwise).
    pub fn output_of(&self, rel: &str) -> String {
        if let Some(url) = self
            .path_pages
            .get(rel)
            .or_else(|| self.module_pages.get(rel))
        {
            return url.clone();
        }
        let mapped = [(&self.modules_dir, "modules"), (&self.paths_dir, "paths")]
            .iter()
            .find_map(|(dir, out)| {
                if dir.is_empty() {
                    return None;
                }
                rel.strip_prefix(dir.as_str())
                    .and_then(|rest| rest.strip_prefix('/'))
                    .map(|rest| format!("{out}/{rest}"))
            })
            .unwrap_or_else(|| rel.to_string());
        if !crate::discover::is_markdown(&mapped) {
            return mapped;
        }
        let (dir, name) = match mapped.rsplit_once('/') {
            Some((dir, name)) => (format!("{dir}/"), name),
            None => (String::new(), mapped.as_str()),
        };
        let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
        if stem.eq_ignore_ascii_case("readme") || stem.eq_ignore_ascii_case("index") {
            if dir.is_empty() {
                // The root README would collide with the home page.
                return "readme.html".into();
            }
            format!("{dir}index.html")
        } else {
            format!("{dir}{stem}.html")
        }
    }
}

pub fn path_url(path: &LearningPath) -> String {
    format!("paths/{}/index.html", path.slug)
}

pub fn phase_url(path: &LearningPath, phase: &Phase) -> String {
    format!("paths/{}/{}/index.html", path.slug, phase.slug)
}

pub fn group_url(path: &LearningPath, phase: &Phase, group: &Group) -> String {
    if group.is_track {
        format!(
            "paths/{}/{}/{}/index.html",
            path.slug, phase.slug, group.slug
        )
    } else {
        format!("{}#{}", phase_url(path, phase), group.heading_id)
    }
}

pub fn module_url(slug: &str) -> String {
    format!("modules/{slug}/index.html")
}

/// The whole path on one page, for printing or saving as PDF.
pub fn print_url(path: &LearningPath) -> String {
    format!("paths/{}/print.html", path.slug)
}

/// The Markdown pages and asset files a site publishes: paths, modules, and whatever their
/// links reach inside the content root, followed transitively.
pub fn reachable(site: &Site) -> (BTreeSet<String>, BTreeSet<String>) {
    let project = &site.project;
    let mut pages: BTreeSet<String> = site.paths.iter().map(|p| p.rel.clone()).collect();
    pages.extend(
        site.modules
            .values()
            .filter(|m| m.exists)
            .map(|m| m.rel.clone()),
    );
    let mut assets = BTreeSet::new();
    let mut queue: Vec<String> = pages.iter().cloned().collect();
    while let Some(rel) = queue.pop() {
        let Some(doc) = project.docs.get(&rel) else {
            continue;
        };
        for link in &doc.parsed.links {
            if let Resolved::Local { rel: target, .. } = resolve(&rel, &link.dest, &project.index) {
                if project.docs.contains_key(&target) {
                    if pages.insert(target.clone()) {
                        queue.push(target);
                    }
                } else if !crate::discover::is_markdown(&target) {
                    assets.insert(target);
                }
            }
        }
    }
    (pages, assets)
}

/// The format of the `search/` files that pages expect.
const SEARCH_FORMAT: &str = "1";

// ----- template contexts -----

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
struct Link {
    title: String,
    url: String,
}

#[derive(Serialize)]
struct Base<'a> {
    site: &'a SiteInfo,
    kind: &'static str,
    /// From this page back to the site root: `""`, `"../"`, ...
    root: String,
    page_url: String,
    title: String,
    description: Option<String>,
    canonical: Option<String>,
    /// The page's sidebar, rendered from `nav.html` (see [`Renderer::sidebar`]).
    sidebar: Option<String>,
    breadcrumbs: Vec<Link>,
    prev: Option<Link>,
    next: Option<Link>,
    edit_url: Option<String>,
}

#[derive(Serialize, Clone)]
struct NavModule {
    title: String,
    url: String,
    slug: String,
}

#[derive(Serialize, Clone)]
struct NavGroup {
    title: String,
    url: String,
    is_track: bool,
    modules: Vec<NavModule>,
}

#[derive(Serialize, Clone)]
struct NavPhase {
    title: String,
    url: String,
    duration: Option<String>,
    choose: Option<String>,
    modules: Vec<NavModule>,
    groups: Vec<NavGroup>,
}

/// Paths with at most this many module entries list them all in every sidebar.
const FULL_NAV_LIMIT: usize = 60;

struct PathNavs {
    outline: NavPath,
    by_phase: Vec<NavPath>,
}

/// Which of a path's sidebars a page shows: the outline (the path page) or the tree opened
/// at one phase (its phase, track and module pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Sidebar {
    Outline(usize),
    Phase(usize, usize),
}

/// The sidebar: one path's tree, built once per path and shared by its pages.
#[derive(Serialize, Clone)]
pub struct NavPath {
    title: String,
    slug: String,
    url: String,
    total: Option<String>,
    phases: Vec<NavPhase>,
}

#[derive(Serialize, Clone)]
struct ModuleCard {
    title: String,
    slug: String,
    url: Option<String>,
    summary: Option<String>,
    topics: Vec<String>,
    reading_minutes: usize,
}

#[derive(Serialize, Clone)]
struct GroupCtx {
    title: String,
    id: String,
    slug: String,
    url: String,
    duration: Option<String>,
    is_track: bool,
    modules: Vec<ModuleCard>,
}

#[derive(Serialize, Clone)]
struct PhaseCtx {
    number: usize,
    title: String,
    id: String,
    slug: String,
    url: String,
    duration: Option<String>,
    choose: Option<String>,
    choose_min: Option<u32>,
    choose_max: Option<u32>,
    module_count: usize,
    modules: Vec<ModuleCard>,
    groups: Vec<GroupCtx>,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum SectionCtx {
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
struct PathSummary {
    title: String,
    title_id: Option<String>,
    slug: String,
    url: String,
    description: Option<String>,
    total: Option<String>,
    phase_count: usize,
    module_count: usize,
}

#[derive(Serialize)]
struct TocEntry {
    level: u8,
    id: String,
    title: String,
}

#[derive(Serialize)]
struct UsageCtx {
    path: Link,
    path_slug: String,
    phase: Link,
    group: Option<Link>,
    is_track: bool,
    topics: Vec<String>,
}

/// What a site publishes and the parts every page shares, computed once per build (and
/// kept by `serve`, which renders pages from it on demand).
pub struct Plan {
    urls: Urls,
    info: SiteInfo,
    navs: Vec<PathNavs>,
    /// Sidebars rendered from `nav.html`, by sidebar and page depth (`root`): a path's
    /// pages share a handful, and rendering the tree through Tera for every page was a
    /// third of a module page's cost.
    sidebars: std::sync::Mutex<HashMap<(Sidebar, String), std::sync::Arc<str>>>,
    /// Each path's modules in reading order, for every module page's previous and next.
    module_orders: Vec<Vec<String>>,
    /// Per path: its structure as JSON for the progress script (phases, tracks, modules).
    progress: Vec<String>,
    sanitize: bool,
    site_url: Option<String>,
    /// Reachable Markdown files that are neither paths nor modules, by content path.
    plain_pages: Vec<String>,
    /// Every Markdown page search covers (the reachable set).
    pages: BTreeSet<String>,
    /// Copied files: output path → source file.
    pub assets: BTreeMap<String, PathBuf>,
    /// Every generated file whose name is known before rendering, with the job that
    /// writes it; where two jobs would write one name, the later job owns it.
    owners: HashMap<String, Job>,
    /// The theme's static files (defaults overlaid with the project's `static/`), read
    /// once: their names are part of the site and their bytes part of its fingerprint.
    static_files: Vec<(String, Vec<u8>)>,
    /// What every page may show of the whole site (see [`Plan::job_key`]).
    site_fingerprint: u64,
    /// Each Markdown file's text, hashed.
    doc_fingerprints: HashMap<String, u64>,
    /// Each module's card (summary, reading time), hashed.
    card_fingerprints: HashMap<String, u64>,
}

/// One unit of rendering work; each writes one or more files.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Job {
    Search,
    Home,
    ModulesIndex,
    NotFound,
    Path(usize),
    Print(usize),
    Phases(usize),
    Module(String),
    Plain(String),
    Static,
    Sitemap,
}

/// Where rendered files go: a staging folder for `build`, memory for `serve` and tests.
pub trait Sink: Sync {
    fn put(&self, rel: &str, bytes: Vec<u8>) -> Result<(), String>;

    /// Takes a job's files from the previous build when its key is unchanged; returns
    /// their names, or `None` when the job must be rendered.
    fn reuse(&self, _job: &str, _key: u64) -> Option<Vec<String>> {
        None
    }

    /// Notes which files a rendered job made, for the next build's [`Sink::reuse`].
    fn made(&self, _job: &str, _key: u64, _files: Vec<String>) {}
}

pub struct Renderer<'a> {
    site: &'a Site,
    templates: &'a Templates,
    plan: &'a Plan,
}

/// The id GitHub gives the document's `#` title, so `#title` links work on the page too.
fn title_id(doc: &Doc) -> Option<String> {
    doc.parsed
        .headings
        .first()
        .filter(|h| h.level == 1)
        .map(|h| h.id.clone())
}

fn reading_minutes(doc: Option<&Doc>) -> usize {
    doc.map_or(1, |d| d.parsed.word_count.div_ceil(200).max(1))
}

impl<'a> Renderer<'a> {
    fn module_card(&self, slug: &str, topics: &[String]) -> ModuleCard {
        let module = &self.site.modules[slug];
        let doc = self.site.doc(&module.rel);
        ModuleCard {
            title: self.site.module_title(slug),
            slug: slug.to_string(),
            url: module.exists.then(|| module_url(slug)),
            summary: doc.and_then(|d| d.parsed.description.clone()),
            topics: topics.to_vec(),
            reading_minutes: reading_minutes(doc),
        }
    }

    fn phase_ctx(&self, path: &LearningPath, index: usize) -> PhaseCtx {
        let phase = &path.phases[index];
        let card = |m: &crate::model::ModuleRef| self.module_card(&m.slug, &m.topics);
        PhaseCtx {
            number: index + 1,
            title: phase.title.clone(),
            id: phase.heading_id.clone(),
            slug: phase.slug.clone(),
            url: phase_url(path, phase),
            duration: phase.duration.map(|d| d.to_string()),
            choose: phase.choose.map(|c| c.to_string()),
            choose_min: phase.choose.map(|c| c.min),
            choose_max: phase.choose.map(|c| c.max),
            module_count: phase.all_modules().count(),
            modules: phase.modules.iter().map(card).collect(),
            groups: phase
                .groups
                .iter()
                .map(|g| GroupCtx {
                    title: g.title.clone(),
                    id: g.heading_id.clone(),
                    slug: g.slug.clone(),
                    url: group_url(path, phase, g),
                    duration: g.duration.map(|d| d.to_string()),
                    is_track: g.is_track,
                    modules: g.modules.iter().map(card).collect(),
                })
                .collect(),
        }
    }
}

impl PathNavs {
    /// The sidebars of one path: an outline for the path page and one per phase. A long
    /// path lists modules only under the phase being read, so a page's size does not grow
    /// with the whole path; a short one lists everything everywhere.
    fn new(site: &Site, path: &LearningPath) -> PathNavs {
        let small = path
            .phases
            .iter()
            .map(|p| p.all_modules().count())
            .sum::<usize>()
            <= FULL_NAV_LIMIT;
        let variant = |open: Option<usize>| nav(site, path, |index| small || open == Some(index));
        PathNavs {
            outline: variant(None),
            by_phase: (0..path.phases.len()).map(|i| variant(Some(i))).collect(),
        }
    }
}

fn nav(site: &Site, path: &LearningPath, expanded: impl Fn(usize) -> bool) -> NavPath {
    let nav_module = |m: &crate::model::ModuleRef| NavModule {
        title: site.module_title(&m.slug),
        url: module_url(&m.slug),
        slug: m.slug.clone(),
    };
    NavPath {
        title: path.title.clone(),
        slug: path.slug.clone(),
        url: path_url(path),
        total: path.total.map(|d| d.to_string()),
        phases: path
            .phases
            .iter()
            .enumerate()
            .map(|(index, phase)| {
                let open = expanded(index);
                NavPhase {
                    title: phase.title.clone(),
                    url: phase_url(path, phase),
                    duration: phase.duration.map(|d| d.to_string()),
                    choose: phase.choose.map(|c| c.to_string()),
                    modules: if open {
                        phase.modules.iter().map(nav_module).collect()
                    } else {
                        Vec::new()
                    },
                    groups: phase
                        .groups
                        .iter()
                        // A closed phase still offers its tracks, which have pages.
                        .filter(|g| open || g.is_track)
                        .map(|g| NavGroup {
                            title: g.title.clone(),
                            url: group_url(path, phase, g),
                            is_track: g.is_track,
                            modules: if open {
                                g.modules.iter().map(nav_module).collect()
                            } else {
                                Vec::new()
                            },
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

impl<'a> Renderer<'a> {
    fn base(&self, kind: &'static str, page_url: &str, title: String) -> Base<'_> {
        let canonical = self
            .plan
            .site_url
            .as_ref()
            .map(|base| format!("{base}{}", pretty(page_url)));
        Base {
            site: &self.plan.info,
            kind,
            root: root_prefix(page_url),
            page_url: page_url.to_string(),
            title,
            description: None,
            canonical,
            sidebar: None,
            breadcrumbs: Vec::new(),
            prev: None,
            next: None,
            edit_url: None,
        }
    }

    /// The sidebar for a page at `page_url`, with `aria-current="page"` on every link to
    /// the page itself: the tree is rendered once per sidebar and depth, and marking the
    /// current link is a string search, so a page does not pay for walking the tree.
    fn sidebar(&self, which: Sidebar, page_url: &str) -> Result<String, RenderError> {
        let root = root_prefix(page_url);
        let key = (which, root);
        let cached = self
            .plan
            .sidebars
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .cloned();
        let html = match cached {
            Some(html) => html,
            None => {
                #[derive(Serialize)]
                struct Ctx<'a> {
                    site: &'a SiteInfo,
                    root: &'a str,
                    nav: &'a NavPath,
                }
                let navs = |path: usize| &self.plan.navs[path];
                let nav = match which {
                    Sidebar::Outline(path) => &navs(path).outline,
                    Sidebar::Phase(path, phase) => &navs(path).by_phase[phase],
                };
                let ctx = Ctx {
                    site: &self.plan.info,
                    root: &key.1,
                    nav,
                };
                let bytes = self.render("nav.html", &ctx, page_url)?;
                let html: std::sync::Arc<str> = String::from_utf8_lossy(&bytes).into();
                // Two threads may render the same sidebar at once; both results are equal.
                self.plan
                    .sidebars
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(key.clone(), html.clone());
                html
            }
        };
        let own_link = format!(
            "href=\"{}\"",
            crate::markdown::html::escape_attr(&format!("{}{page_url}", key.1))
        );
        Ok(html.replace(&own_link, &format!("{own_link} aria-current=\"page\"")))
    }

    fn edit_url(&self, rel: &str) -> Option<String> {
        let template = self
            .site
            .project
            .config
            .output
            .html
            .edit_url_template
            .as_ref()?;
        Some(template.replace("{path}", &self.site.project.display_path(rel)))
    }

    fn markdown(&self, rel: &str, page_url: &str, split: Option<u8>) -> Vec<HtmlSection> {
        let doc = &self.site.project.docs[rel];
        let rewrite = self.page_rewrite(rel, page_url);
        let mut sections =
            render_markdown(&doc.source.text, &self.html_options(doc, &rewrite, split));
        for section in &mut sections {
            section.html = focusable_code(&section.html);
        }
        sections
    }

    /// How a page renders a document's Markdown: with the heading ids the checker knows,
    /// the `#` title left to the template.
    fn html_options<'o>(
        &self,
        doc: &'o Doc,
        rewrite: &'o dyn Fn(&str, LinkKind) -> Option<String>,
        split_level: Option<u8>,
    ) -> HtmlOptions<'o> {
        HtmlOptions {
            headings: &doc.parsed.headings,
            rewrite,
            skip_title: true,
            split_level,
            sanitize: self.plan.sanitize,
        }
    }

    /// Where the links of the document `rel` point from its page at `page_url`; shared with
    /// the print pages, which place a module's page as it would be written.
    fn page_rewrite<'s>(
        &'s self,
        rel: &'s str,
        page_url: &'s str,
    ) -> impl Fn(&str, LinkKind) -> Option<String> + 's {
        let index = &self.site.project.index;
        let urls = &self.plan.urls;
        move |dest: &str, _kind: LinkKind| -> Option<String> {
            match resolve(rel, dest, index) {
                Resolved::Local { rel: target, .. } => {
                    let fragment = dest
                        .split_once('#')
                        .map(|(_, f)| format!("#{f}"))
                        .unwrap_or_default();
                    Some(format!(
                        "{}{fragment}",
                        relative_url(page_url, &urls.output_of(&target))
                    ))
                }
                _ => None,
            }
        }
    }

    /// A module's Markdown as HTML, for its own page (and, with links rewritten, for the
    /// print pages). Highlighted code comes from the cache, so rendering twice is cheap.
    fn module_html(&self, slug: &str) -> String {
        let module = &self.site.modules[slug];
        self.markdown(&module.rel, &module_url(slug), None)
            .into_iter()
            .map(|s| s.html)
            .collect()
    }

    fn toc(doc: &Doc) -> Vec<TocEntry> {
        doc.parsed
            .headings
            .iter()
            .filter(|h| h.level == 2 || h.level == 3)
            .map(|h| TocEntry {
                level: h.level,
                id: h.id.clone(),
                title: h.text.clone(),
            })
            .collect()
    }

    fn render(
        &self,
        template: &str,
        context: &impl Serialize,
        page: &str,
    ) -> Result<Vec<u8>, RenderError> {
        self.templates
            .render(template, context)
            .map(String::into_bytes)
            .map_err(|message| RenderError {
                page: page.to_string(),
                message,
            })
    }

    fn path_summary(&self, path: &LearningPath) -> PathSummary {
        PathSummary {
            title: path.title.clone(),
            title_id: title_id(&self.site.project.docs[&path.rel]),
            slug: path.slug.clone(),
            url: path_url(path),
            description: path.description.clone(),
            total: path.total.map(|d| d.to_string()),
            phase_count: path.phases.len(),
            module_count: path.module_order().len(),
        }
    }

    fn home(&self) -> Result<Vec<u8>, RenderError> {
        #[derive(Serialize)]
        struct Ctx<'a> {
            #[serde(flatten)]
            base: Base<'a>,
            paths: Vec<PathSummary>,
            module_count: usize,
        }
        let mut base = self.base("home", "index.html", self.plan.info.title.clone());
        base.description = self.plan.info.description.clone();
        let ctx = Ctx {
            base,
            paths: self
                .site
                .paths
                .iter()
                .map(|p| self.path_summary(p))
                .collect(),
            module_count: self.site.modules.values().filter(|m| m.exists).count(),
        };
        self.render("index.html", &ctx, "index.html")
    }

    fn crumbs_for_path(&self, path: &LearningPath) -> Vec<Link> {
        vec![
            home_crumb(),
            Link {
                title: path.title.clone(),
                url: path_url(path),
            },
        ]
    }

    fn path_page(&self, path_index: usize) -> Result<(String, Vec<u8>), RenderError> {
        #[derive(Serialize)]
        struct Ctx<'a> {
            #[serde(flatten)]
            base: Base<'a>,
            path: PathSummary,
            intro_html: String,
            sections: Vec<SectionCtx>,
            map_svg: String,
            print_url: String,
            progress_json: &'a str,
        }
        let path = &self.site.paths[path_index];
        let url = path_url(path);
        let html = self.markdown(&path.rel, &url, Some(2));
        let by_heading: BTreeMap<Option<usize>, String> = html
            .into_iter()
            .map(|s| (s.heading_index, s.html))
            .collect();
        let headings = &self.site.project.docs[&path.rel].parsed.headings;
        let sections = path
            .sections
            .iter()
            .filter_map(|section| match section {
                Section::Prose(None) => None,
                Section::Prose(heading) => by_heading
                    .get(heading)
                    .map(|html| SectionCtx::Prose { html: html.clone() }),
                Section::Phases {
                    heading_index,
                    container,
                    phases,
                } => Some(SectionCtx::Phases {
                    container_title: container.then(|| headings[*heading_index].text.clone()),
                    container_id: container.then(|| headings[*heading_index].id.clone()),
                    phases: phases.iter().map(|&i| self.phase_ctx(path, i)).collect(),
                }),
            })
            .collect();
        let mut base = self.base("path", &url, path.title.clone());
        base.description = path.description.clone();
        base.sidebar = Some(self.sidebar(Sidebar::Outline(path_index), &url)?);
        base.breadcrumbs = self.crumbs_for_path(path);
        base.edit_url = self.edit_url(&path.rel);
        base.next = path.phases.first().map(|p| Link {
            title: p.title.clone(),
            url: phase_url(path, p),
        });
        let ctx = Ctx {
            base,
            path: self.path_summary(path),
            intro_html: by_heading.get(&None).cloned().unwrap_or_default(),
            sections,
            map_svg: crate::pathmap::svg(self.site, path, &url),
            print_url: print_url(path),
            progress_json: &self.plan.progress[path_index],
        };
        Ok((url.clone(), self.render("path.html", &ctx, &url)?))
    }

    fn phase_pages(&self, path_index: usize) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
        #[derive(Serialize)]
        struct PhaseCtxPage<'a> {
            #[serde(flatten)]
            base: Base<'a>,
            path: PathSummary,
            phase: PhaseCtx,
            progress_json: &'a str,
        }
        #[derive(Serialize)]
        struct TrackCtxPage<'a> {
            #[serde(flatten)]
            base: Base<'a>,
            path: PathSummary,
            phase: PhaseCtx,
            track: GroupCtx,
            progress_json: &'a str,
        }
        let path = &self.site.paths[path_index];
        let mut pages = Vec::new();
        for (index, phase) in path.phases.iter().enumerate() {
            let url = phase_url(path, phase);
            let ctx_phase = self.phase_ctx(path, index);
            let mut base = self.base("phase", &url, format!("{} · {}", phase.title, path.title));
            base.description = Some(format!(
                "{} of {}: {} module{}{}",
                phase.title,
                path.title,
                ctx_phase.module_count,
                if ctx_phase.module_count == 1 { "" } else { "s" },
                phase.duration.map(|d| format!(", {d}")).unwrap_or_default()
            ));
            base.sidebar = Some(self.sidebar(Sidebar::Phase(path_index, index), &url)?);
            base.breadcrumbs = self.crumbs_for_path(path);
            base.breadcrumbs.push(Link {
                title: phase.title.clone(),
                url: url.clone(),
            });
            base.prev = Some(match index.checked_sub(1) {
                Some(prev) => Link {
                    title: path.phases[prev].title.clone(),
                    url: phase_url(path, &path.phases[prev]),
                },
                None => Link {
                    title: path.title.clone(),
                    url: path_url(path),
                },
            });
            base.next = path.phases.get(index + 1).map(|p| Link {
                title: p.title.clone(),
                url: phase_url(path, p),
            });
            for (group, track) in phase.groups.iter().zip(&ctx_phase.groups) {
                if !group.is_track {
                    continue;
                }
                let track_url = group_url(path, phase, group);
                let mut track_base = self.base(
                    "track",
                    &track_url,
                    format!("{} · {}", group.title, path.title),
                );
                track_base.description = Some(format!(
                    "{} track in {} ({})",
                    group.title, phase.title, path.title
                ));
                track_base.sidebar =
                    Some(self.sidebar(Sidebar::Phase(path_index, index), &track_url)?);
                track_base.breadcrumbs = base.breadcrumbs.clone();
                track_base.breadcrumbs.push(Link {
                    title: group.title.clone(),
                    url: track_url.clone(),
                });
                track_base.prev = Some(Link {
                    title: phase.title.clone(),
                    url: url.clone(),
                });
                let ctx = TrackCtxPage {
                    base: track_base,
                    path: self.path_summary(path),
                    phase: ctx_phase.clone(),
                    track: track.clone(),
                    progress_json: &self.plan.progress[path_index],
                };
                pages.push((
                    track_url.clone(),
                    self.render("track.html", &ctx, &track_url)?,
                ));
            }
            let ctx = PhaseCtxPage {
                base,
                path: self.path_summary(path),
                phase: ctx_phase,
                progress_json: &self.plan.progress[path_index],
            };
            pages.push((url.clone(), self.render("phase.html", &ctx, &url)?));
        }
        Ok(pages)
    }

    fn module_page(&self, slug: &str) -> Result<(String, Vec<u8>), RenderError> {
        #[derive(Serialize)]
        struct ModuleCtx {
            title: String,
            title_id: Option<String>,
            slug: String,
            html: String,
            toc: Vec<TocEntry>,
            reading_minutes: usize,
            usages: Vec<UsageCtx>,
            /// The paths that list this module, space-separated, for the done checkbox.
            paths: String,
        }
        #[derive(Serialize)]
        struct Ctx<'a> {
            #[serde(flatten)]
            base: Base<'a>,
            module: ModuleCtx,
        }
        let module = &self.site.modules[slug];
        let doc = &self.site.project.docs[&module.rel];
        let url = module_url(slug);
        let title = self.site.module_title(slug);
        let html = self.module_html(slug);
        let usages: Vec<UsageCtx> = module
            .used_by
            .iter()
            .map(|usage| {
                let path = &self.site.paths[usage.path];
                let phase = &path.phases[usage.phase];
                let group = usage.group.map(|g| &phase.groups[g]);
                UsageCtx {
                    path: Link {
                        title: path.title.clone(),
                        url: path_url(path),
                    },
                    path_slug: path.slug.clone(),
                    phase: Link {
                        title: phase.title.clone(),
                        url: phase_url(path, phase),
                    },
                    group: group.map(|g| Link {
                        title: g.title.clone(),
                        url: group_url(path, phase, g),
                    }),
                    is_track: group.is_some_and(|g| g.is_track),
                    topics: self.site.reference(*usage).topics.clone(),
                }
            })
            .collect();
        let mut base = self.base("module", &url, title.clone());
        base.description = doc.parsed.description.clone();
        base.edit_url = self.edit_url(&module.rel);
        if let Some(first) = module.used_by.first() {
            let path = &self.site.paths[first.path];
            let phase = &path.phases[first.phase];
            base.sidebar = Some(self.sidebar(Sidebar::Phase(first.path, first.phase), &url)?);
            base.breadcrumbs = self.crumbs_for_path(path);
            base.breadcrumbs.push(Link {
                title: phase.title.clone(),
                url: phase_url(path, phase),
            });
            if let Some(g) = first.group {
                let group = &phase.groups[g];
                if group.is_track {
                    base.breadcrumbs.push(Link {
                        title: group.title.clone(),
                        url: group_url(path, phase, group),
                    });
                }
            }
            let order = &self.plan.module_orders[first.path];
            if let Some(position) = order.iter().position(|s| s == slug) {
                let link = |s: &str| Link {
                    title: self.site.module_title(s),
                    url: module_url(s),
                };
                base.prev = position.checked_sub(1).map(|p| link(&order[p]));
                base.next = order.get(position + 1).map(|s| link(s));
            }
        } else {
            base.breadcrumbs = modules_crumbs();
        }
        base.breadcrumbs.push(Link {
            title: title.clone(),
            url: url.clone(),
        });
        let ctx = Ctx {
            base,
            module: ModuleCtx {
                title,
                title_id: title_id(doc),
                slug: slug.to_string(),
                html,
                toc: Self::toc(doc),
                reading_minutes: reading_minutes(Some(doc)),
                paths: {
                    let mut slugs: Vec<&str> =
                        usages.iter().map(|u| u.path_slug.as_str()).collect();
                    slugs.dedup();
                    slugs.join(" ")
                },
                usages,
            },
        };
        Ok((url.clone(), self.render("module.html", &ctx, &url)?))
    }

    fn modules_index(&self) -> Result<Vec<u8>, RenderError> {
        #[derive(Serialize)]
        struct Entry {
            title: String,
            url: String,
            letter: String,
            summary: Option<String>,
            reading_minutes: usize,
            paths: Vec<Link>,
        }
        #[derive(Serialize)]
        struct Ctx<'a> {
            #[serde(flatten)]
            base: Base<'a>,
            modules: Vec<Entry>,
            letters: Vec<String>,
        }
        let mut modules: Vec<Entry> = self
            .site
            .modules
            .values()
            .filter(|m| m.exists)
            .map(|m| {
                let title = self.site.module_title(&m.slug);
                let doc = self.site.doc(&m.rel);
                let mut path_indexes: Vec<usize> = m.used_by.iter().map(|u| u.path).collect();
                path_indexes.dedup();
                Entry {
                    letter: title
                        .chars()
                        .next()
                        .map(|c| c.to_uppercase().to_string())
                        .unwrap_or_default(),
                    url: module_url(&m.slug),
                    summary: doc.and_then(|d| d.parsed.description.clone()),
                    reading_minutes: reading_minutes(doc),
                    paths: path_indexes
                        .into_iter()
                        .map(|i| Link {
                            title: self.site.paths[i].title.clone(),
                            url: path_url(&self.site.paths[i]),
                        })
                        .collect(),
                    title,
                }
            })
            .collect();
        modules.sort_by_key(|m| m.title.to_lowercase());
        let mut letters: Vec<String> = modules.iter().map(|m| m.letter.clone()).collect();
        letters.dedup();
        let mut base = self.base(
            "modules",
            "modules/index.html",
            format!("All modules · {}", self.plan.info.title),
        );
        base.description = Some(format!(
            "All {} modules of {}, A to Z.",
            modules.len(),
            self.plan.info.title
        ));
        base.breadcrumbs = modules_crumbs();
        self.render(
            "modules.html",
            &Ctx {
                base,
                modules,
                letters,
            },
            "modules/index.html",
        )
    }

    fn plain_page(&self, rel: &str) -> Result<(String, Vec<u8>), RenderError> {
        #[derive(Serialize)]
        struct PageCtx {
            title: String,
            title_id: Option<String>,
            html: String,
            toc: Vec<TocEntry>,
        }
        #[derive(Serialize)]
        struct Ctx<'a> {
            #[serde(flatten)]
            base: Base<'a>,
            page: PageCtx,
        }
        let doc = &self.site.project.docs[rel];
        let url = self.plan.urls.output_of(rel);
        let title = doc.parsed.title.clone().unwrap_or_else(|| {
            rel.rsplit('/')
                .next()
                .unwrap_or(rel)
                .trim_end_matches(".md")
                .replace(['-', '_'], " ")
        });
        let html: String = self
            .markdown(rel, &url, None)
            .into_iter()
            .map(|s| s.html)
            .collect();
        let mut base = self.base("page", &url, title.clone());
        base.description = doc.parsed.description.clone();
        base.edit_url = self.edit_url(rel);
        base.breadcrumbs = vec![
            home_crumb(),
            Link {
                title: title.clone(),
                url: url.clone(),
            },
        ];
        let ctx = Ctx {
            base,
            page: PageCtx {
                title,
                title_id: title_id(doc),
                html,
                toc: Self::toc(doc),
            },
        };
        Ok((url.clone(), self.render("page.html", &ctx, &url)?))
    }

    /// A module's page HTML as a section of its path's print page: links to the path or to
    /// a module on that page become in-page anchors, other links are made relative to the
    /// print page, `<h2>` becomes `<h3>` and so on (so the module's sections sit under its
    /// title), and every `id`, `name` and in-page `href="#..."` is prefixed with
    /// `<slug>--`, so modules can share one page without their anchors colliding.
    ///
    /// Most modules are written that way in the Markdown pass itself; a module whose HTML
    /// that pass cannot place exactly (raw HTML, say) has its page's HTML rewritten.
    fn print_module_html(&self, slug: &str, place: &PrintPlace) -> String {
        let page_url = module_url(slug);
        self.print_module_direct(slug, &page_url, place)
            .unwrap_or_else(|| self.print_section(&self.module_html(slug), slug, &page_url, place))
    }

    fn print_module_direct(
        &self,
        slug: &str,
        page_url: &str,
        place: &PrintPlace,
    ) -> Option<String> {
        // The rewrite prefixes ids as written (escaped); the Markdown pass escapes the
        // prefixed id whole, which is the same only for a slug with nothing to escape.
        if slug.contains(['&', '<', '>', '"', '\'']) {
            return None;
        }
        let module = &self.site.modules[slug];
        let doc = &self.site.project.docs[&module.rel];
        let rewrite = self.page_rewrite(&module.rel, page_url);
        let id_prefix = format!("{slug}--");
        let url = |value: &str, href: bool| self.print_attr(value, href, slug, page_url, place);
        crate::markdown::html::render_relocated(
            &doc.source.text,
            &self.html_options(doc, &rewrite, None),
            &crate::markdown::html::Relocate {
                heading_shift: 1,
                id_prefix: &id_prefix,
                url: &url,
            },
        )
    }

    /// The rewrite of a module page's HTML, in one regex pass: see [`Self::print_module_html`].
    fn print_section(&self, html: &str, slug: &str, page_url: &str, place: &PrintPlace) -> String {
        static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
        let re = RE.get_or_init(|| {
            regex::Regex::new(
                r#"<(/?)h([1-5])|(\s(?:id|name)=")([^"]+)"|(\s(?:href|src)=")([^"]*)""#,
            )
            .expect("valid regex")
        });
        let mut out = String::with_capacity(html.len() + html.len() / 8);
        let mut last = 0;
        for c in re.captures_iter(html) {
            let whole = c.get(0).expect("whole match");
            let replacement = if let Some(level) = c.get(2) {
                // A heading tag only when a space or `>` follows (`<h2>`, not `<h2x`).
                let follows = html[whole.end()..].chars().next();
                if !follows.is_some_and(|ch| ch.is_whitespace() || ch == '>') {
                    continue;
                }
                let level: u8 = level.as_str().parse().unwrap_or(5);
                format!("<{}h{}", &c[1], level + 1)
            } else if let Some(attr) = c.get(3) {
                format!("{}{slug}--{}\"", attr.as_str(), &c[4])
            } else {
                let attr = &c[5];
                match self.print_attr(&c[6], attr.ends_with("href=\""), slug, page_url, place) {
                    Some(value) => format!("{attr}{value}\""),
                    None => continue,
                }
            };
            out.push_str(&html[last..whole.start()]);
            out.push_str(&replacement);
            last = whole.end();
        }
        out.push_str(&html[last..]);
        out
    }

    /// An `href` (or `src`) value of a module's page, as written there (escaped), as it is
    /// written on the print page; `None` keeps it.
    fn print_attr(
        &self,
        value: &str,
        href: bool,
        slug: &str,
        page_url: &str,
        place: &PrintPlace,
    ) -> Option<String> {
        if href && value.len() > 1 && value.starts_with('#') {
            return Some(format!("#{slug}--{}", &value[1..]));
        }
        let url = self.print_href(value, page_url, place)?;
        let url = crate::markdown::html::escape_attr(&url);
        Some(match url.strip_prefix("print.html#") {
            // Anchors on this very page are written bare.
            Some(anchor) if href => format!("#{anchor}"),
            _ => url,
        })
    }

    /// Where a link of a module's page points from the print page: `print.html#...` for the
    /// path or a module on that page, otherwise the same target relative to the print page;
    /// `None` keeps it as written.
    fn print_href(&self, value: &str, page_url: &str, place: &PrintPlace) -> Option<String> {
        let value = if value.contains("&amp;") {
            std::borrow::Cow::Owned(value.replace("&amp;", "&"))
        } else {
            std::borrow::Cow::Borrowed(value)
        };
        if value.is_empty()
            || value.starts_with('#')
            || value.starts_with('/')
            || crate::links::has_scheme(&value)
        {
            return None;
        }
        let (target, fragment) = match value.split_once('#') {
            Some((t, f)) => (t, Some(f)),
            None => (&*value, None),
        };
        let joined = crate::links::join_inside_root(crate::discover::parent_of(page_url), target)?;
        let decoded = crate::links::decode(&joined);
        let anchor = fragment.map(crate::links::decode).filter(|f| !f.is_empty());
        if decoded == place.path_page {
            return Some(format!(
                "print.html#{}",
                anchor.unwrap_or_else(|| "main".into())
            ));
        }
        if let Some(slug) = decoded
            .strip_prefix("modules/")
            .and_then(|rest| rest.strip_suffix("/index.html"))
            .filter(|slug| place.in_print.contains(slug))
        {
            return Some(match anchor {
                Some(f) => format!("print.html#{slug}--{f}"),
                None => format!("print.html#module-{slug}"),
            });
        }
        let mut url = relative_url(&place.print, &joined);
        if let Some(f) = fragment {
            url.push('#');
            url.push_str(f);
        }
        Some(url)
    }

    /// `paths/<path>/print.html`: the path's overview, then every module in path order.
    /// Module heading ids are prefixed with the module's slug (`mlops-basics--experiment-
    /// tracking`) and links between pages on this page become in-page anchors.
    fn print_page(&self, path_index: usize) -> Result<(String, Vec<u8>), RenderError> {
        #[derive(Serialize)]
        struct PrintModule {
            slug: String,
            title: String,
            title_id: String,
            anchor: String,
            place: String,
            topics: Vec<String>,
            reading_minutes: usize,
            html: String,
        }
        #[derive(Serialize)]
        struct Ctx<'a> {
            #[serde(flatten)]
            base: Base<'a>,
            path: PathSummary,
            overview_html: String,
            modules: Vec<PrintModule>,
        }
        let path = &self.site.paths[path_index];
        let url = print_url(path);
        let slugs: Vec<&str> = path
            .module_order()
            .into_iter()
            .filter(|s| self.site.modules.get(*s).is_some_and(|m| m.exists))
            .collect();
        let in_print: BTreeMap<&str, &str> = slugs
            .iter()
            .map(|s| (self.site.modules[*s].rel.as_str(), *s))
            .collect();
        let print_place = PrintPlace::new(path, &slugs);
        let index = &self.site.project.index;
        let urls = &self.plan.urls;
        // Links to the path or a module on this page become `print.html#...` here; the
        // clean-up below turns them into bare `#...` once the module's own fragment links
        // (and the footnote links Markdown generates) have been prefixed.
        let render_doc = |rel: &str| -> String {
            let rewrite = |dest: &str, _kind: LinkKind| -> Option<String> {
                match resolve(rel, dest, index) {
                    Resolved::Local {
                        rel: target,
                        fragment,
                        ..
                    } => {
                        let fragment = fragment.filter(|f| !f.is_empty());
                        if target == path.rel {
                            return Some(match fragment {
                                Some(f) => format!("print.html#{f}"),
                                None => "print.html#main".into(),
                            });
                        }
                        if let Some(slug) = in_print.get(target.as_str()) {
                            return Some(match fragment {
                                Some(f) => format!("print.html#{slug}--{f}"),
                                None => format!("print.html#module-{slug}"),
                            });
                        }
                        let raw = dest
                            .split_once('#')
                            .map(|(_, f)| format!("#{f}"))
                            .unwrap_or_default();
                        Some(format!(
                            "{}{raw}",
                            relative_url(&url, &urls.output_of(&target))
                        ))
                    }
                    _ => None,
                }
            };
            let doc = &self.site.project.docs[rel];
            let html: String =
                render_markdown(&doc.source.text, &self.html_options(doc, &rewrite, None))
                    .into_iter()
                    .map(|s| s.html)
                    .collect();
            focusable_code(&html).replace("href=\"print.html#", "href=\"#")
        };
        let overview_html = render_doc(&path.rel);
        let modules = slugs
            .iter()
            .map(|slug| {
                let module = &self.site.modules[*slug];
                let doc = &self.site.project.docs[&module.rel];
                let usage = module.used_by.iter().find(|u| u.path == path_index);
                let (place, topics) = match usage {
                    Some(u) => {
                        let phase = &path.phases[u.phase];
                        let mut place = phase.title.clone();
                        if let Some(g) = u.group {
                            place = format!("{place} › {}", phase.groups[g].title);
                        }
                        (place, self.site.reference(*u).topics.clone())
                    }
                    None => (String::new(), Vec::new()),
                };
                PrintModule {
                    slug: slug.to_string(),
                    title: self.site.module_title(slug),
                    title_id: format!(
                        "{slug}--{}",
                        title_id(doc).unwrap_or_else(|| "title".into())
                    ),
                    anchor: format!("module-{slug}"),
                    place,
                    topics,
                    reading_minutes: reading_minutes(Some(doc)),
                    html: self.print_module_html(slug, &print_place),
                }
            })
            .collect();
        let mut base = self.base(
            "print",
            &url,
            format!("{} (whole path on one page)", path.title),
        );
        base.description = path.description.clone();
        base.breadcrumbs = self.crumbs_for_path(path);
        base.breadcrumbs.push(Link {
            title: "Whole path on one page".into(),
            url: url.clone(),
        });
        let mut ctx = Ctx {
            base,
            path: self.path_summary(path),
            overview_html,
            modules,
        };
        // The modules' HTML is most of the page: rather than copy it into the template's
        // context and through the template, the built-in template (which prints each
        // module's HTML once, as it is) gets a marker for each and the HTML goes in its
        // place. Should a marker not come out once, in order, the page is rendered again
        // with the HTML itself, as it is for a project's own templates.
        if !self.templates.builtin {
            return Ok((url.clone(), self.render("print.html", &ctx, &url)?));
        }
        let sections: Vec<String> = ctx
            .modules
            .iter_mut()
            .enumerate()
            .map(|(i, m)| {
                if m.html.is_empty() {
                    String::new()
                } else {
                    std::mem::replace(&mut m.html, print_marker(i))
                }
            })
            .collect();
        let page = self.render("print.html", &ctx, &url)?;
        if let Some(page) = splice_print_sections(&page, &sections) {
            return Ok((url, page));
        }
        for (m, html) in ctx.modules.iter_mut().zip(sections) {
            if !html.is_empty() {
                m.html = html;
            }
        }
        Ok((url.clone(), self.render("print.html", &ctx, &url)?))
    }

    fn not_found(&self) -> Result<Vec<u8>, RenderError> {
        let mut base = self.base(
            "404",
            "404.html",
            format!("Page not found · {}", self.plan.info.title),
        );
        // A 404 page is served at any depth, so its links must not be relative.
        base.root = self.plan.site_url.clone().unwrap_or_else(|| "/".into());
        self.render("404.html", &base, "404.html")
    }
}

/// Stands for module `index`'s HTML in the print template's context. The `<` makes an
/// escaped marker differ from the marker, and Markdown output never holds a NUL.
fn print_marker(index: usize) -> String {
    format!("\0<pathbook-print-module {index}>\0")
}

/// The rendered print page with each module's marker replaced by its HTML; `None` unless
/// the page holds the marker of every module with HTML exactly once, in order, and no other.
fn splice_print_sections(page: &[u8], sections: &[String]) -> Option<Vec<u8>> {
    const START: &[u8] = b"\0<pathbook-print-module ";
    let extra: usize = sections.iter().map(String::len).sum();
    let mut out = Vec::with_capacity(page.len() + extra);
    let mut expected = sections
        .iter()
        .enumerate()
        .filter(|(_, html)| !html.is_empty());
    let mut rest = page;
    let find = |hay: &[u8]| {
        let mut from = 0;
        while let Some(nul) = hay[from..].iter().position(|&b| b == 0) {
            if hay[from + nul..].starts_with(START) {
                return Some(from + nul);
            }
            from += nul + 1;
        }
        None
    };
    while let Some(at) = find(rest) {
        out.extend_from_slice(&rest[..at]);
        let (index, html) = expected.next()?;
        let marker = print_marker(index);
        rest = rest[at..].strip_prefix(marker.as_bytes())?;
        out.extend_from_slice(html.as_bytes());
    }
    if expected.next().is_some() {
        return None;
    }
    out.extend_from_slice(rest);
    Some(out)
}

/// What re-points a module's links for its path's print page, worked out once per page.
struct PrintPlace<'a> {
    /// The print page's own URL.
    print: String,
    path_page: String,
    /// The modules on the page.
    in_print: BTreeSet<&'a str>,
}

impl<'a> PrintPlace<'a> {
    fn new(path: &LearningPath, slugs: &[&'a str]) -> PrintPlace<'a> {
        PrintPlace {
            print: print_url(path),
            path_page: path_url(path),
            in_print: slugs.iter().copied().collect(),
        }
    }
}

fn home_crumb() -> Link {
    Link {
        title: "Home".into(),
        url: "index.html".into(),
    }
}

/// Breadcrumbs of the modules index and of modules no path lists.
fn modules_crumbs() -> Vec<Link> {
    vec![
        home_crumb(),
        Link {
            title: "Modules".into(),
            url: "modules/index.html".into(),
        },
    ]
}

/// `a/b/index.html` → `a/b/`, for canonical links and the sitemap.
fn pretty(url: &str) -> &str {
    url.strip_suffix("index.html").unwrap_or(url)
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

impl Plan {
    pub fn new(
        site: &Site,
        templates: &Templates,
        pages: BTreeSet<String>,
        asset_rels: &BTreeSet<String>,
    ) -> Result<Plan, RenderError> {
        let project_dir = site.project.project_dir.as_path();
        let html_config = &site.project.config.output.html;
        let site_url = html_config.site_url.as_ref().map(|u| {
            if u.ends_with('/') {
                u.clone()
            } else {
                format!("{u}/")
            }
        });
        let urls = Urls::new(site);
        let module_rels: BTreeSet<&str> = site
            .modules
            .values()
            .filter(|m| m.exists)
            .map(|m| m.rel.as_str())
            .collect();
        let path_rels: BTreeSet<&str> = site.paths.iter().map(|p| p.rel.as_str()).collect();
        let plain_pages: Vec<String> = pages
            .iter()
            .filter(|rel| !module_rels.contains(rel.as_str()) && !path_rels.contains(rel.as_str()))
            .cloned()
            .collect();
        let assets = asset_rels
            .iter()
            .map(|rel| (urls.output_of(rel), site.project.content_dir.join(rel)))
            .collect();
        let static_files =
            crate::templates::static_files(project_dir).map_err(|message| RenderError {
                page: "static/".into(),
                message,
            })?;
        let doc_fingerprints: HashMap<String, u64> = site
            .project
            .docs
            .par_iter()
            .map(|(rel, doc)| (rel.clone(), fingerprint(&doc.source.text)))
            .collect();
        let site_fingerprint = {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::hash::DefaultHasher::new();
            site_fingerprint(site, templates, &static_files, &doc_fingerprints).hash(&mut hasher);
            // Which pages and files are published follows every document's links.
            pages.hash(&mut hasher);
            asset_rels.hash(&mut hasher);
            hasher.finish()
        };
        let mut plan = Plan {
            info: site_info(site),
            navs: site.paths.iter().map(|p| PathNavs::new(site, p)).collect(),
            sidebars: std::sync::Mutex::new(HashMap::new()),
            module_orders: site
                .paths
                .iter()
                .map(|p| p.module_order().into_iter().map(String::from).collect())
                .collect(),
            progress: site.paths.iter().map(progress_json).collect(),
            sanitize: html_config.sanitize,
            site_url,
            plain_pages,
            pages,
            assets,
            owners: HashMap::new(),
            static_files,
            urls,
            site_fingerprint,
            doc_fingerprints,
            card_fingerprints: site
                .modules
                .values()
                .map(|m| (m.slug.clone(), card_fingerprint(site, m)))
                .collect(),
        };
        plan.owners = plan.known_files(site);
        Ok(plan)
    }

    /// Every job of a full build. The search index comes first: it is the longest single
    /// job, so starting it first keeps both cores busy to the end.
    pub fn jobs(&self, site: &Site) -> Vec<Job> {
        let mut jobs = Vec::new();
        if self.info.search {
            jobs.push(Job::Search);
        }
        jobs.extend([Job::Home, Job::ModulesIndex, Job::NotFound]);
        for i in 0..site.paths.len() {
            jobs.extend([Job::Print(i), Job::Path(i), Job::Phases(i)]);
        }
        jobs.extend(
            site.modules
                .values()
                .filter(|m| m.exists)
                .map(|m| Job::Module(m.slug.clone())),
        );
        jobs.extend(self.plain_pages.iter().cloned().map(Job::Plain));
        jobs.push(Job::Static);
        if self.site_url.is_some() {
            jobs.push(Job::Sitemap);
        }
        jobs
    }

    /// One job of each kind: enough to find a template that fails to render, without
    /// rendering (and holding) a large site whole.
    pub fn sample_jobs(&self, site: &Site) -> Vec<Job> {
        let mut seen = HashSet::new();
        self.jobs(site)
            .into_iter()
            .filter(|job| seen.insert(std::mem::discriminant(job)))
            .collect()
    }

    fn known_files(&self, site: &Site) -> HashMap<String, Job> {
        let mut owners = HashMap::new();
        owners.insert("index.html".to_string(), Job::Home);
        owners.insert("modules/index.html".to_string(), Job::ModulesIndex);
        owners.insert("404.html".to_string(), Job::NotFound);
        for (i, path) in site.paths.iter().enumerate() {
            owners.insert(path_url(path), Job::Path(i));
            owners.insert(print_url(path), Job::Print(i));
            for phase in &path.phases {
                for group in phase.tracks() {
                    owners.insert(group_url(path, phase, group), Job::Phases(i));
                }
                owners.insert(phase_url(path, phase), Job::Phases(i));
            }
        }
        for module in site.modules.values().filter(|m| m.exists) {
            owners.insert(module_url(&module.slug), Job::Module(module.slug.clone()));
        }
        for rel in &self.plain_pages {
            owners.insert(self.urls.output_of(rel), Job::Plain(rel.clone()));
        }
        for (name, _) in &self.static_files {
            owners.insert(format!("static/{name}"), Job::Static);
        }
        if self.site_url.is_some() {
            owners.insert("sitemap.xml".to_string(), Job::Sitemap);
        }
        owners
    }

    /// Where the content file `rel` is published.
    pub fn output_of(&self, rel: &str) -> String {
        self.urls.output_of(rel)
    }

    /// The job that writes `rel`, if the site has such a file.
    pub fn job_for(&self, rel: &str) -> Option<Job> {
        if let Some(job) = self.owners.get(rel) {
            return Some(job.clone());
        }
        (self.info.search && rel.starts_with("search/") && rel.ends_with(".js"))
            .then_some(Job::Search)
    }

    /// Whether `rel`, made by `job`, is part of the site (another job may own its name).
    fn owns(&self, job: &Job, rel: &str) -> bool {
        match self.owners.get(rel) {
            Some(owner) => owner == job,
            None => *job == Job::Search,
        }
    }

    /// A stable name for a job, to find it again in the next build.
    pub fn job_name(&self, site: &Site, job: &Job) -> String {
        match job {
            Job::Search => "search".into(),
            Job::Home => "home".into(),
            Job::ModulesIndex => "modules".into(),
            Job::NotFound => "404".into(),
            Job::Path(i) => format!("path {}", site.paths[*i].slug),
            Job::Print(i) => format!("print {}", site.paths[*i].slug),
            Job::Phases(i) => format!("phases {}", site.paths[*i].slug),
            Job::Module(slug) => format!("module {slug}"),
            Job::Plain(rel) => format!("page {rel}"),
            Job::Static => "static".into(),
            Job::Sitemap => "sitemap".into(),
        }
    }

    /// Everything a job's output depends on, hashed: when it equals the previous build's,
    /// the job's files are reused instead of rendered. Every job depends on the site
    /// fingerprint (the binary, book.toml, templates, static files, the file list, what
    /// is published, every path's text, every module's title); beyond that a module page
    /// depends on its own text, a print page on its modules' texts, pages with module
    /// cards on those cards (summary, reading time), search on every text.
    pub fn job_key(&self, site: &Site, job: &Job) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        self.site_fingerprint.hash(&mut hasher);
        self.job_name(site, job).hash(&mut hasher);
        let cards = |hasher: &mut std::hash::DefaultHasher,
                     slugs: &mut dyn Iterator<Item = &str>| {
            for slug in slugs {
                self.card_fingerprints.get(slug).hash(hasher);
            }
        };
        match job {
            Job::Path(i) | Job::Phases(i) => {
                cards(&mut hasher, &mut site.paths[*i].module_order().into_iter())
            }
            Job::ModulesIndex => cards(&mut hasher, &mut site.modules.keys().map(String::as_str)),
            _ => {}
        }
        let mut doc = |rel: &str| self.doc_fingerprints.get(rel).hash(&mut hasher);
        match job {
            Job::Module(slug) => doc(&site.modules[slug].rel),
            Job::Plain(rel) => doc(rel),
            Job::Print(i) => {
                for slug in site.paths[*i].module_order() {
                    if let Some(module) = site.modules.get(slug) {
                        doc(&module.rel);
                    }
                }
            }
            Job::Search => {
                for rel in &self.pages {
                    doc(rel);
                }
            }
            _ => {}
        }
        hasher.finish()
    }

    /// The pages a sitemap lists: every generated HTML page but the 404 page.
    fn sitemap_urls(&self) -> Vec<&str> {
        let mut urls: Vec<&str> = self
            .owners
            .keys()
            .map(String::as_str)
            .filter(|u| u.ends_with(".html") && *u != "404.html")
            .collect();
        urls.sort_unstable();
        urls
    }
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, templates: &'a Templates, plan: &'a Plan) -> Renderer<'a> {
        Renderer {
            site,
            templates,
            plan,
        }
    }

    /// Renders one job: the files it writes that belong to the site.
    pub fn run(&self, job: &Job) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
        let files = match job {
            Job::Search => {
                let pages = search_pages(self.site, &self.plan.urls, &self.plan.pages);
                crate::search::build(&pages).files.into_iter().collect()
            }
            Job::Home => vec![("index.html".to_string(), self.home()?)],
            Job::ModulesIndex => vec![("modules/index.html".to_string(), self.modules_index()?)],
            Job::NotFound => vec![("404.html".to_string(), self.not_found()?)],
            Job::Path(i) => vec![self.path_page(*i)?],
            Job::Print(i) => vec![self.print_page(*i)?],
            Job::Phases(i) => self.phase_pages(*i)?,
            Job::Module(slug) => vec![self.module_page(slug)?],
            Job::Plain(rel) => vec![self.plain_page(rel)?],
            Job::Static => self
                .plan
                .static_files
                .iter()
                .map(|(name, bytes)| (format!("static/{name}"), bytes.clone()))
                .collect(),
            Job::Sitemap => {
                let base = self.plan.site_url.as_deref().unwrap_or("/");
                vec![(
                    "sitemap.xml".to_string(),
                    sitemap(base, &self.plan.sitemap_urls()).into_bytes(),
                )]
            }
        };
        Ok(files
            .into_iter()
            .filter(|(rel, _)| self.plan.owns(job, rel))
            .collect())
    }

    /// Renders every job on every core, handing each file to `sink` as soon as it is made,
    /// so the site is never held in memory whole.
    pub fn render_all(&self, sink: &dyn Sink) -> Result<RenderStats, RenderError> {
        use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
        let jobs = self.plan.jobs(self.site);
        let pages = AtomicUsize::new(0);
        // Thread time per kind of job, and in writing, for `--verbose`.
        let busy: Vec<AtomicU64> = (0..JOB_KINDS.len() + 1)
            .map(|_| AtomicU64::new(0))
            .collect();
        let add = |slot: usize, since: std::time::Instant| {
            busy[slot].fetch_add(since.elapsed().as_nanos() as u64, Ordering::Relaxed);
        };
        let count = |names: &[String]| {
            let html = names.iter().filter(|n| n.ends_with(".html")).count();
            pages.fetch_add(html, Ordering::Relaxed);
        };
        let highlighting_before = crate::highlight::busy();
        jobs.par_iter().with_max_len(1).try_for_each(|job| {
            let name = self.plan.job_name(self.site, job);
            let key = self.plan.job_key(self.site, job);
            let started = std::time::Instant::now();
            if let Some(files) = sink.reuse(&name, key) {
                add(JOB_KINDS.len(), started);
                count(&files);
                return Ok(());
            }
            let files = self.run(job)?;
            add(job.kind(), started);
            let started = std::time::Instant::now();
            let mut made = Vec::new();
            for (rel, bytes) in files {
                sink.put(&rel, bytes).map_err(|message| RenderError {
                    page: rel.clone(),
                    message,
                })?;
                made.push(rel);
            }
            add(JOB_KINDS.len(), started);
            count(&made);
            sink.made(&name, key, made);
            Ok(())
        })?;
        let mut busy: Vec<(&'static str, std::time::Duration)> = JOB_KINDS
            .iter()
            .copied()
            .chain(["writing"])
            .zip(&busy)
            .map(|(kind, nanos)| {
                (
                    kind,
                    std::time::Duration::from_nanos(nanos.load(Ordering::Relaxed)),
                )
            })
            .filter(|(_, d)| !d.is_zero())
            .collect();
        busy.push((
            "of which highlighting",
            crate::highlight::busy().saturating_sub(highlighting_before),
        ));
        Ok(RenderStats {
            pages: pages.into_inner(),
            busy: crate::pipeline::Timings { stages: busy },
        })
    }
}

/// What [`Renderer::render_all`] did: the HTML pages it made (or reused), and the thread
/// time spent per kind of job, writing included.
pub struct RenderStats {
    pub pages: usize,
    pub busy: crate::pipeline::Timings,
}

/// Names of the kinds of job, in the order of [`Job::kind`].
const JOB_KINDS: [&str; 7] = [
    "search index",
    "module pages",
    "print pages",
    "path, phase and track pages",
    "other pages",
    "home, index and 404",
    "static files",
];

impl Job {
    fn kind(&self) -> usize {
        match self {
            Job::Search => 0,
            Job::Module(_) => 1,
            Job::Print(_) => 2,
            Job::Path(_) | Job::Phases(_) => 3,
            Job::Plain(_) => 4,
            Job::Home | Job::ModulesIndex | Job::NotFound => 5,
            Job::Static | Job::Sitemap => 6,
        }
    }
}

/// xxh3 rather than the standard library's SipHash: it reads every document, and at
/// 20 GB/s instead of 1.5 it costs nothing; nor does it change with the Rust version.
fn fingerprint(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

/// What any page may show of the site beyond its own source: see [`Plan::job_key`].
fn site_fingerprint(
    site: &Site,
    templates: &Templates,
    static_files: &[(String, Vec<u8>)],
    docs: &HashMap<String, u64>,
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    // A new pathbook may render differently: its executable's size and time stand in
    // for its version.
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    if let Some(metadata) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.metadata().ok())
    {
        metadata.len().hash(&mut hasher);
        metadata.modified().ok().hash(&mut hasher);
    }
    std::fs::read(site.project.project_dir.join("book.toml"))
        .ok()
        .hash(&mut hasher);
    templates.fingerprint.hash(&mut hasher);
    static_files.hash(&mut hasher);
    site.project.index.files.hash(&mut hasher);
    for path in &site.paths {
        docs.get(&path.rel).hash(&mut hasher);
    }
    for module in site.modules.values() {
        module.slug.hash(&mut hasher);
        module.exists.hash(&mut hasher);
        site.module_title(&module.slug).hash(&mut hasher);
    }
    hasher.finish()
}

/// What a module card shows beyond the module's title: its summary and reading time.
fn card_fingerprint(site: &Site, module: &crate::model::Module) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    let doc = site.doc(&module.rel);
    doc.and_then(|d| d.parsed.description.as_ref())
        .hash(&mut hasher);
    reading_minutes(doc).hash(&mut hasher);
    hasher.finish()
}

fn sitemap(base: &str, urls: &[&str]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in urls {
        xml.push_str(&format!(
            "  <url><loc>{}{}</loc></url>\n",
            crate::markdown::html::escape_attr(base),
            crate::markdown::html::escape_attr(pretty(url))
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}

/// Names the site in the browser's storage: its published address, or its title.
fn site_key(site: &Site) -> String {
    let html = &site.project.config.output.html;
    match &html.site_url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => crate::slug::github_slug(&site_info_title(site)),
    }
}

fn site_info_title(site: &Site) -> String {
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
fn progress_json(path: &LearningPath) -> String {
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
        .replace("</", "<\\/")
}

fn topics_text(refs: &[&crate::model::ModuleRef], site: &Site) -> String {
    let mut text = String::new();
    for m in refs {
        text.push_str(&site.module_title(&m.slug));
        text.push_str(". ");
        for topic in &m.topics {
            text.push_str(topic);
            text.push_str(". ");
        }
    }
    text
}

/// Every page search covers: paths (their prose), phases, tracks, modules and the other
/// pages modules link to.
fn search_pages(site: &Site, urls: &Urls, pages: &BTreeSet<String>) -> Vec<crate::search::Page> {
    use crate::search::{Page, Section as SearchSection, doc_sections};
    let top = |text: String| SearchSection {
        heading: String::new(),
        anchor: String::new(),
        text,
    };
    let mut out = Vec::new();
    for path in &site.paths {
        let doc = &site.project.docs[&path.rel];
        let prose: BTreeSet<usize> = path
            .sections
            .iter()
            .filter_map(|s| match s {
                Section::Prose(Some(h)) => Some(*h),
                _ => None,
            })
            .collect();
        // Keep the top and the sections under prose `##` headings: phases have pages.
        let mut sections = doc_sections(doc).into_iter();
        let mut kept = vec![sections.next().unwrap_or_else(|| top(String::new()))];
        let mut current_h2: Option<usize> = None;
        let mut title_skipped = false;
        for (i, heading) in doc.parsed.headings.iter().enumerate() {
            // The sections follow the headings, less the title.
            if heading.level == 1 && !title_skipped {
                title_skipped = true;
                continue;
            }
            let Some(section) = sections.next() else {
                break;
            };
            if heading.level <= 2 {
                current_h2 = Some(i);
            }
            if current_h2.is_some_and(|h| prose.contains(&h)) {
                kept.push(section);
            }
        }
        if let Some(description) = &path.description
            && !kept[0].text.contains(description.as_str())
        {
            kept[0].text = format!("{description} {}", kept[0].text);
        }
        out.push(Page {
            title: path.title.clone(),
            url: path_url(path),
            kind: "path",
            context: path
                .total
                .map(|d| format!("Learning path · {d}"))
                .unwrap_or_else(|| "Learning path".into()),
            sections: kept,
        });
        for phase in &path.phases {
            let mut sections = vec![top(topics_text(
                &phase.modules.iter().collect::<Vec<_>>(),
                site,
            ))];
            for group in &phase.groups {
                sections.push(SearchSection {
                    heading: group.title.clone(),
                    anchor: group.heading_id.clone(),
                    text: topics_text(&group.modules.iter().collect::<Vec<_>>(), site),
                });
            }
            out.push(Page {
                title: phase.title.clone(),
                url: phase_url(path, phase),
                kind: "phase",
                context: path.title.clone(),
                sections,
            });
            for group in phase.tracks() {
                out.push(Page {
                    title: group.title.clone(),
                    url: group_url(path, phase, group),
                    kind: "track",
                    context: format!("{} · {}", phase.title, path.title),
                    sections: vec![top(topics_text(
                        &group.modules.iter().collect::<Vec<_>>(),
                        site,
                    ))],
                });
            }
        }
    }
    let modules: Vec<&crate::model::Module> = site.modules.values().filter(|m| m.exists).collect();
    let module_rels: BTreeSet<&str> = modules.iter().map(|m| m.rel.as_str()).collect();
    // Extracting the sections re-reads every module: do it on every core, in module order.
    let module_pages: Vec<Page> = modules
        .par_iter()
        .filter_map(|module| {
            let doc = site.doc(&module.rel)?;
            let mut sections = doc_sections(doc);
            let mut context = String::from("Module");
            if let Some(usage) = module.used_by.first() {
                let path = &site.paths[usage.path];
                context = format!("{} · {}", path.phases[usage.phase].title, path.title);
            }
            let topics: Vec<&str> = module
                .used_by
                .iter()
                .flat_map(|u| site.reference(*u).topics.iter().map(String::as_str))
                .collect();
            if !topics.is_empty() {
                sections[0].text = format!("{} {}", sections[0].text, topics.join(". "));
            }
            Some(Page {
                title: site.module_title(&module.slug),
                url: module_url(&module.slug),
                kind: "module",
                context,
                sections,
            })
        })
        .collect();
    out.extend(module_pages);
    let path_rels: BTreeSet<&str> = site.paths.iter().map(|p| p.rel.as_str()).collect();
    for rel in pages {
        if module_rels.contains(rel.as_str()) || path_rels.contains(rel.as_str()) {
            continue;
        }
        let Some(doc) = site.doc(rel) else { continue };
        out.push(Page {
            title: doc.parsed.title.clone().unwrap_or_else(|| rel.clone()),
            url: urls.output_of(rel),
            kind: "page",
            context: "Page".into(),
            sections: doc_sections(doc),
        });
    }
    out
}

/// Code blocks scroll sideways; `tabindex="0"` lets a keyboard reach and scroll them.
fn focusable_code(html: &str) -> String {
    html.replace("<pre class=\"code\"", "<pre class=\"code\" tabindex=\"0\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLEAN: &str = r#"# Clean

Links: [the path](../../paths/p.md), [its overview](../../paths/p.md#overview),
[b](../b/README.md), [b's part](../b/README.md#part-two), [b again](../b/README.md#a&b),
[outside](../c/README.md#x), [here](#second), [web](https://example.org/?a=1&b=2),
<https://example.org/auto>, <me@example.org>, ![a picture](pic.png "A title"),
[a file](notes.txt), a quote "like this" and `x = y`.

## Second

A footnote[^n], a [missing](../nowhere.md) page.

### Third
#### Fourth
##### Fifth
###### Sixth

# Another title

| a | b |
|---|---|
| 1 | 2 |

- [x] done

```html
<a id="x" name="y" href="../b/README.md">quoted in code</a>
```

[^n]: The note.
"#;

    fn write(root: &std::path::Path, rel: &str, text: &str) {
        let file = root.join(rel);
        std::fs::create_dir_all(file.parent().expect("a folder")).expect("mkdir");
        std::fs::write(file, text).expect("write");
    }

    /// The print section written in the Markdown pass must be, byte for byte, the rewrite
    /// of the module's page HTML; the modules it cannot place are left to that rewrite.
    #[test]
    fn print_sections_from_the_markdown_pass_equal_the_rewritten_module_page() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        let write = |rel: &str, text: &str| write(root, rel, text);
        write("book.toml", "[book]\ntitle = \"T\"\n");
        write(
            "content/paths/p.md",
            "# P\n\n## Overview\nIntro.\n\n## Modules\n\n### Phase 1: One\n\
             1. [Clean](../modules/clean/README.md)\n\
             2. [B](../modules/b/README.md)\n\
             3. [Raw](../modules/raw/README.md)\n\
             4. [Attr](../modules/attr/README.md)\n\
             5. [Escaped](../modules/escaped/README.md)\n\
             6. [Unicode](../modules/unicode/README.md)\n",
        );
        write("content/modules/clean/README.md", CLEAN);
        write("content/modules/clean/notes.txt", "notes");
        write(
            "content/modules/b/README.md",
            "# B\n\n## Part two\n\nText.\n",
        );
        write("content/modules/c/README.md", "# C\n\n## X\n");
        write(
            "content/modules/raw/README.md",
            "# Raw\n\n<div id=\"box\"><a href=\"../b/README.md\">b</a></div>\n",
        );
        write(
            "content/modules/attr/README.md",
            "# Attr\n\n## A\n\nWrite name=\"x\" in the tag.\n",
        );
        write(
            "content/modules/escaped/README.md",
            "# Escaped\n\n## A\n\nWrite id=\\\"x\\\" in the tag.\n",
        );
        write(
            "content/modules/unicode/README.md",
            "# Unicode\n\n[café](../b/README.md#caf%C3%A9) and [it's](../c/README.md#it's)\n",
        );
        let prepared =
            crate::pipeline::prepare(root, &crate::load::LoadOptions::default()).expect("site");
        let renderer = prepared.renderer();
        let path = &prepared.site.paths[0];
        let slugs = ["clean", "b", "raw", "attr", "escaped", "unicode"];
        let place = PrintPlace::new(path, &slugs);
        for (slug, direct) in [
            ("clean", true),
            ("b", true),
            ("raw", false),
            ("attr", false),
            ("escaped", false),
            ("unicode", false),
        ] {
            let page_url = module_url(slug);
            let rewritten =
                renderer.print_section(&renderer.module_html(slug), slug, &page_url, &place);
            let written = renderer.print_module_direct(slug, &page_url, &place);
            assert_eq!(written.is_some(), direct, "{slug}: {written:?}");
            if let Some(written) = written {
                assert_eq!(written, rewritten, "{slug}");
            }
            assert_eq!(
                renderer.print_module_html(slug, &place),
                rewritten,
                "{slug}"
            );
        }
        let html = renderer.print_module_html("clean", &place);
        for expected in [
            "href=\"#main\"",
            "href=\"#overview\"",
            "href=\"#module-b\"",
            "href=\"#b--part-two\"",
            "href=\"#b--a&amp;b\"",
            "href=\"../../modules/c/index.html#x\"",
            "href=\"#clean--second\"",
            "href=\"https://example.org/?a=1&amp;b=2\"",
            "href=\"mailto:me@example.org\"",
            "src=\"../../modules/clean/pic.png\"",
            "href=\"../../modules/clean/notes.txt\"",
            "<h3 id=\"clean--second\">",
            "<h4 id=\"clean--third\">",
            "<h6 id=\"clean--fifth\">",
            "<h6 id=\"clean--sixth\">",
            "<h2 id=\"clean--another-title\">",
            "<a href=\"#clean--n\">1</a>",
            "id=\"clean--n\"",
            "<pre class=\"code\" tabindex=\"0\" data-lang=\"html\">",
            "a quote \"like this\"",
        ] {
            assert!(html.contains(expected), "{expected} in {html}");
        }
    }

    #[test]
    fn module_html_is_spliced_into_the_print_page_only_where_the_template_printed_it() {
        let sections = [
            "<p>a</p>".to_string(),
            String::new(),
            "<p>c</p>".to_string(),
        ];
        let page = |markers: &[usize]| {
            let mut page = "head".to_string();
            for &i in markers {
                page.push_str(&print_marker(i));
                page.push('|');
            }
            page.into_bytes()
        };
        assert_eq!(
            splice_print_sections(&page(&[0, 2]), &sections).as_deref(),
            Some(&b"head<p>a</p>|<p>c</p>|"[..])
        );
        // Missing, repeated, out of order, or a module without HTML marked.
        for markers in [&[0][..], &[0, 2, 2], &[2, 0], &[0, 1, 2]] {
            assert_eq!(splice_print_sections(&page(markers), &sections), None);
        }
        // An escaped marker is no marker.
        let escaped = "head\0&lt;pathbook-print-module 0&gt;\0".as_bytes();
        assert_eq!(splice_print_sections(escaped, &sections), None);
    }

    /// The built-in print template gets the modules' HTML spliced in; the page must be the
    /// one Tera makes with the HTML in its context, as it still does for a project's own.
    #[test]
    fn a_spliced_print_page_equals_the_template_rendered_with_the_html() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        write(root, "book.toml", "[book]\ntitle = \"T\"\n");
        write(
            root,
            "content/paths/p.md",
            "# P\n\n## Modules\n\n### Phase 1: One\n\
             1. [A](../modules/a/README.md)\n2. [B](../modules/b/README.md)\n",
        );
        write(
            root,
            "content/modules/a/README.md",
            "# A\n\n## One\n\nSee [B](../b/README.md).\n",
        );
        write(root, "content/modules/b/README.md", "# B\n");
        let prepared =
            crate::pipeline::prepare(root, &crate::load::LoadOptions::default()).expect("site");
        assert!(prepared.templates.builtin);
        let (url, spliced) = prepared.renderer().print_page(0).expect("print page");
        assert_eq!(url, "paths/p/print.html");
        let mut templates = crate::templates::Templates::load(root).expect("templates");
        templates.builtin = false;
        let renderer = Renderer::new(&prepared.site, &templates, &prepared.plan);
        let (_, rendered) = renderer.print_page(0).expect("print page");
        assert_eq!(
            String::from_utf8(spliced.clone()),
            String::from_utf8(rendered)
        );
        let spliced = String::from_utf8(spliced).expect("UTF-8");
        assert!(spliced.contains("<h3 id=\"a--one\">One</h3>"), "{spliced}");
        assert!(spliced.contains("<a href=\"#module-b\">B</a>"), "{spliced}");
        assert!(!spliced.contains('\0'), "{spliced}");

        // A project's own template may use the HTML as it likes.
        write(
            root,
            "templates/print.html",
            "{% for m in modules %}[{{ m.html | length }}]{{ m.html | safe }}{% endfor %}",
        );
        let prepared =
            crate::pipeline::prepare(root, &crate::load::LoadOptions::default()).expect("site");
        assert!(!prepared.templates.builtin);
        let (_, page) = prepared.renderer().print_page(0).expect("print page");
        let page = String::from_utf8(page).expect("UTF-8");
        let a = "<h3 id=\"a--one\">One</h3>\n<p>See <a href=\"#module-b\">B</a>.</p>\n";
        assert_eq!(page, format!("[{}]{a}[0]", a.chars().count()));
    }
}
