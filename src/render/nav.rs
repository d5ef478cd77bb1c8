//! The sidebars: one tree per path, opened at the phase being read, rendered once per
//! sidebar and page depth and shared by the path's pages.

use super::context::SiteInfo;
use super::urls::{group_url, module_url, path_url, phase_url};
use super::{RenderError, Renderer};
use crate::links::root_prefix;
use crate::model::{LearningPath, Site};
use serde::Serialize;

#[derive(Serialize, Clone)]
pub(super) struct NavModule {
    pub(super) title: String,
    pub(super) url: String,
    pub(super) slug: String,
}

#[derive(Serialize, Clone)]
pub(super) struct NavGroup {
    pub(super) title: String,
    pub(super) url: String,
    pub(super) is_track: bool,
    pub(super) modules: Vec<NavModule>,
}

#[derive(Serialize, Clone)]
pub(super) struct NavPhase {
    pub(super) title: String,
    pub(super) url: String,
    pub(super) duration: Option<String>,
    pub(super) choose: Option<String>,
    pub(super) modules: Vec<NavModule>,
    pub(super) groups: Vec<NavGroup>,
}

/// Paths with at most this many module entries list them all in every sidebar.
pub(super) const FULL_NAV_LIMIT: usize = 60;

pub(super) struct PathNavs {
    pub(super) outline: NavPath,
    pub(super) by_phase: Vec<NavPath>,
}

/// Which of a path's sidebars a page shows: the outline (the path page) or the tree opened
/// at one phase (its phase, track and module pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Sidebar {
    Outline(usize),
    Phase(usize, usize),
}

/// The sidebar: one path's tree, built once per path and shared by its pages.
#[derive(Serialize, Clone)]
pub struct NavPath {
    pub(super) title: String,
    pub(super) slug: String,
    pub(super) url: String,
    pub(super) total: Option<String>,
    pub(super) phases: Vec<NavPhase>,
}

impl PathNavs {
    /// The sidebars of one path: an outline for the path page and one per phase. A long
    /// path lists modules only under the phase being read, so a page's size does not grow
    /// with the whole path; a short one lists everything everywhere.
    pub(super) fn new(site: &Site, path: &LearningPath) -> PathNavs {
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

pub(super) fn nav(site: &Site, path: &LearningPath, expanded: impl Fn(usize) -> bool) -> NavPath {
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
    /// The sidebar for a page at `page_url`, with `aria-current="page"` on every link to
    /// the page itself: the tree is rendered once per sidebar and depth, and marking the
    /// current link is a string search, so a page does not pay for walking the tree.
    pub(super) fn sidebar(&self, which: Sidebar, page_url: &str) -> Result<String, RenderError> {
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
}
