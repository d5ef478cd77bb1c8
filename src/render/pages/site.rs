//! The pages of the site as a whole: home, the modules index, plain pages and the 404 page.

use super::super::context::{Base, Link, PathSummary, TocEntry, home_crumb, modules_crumbs};
use super::super::urls::{module_url, path_url};
use super::super::{RenderError, Renderer};
use super::{reading_minutes, title_id};
use serde::Serialize;

impl<'a> Renderer<'a> {
    pub(in crate::render) fn home(&self) -> Result<Vec<u8>, RenderError> {
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

    pub(in crate::render) fn modules_index(&self) -> Result<Vec<u8>, RenderError> {
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

    pub(in crate::render) fn plain_page(
        &self,
        rel: &str,
    ) -> Result<(String, Vec<u8>), RenderError> {
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

    pub(in crate::render) fn not_found(&self) -> Result<Vec<u8>, RenderError> {
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
