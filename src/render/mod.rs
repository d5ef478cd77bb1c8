//! Render: the site model → every output file. A [`Plan`] says what the site publishes;
//! each [`Job`] renders one or more files, on every core, handing them to a [`Sink`] as they
//! are made. Each template gets a small typed context, and per-page navigation is bounded
//! to the page's own path so output grows linearly with the site.

mod context;
mod nav;
mod pages;
mod pathmap;
mod plan;
mod print;
pub mod urls;

pub use context::{SiteInfo, site_info};
pub use nav::NavPath;
pub use plan::{Job, Plan};
pub use urls::{Urls, group_url, module_url, path_url, phase_url, print_url, reachable};

use crate::model::Site;
use crate::templates::Templates;
use rayon::prelude::*;

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
                let pages =
                    crate::search::search_pages(self.site, &self.plan.urls, &self.plan.pages);
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
                    plan::sitemap(base, &self.plan.sitemap_urls()).into_bytes(),
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
            busy: crate::timings::Timings { stages: busy },
        })
    }
}

/// What [`Renderer::render_all`] did: the HTML pages it made (or reused), and the thread
/// time spent per kind of job, writing included.
pub struct RenderStats {
    pub pages: usize,
    pub busy: crate::timings::Timings,
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

/// Code blocks scroll sideways; `tabindex="0"` lets a keyboard reach and scroll them.
fn focusable_code(html: &str) -> String {
    html.replace("<pre class=\"code\"", "<pre class=\"code\" tabindex=\"0\"")
}
