//! Where every page and file is published, and which of the content's files a site reaches.

use crate::links::{Resolved, resolve};
use crate::model::{Group, LearningPath, Phase, Site};
use std::collections::{BTreeMap, BTreeSet};

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

/// `a/b/index.html` → `a/b/`, for canonical links and the sitemap.
pub(super) fn pretty(url: &str) -> &str {
    url.strip_suffix("index.html").unwrap_or(url)
}
