//! The plan of a build: what the site publishes, which job writes each file, and the key
//! under which a job's files may be reused from the previous build.

use super::RenderError;
use super::context::{SiteInfo, progress_json, site_info};
use super::nav::{PathNavs, Sidebar};
use super::pages::reading_minutes;
use super::urls::{Urls, group_url, module_url, path_url, phase_url, pretty, print_url};
use crate::model::Site;
use crate::templates::Templates;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

/// What a site publishes and the parts every page shares, computed once per build (and
/// kept by `serve`, which renders pages from it on demand).
pub struct Plan {
    pub(super) urls: Urls,
    pub(super) info: SiteInfo,
    pub(super) navs: Vec<PathNavs>,
    /// Sidebars rendered from `nav.html`, by sidebar and page depth (`root`): a path's
    /// pages share a handful, and rendering the tree through Tera for every page was a
    /// third of a module page's cost.
    pub(super) sidebars: std::sync::Mutex<HashMap<(Sidebar, String), std::sync::Arc<str>>>,
    /// Each path's modules in reading order, for every module page's previous and next.
    pub(super) module_orders: Vec<Vec<String>>,
    /// Per path: its structure as JSON for the progress script (phases, tracks, modules).
    pub(super) progress: Vec<String>,
    pub(super) sanitize: bool,
    pub(super) site_url: Option<String>,
    /// Reachable Markdown files that are neither paths nor modules, by content path.
    pub(super) plain_pages: Vec<String>,
    /// Every Markdown page search covers (the reachable set).
    pub(super) pages: BTreeSet<String>,
    /// Copied files: output path → source file.
    pub assets: BTreeMap<String, PathBuf>,
    /// Every generated file whose name is known before rendering, with the job that
    /// writes it; where two jobs would write one name, the later job owns it.
    pub(super) owners: HashMap<String, Job>,
    /// The theme's static files (defaults overlaid with the project's `static/`), read
    /// once: their names are part of the site and their bytes part of its fingerprint.
    pub(super) static_files: Vec<(String, Vec<u8>)>,
    /// The hashes job keys are made of (see [`Plan::job_key`]).
    keys: crate::reuse::Keys,
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
        let mut static_files =
            crate::templates::static_files(project_dir).map_err(|message| RenderError {
                page: "static/".into(),
                message,
            })?;
        // The diagram renderer is 5.5 MB: a site without a ```mermaid block does not ship it.
        // Any page naming "mermaid" keeps it, so a missed diagram is impossible and a false
        // match costs only the file.
        let has_diagram = pages.iter().any(|rel| {
            site.doc(rel)
                .is_some_and(|d| d.source.text.contains("mermaid"))
        });
        static_files.retain(|(name, _)| has_diagram || name != "mermaid.min.js");
        let keys = crate::reuse::Keys::new(crate::reuse::SiteInputs {
            site,
            templates: templates.fingerprint,
            static_files: &static_files,
            pages: &pages,
            assets: asset_rels,
            cards: site
                .modules
                .values()
                .map(|m| {
                    let doc = site.doc(&m.rel);
                    let summary = doc.and_then(|d| d.parsed.description.as_ref());
                    (m.slug.clone(), (summary, reading_minutes(doc)))
                })
                .collect(),
        });
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
            keys,
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

    pub(super) fn known_files(&self, site: &Site) -> HashMap<String, Job> {
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
    pub(super) fn owns(&self, job: &Job, rel: &str) -> bool {
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
    /// the job's files are reused instead of rendered (see `crate::reuse`).
    pub fn job_key(&self, site: &Site, job: &Job) -> u64 {
        self.keys
            .job_key(&self.job_name(site, job), &self.inputs(site, job))
    }

    /// What a job reads beyond what every job does. Every job depends on the whole
    /// site's part of its key (the binary, book.toml, templates, static files, the file
    /// list, what is published, every path's text, every module's title); a job that
    /// reads more of the content must name it here, or its pages go stale on a rebuild
    /// (tests/build.rs compares a rebuild after each kind of edit with a clean build).
    fn inputs<'s>(&'s self, site: &'s Site, job: &'s Job) -> crate::reuse::Inputs<'s> {
        let mut inputs = crate::reuse::Inputs::default();
        let modules_of = |path: usize| site.paths[path].module_order();
        match job {
            // Module cards.
            Job::Path(i) | Job::Phases(i) => inputs.cards = modules_of(*i),
            Job::ModulesIndex => inputs.cards = site.modules.keys().map(String::as_str).collect(),
            // Module texts.
            Job::Module(slug) => inputs.docs.push(&site.modules[slug].rel),
            Job::Print(i) => {
                inputs.docs = modules_of(*i)
                    .into_iter()
                    .filter_map(|slug| site.modules.get(slug))
                    .map(|m| m.rel.as_str())
                    .collect()
            }
            Job::Plain(rel) => inputs.docs.push(rel),
            Job::Search => inputs.docs = self.pages.iter().map(String::as_str).collect(),
            Job::Home | Job::NotFound | Job::Static | Job::Sitemap => {}
        }
        inputs
    }

    /// The pages a sitemap lists: every generated HTML page but the 404 page.
    pub(super) fn sitemap_urls(&self) -> Vec<&str> {
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

pub(super) fn sitemap(base: &str, urls: &[&str]) -> String {
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
