//! A module's page: its README, where paths use it, and its place in the first of them.

use super::super::context::{Base, Link, TocEntry, UsageCtx, modules_crumbs};
use super::super::nav::Sidebar;
use super::super::urls::{group_url, module_url, path_url, phase_url};
use super::super::{RenderError, Renderer};
use super::{reading_minutes, title_id};
use serde::Serialize;

impl<'a> Renderer<'a> {
    pub(in crate::render) fn module_page(
        &self,
        slug: &str,
    ) -> Result<(String, Vec<u8>), RenderError> {
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
}
