//! The page kinds, one file each, and what they share: the page's frame (`Base`), its
//! Markdown rendered with links pointing from the page, cards and summaries.

mod module;
mod path;
mod site;

use super::context::{
    Base, GroupCtx, Link, ModuleCard, PathSummary, PhaseCtx, TocEntry, home_crumb,
};
use super::urls::{group_url, module_url, path_url, phase_url, pretty};
use super::{RenderError, Renderer, focusable_code};
use crate::links::{Resolved, relative_url, resolve, root_prefix};
use crate::load::Doc;
use crate::markdown::LinkKind;
use crate::markdown::html::{HtmlOptions, HtmlSection, render as render_markdown};
use crate::model::LearningPath;
use serde::Serialize;

/// The id GitHub gives the document's `#` title, so `#title` links work on the page too.
pub(in crate::render) fn title_id(doc: &Doc) -> Option<String> {
    doc.parsed
        .headings
        .first()
        .filter(|h| h.level == 1)
        .map(|h| h.id.clone())
}

pub(in crate::render) fn reading_minutes(doc: Option<&Doc>) -> usize {
    doc.map_or(1, |d| d.parsed.word_count.div_ceil(200).max(1))
}

impl<'a> Renderer<'a> {
    pub(in crate::render) fn module_card(&self, slug: &str, topics: &[String]) -> ModuleCard {
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

    pub(in crate::render) fn phase_ctx(&self, path: &LearningPath, index: usize) -> PhaseCtx {
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

impl<'a> Renderer<'a> {
    pub(in crate::render) fn base(
        &self,
        kind: &'static str,
        page_url: &str,
        title: String,
    ) -> Base<'_> {
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

    pub(in crate::render) fn edit_url(&self, rel: &str) -> Option<String> {
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

    pub(in crate::render) fn markdown(
        &self,
        rel: &str,
        page_url: &str,
        split: Option<u8>,
    ) -> Vec<HtmlSection> {
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
    pub(in crate::render) fn html_options<'o>(
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
    pub(in crate::render) fn page_rewrite<'s>(
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
    pub(in crate::render) fn module_html(&self, slug: &str) -> String {
        let module = &self.site.modules[slug];
        self.markdown(&module.rel, &module_url(slug), None)
            .into_iter()
            .map(|s| s.html)
            .collect()
    }

    pub(in crate::render) fn toc(doc: &Doc) -> Vec<TocEntry> {
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

    pub(in crate::render) fn render(
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

    pub(in crate::render) fn path_summary(&self, path: &LearningPath) -> PathSummary {
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

    pub(in crate::render) fn crumbs_for_path(&self, path: &LearningPath) -> Vec<Link> {
        vec![
            home_crumb(),
            Link {
                title: path.title.clone(),
                url: path_url(path),
            },
        ]
    }
}
