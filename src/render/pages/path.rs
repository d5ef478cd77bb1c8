//! A path's pages: its own page (prose, phases, the path map) and its phase and track pages.

use super::super::context::{Base, GroupCtx, Link, PathSummary, PhaseCtx, SectionCtx};
use super::super::nav::Sidebar;
use super::super::urls::{group_url, path_url, phase_url, print_url};
use super::super::{RenderError, Renderer};
use crate::model::Section;
use serde::Serialize;
use std::collections::BTreeMap;

impl<'a> Renderer<'a> {
    pub(in crate::render) fn path_page(
        &self,
        path_index: usize,
    ) -> Result<(String, Vec<u8>), RenderError> {
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
            map_svg: super::super::pathmap::svg(self.site, path, &url),
            print_url: print_url(path),
            progress_json: &self.plan.progress[path_index],
        };
        Ok((url.clone(), self.render("path.html", &ctx, &url)?))
    }

    pub(in crate::render) fn phase_pages(
        &self,
        path_index: usize,
    ) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
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
}
