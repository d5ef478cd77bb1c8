//! The print page: a whole path on one page, its modules' links re-pointed at their
//! places on that page.

use super::context::{Base, Link, PathSummary};
use super::pages::{reading_minutes, title_id};
use super::urls::{module_url, path_url, print_url};
use super::{RenderError, Renderer, focusable_code};
use crate::links::{Resolved, relative_url, resolve};
use crate::markdown::LinkKind;
use crate::markdown::html::render as render_markdown;
use crate::model::LearningPath;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

impl<'a> Renderer<'a> {
    /// A module's page HTML as a section of its path's print page: links to the path or to
    /// a module on that page become in-page anchors, other links are made relative to the
    /// print page, `<h2>` becomes `<h3>` and so on (so the module's sections sit under its
    /// title), and every `id`, `name` and in-page `href="#..."` is prefixed with
    /// `<slug>--`, so modules can share one page without their anchors colliding.
    ///
    /// Most modules are written that way in the Markdown pass itself; a module whose HTML
    /// that pass cannot place exactly (raw HTML, say) has its page's HTML rewritten.
    pub(super) fn print_module_html(&self, slug: &str, place: &PrintPlace) -> String {
        let page_url = module_url(slug);
        self.print_module_direct(slug, &page_url, place)
            .unwrap_or_else(|| self.print_section(&self.module_html(slug), slug, &page_url, place))
    }

    pub(super) fn print_module_direct(
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
    pub(super) fn print_section(
        &self,
        html: &str,
        slug: &str,
        page_url: &str,
        place: &PrintPlace,
    ) -> String {
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
                // The slug is a folder name, which may hold `"` or `<`: escaped like any
                // attribute value from content.
                let slug = crate::markdown::html::escape_attr(slug);
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
    pub(super) fn print_attr(
        &self,
        value: &str,
        href: bool,
        slug: &str,
        page_url: &str,
        place: &PrintPlace,
    ) -> Option<String> {
        if href && value.len() > 1 && value.starts_with('#') {
            let slug = crate::markdown::html::escape_attr(slug);
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
    pub(super) fn print_href(
        &self,
        value: &str,
        page_url: &str,
        place: &PrintPlace,
    ) -> Option<String> {
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
    pub(super) fn print_page(&self, path_index: usize) -> Result<(String, Vec<u8>), RenderError> {
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
}

/// Stands for module `index`'s HTML in the print template's context. The `<` makes an
/// escaped marker differ from the marker, and Markdown output never holds a NUL.
pub(super) fn print_marker(index: usize) -> String {
    format!("\0<pathbook-print-module {index}>\0")
}

/// The rendered print page with each module's marker replaced by its HTML; `None` unless
/// the page holds the marker of every module with HTML exactly once, in order, and no other.
pub(super) fn splice_print_sections(page: &[u8], sections: &[String]) -> Option<Vec<u8>> {
    pub(super) const START: &[u8] = b"\0<pathbook-print-module ";
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
pub(super) struct PrintPlace<'a> {
    /// The print page's own URL.
    print: String,
    path_page: String,
    /// The modules on the page.
    in_print: BTreeSet<&'a str>,
}

impl<'a> PrintPlace<'a> {
    pub(super) fn new(path: &LearningPath, slugs: &[&'a str]) -> PrintPlace<'a> {
        PrintPlace {
            print: print_url(path),
            path_page: path_url(path),
            in_print: slugs.iter().copied().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) const CLEAN: &str = r#"# Clean

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

    pub(super) fn write(root: &std::path::Path, rel: &str, text: &str) {
        let file = root.join(rel);
        std::fs::create_dir_all(file.parent().expect("a folder")).expect("mkdir");
        std::fs::write(file, text).expect("write");
    }

    /// The print section written in the Markdown pass must be, byte for byte, the rewrite
    /// of the module's page HTML; the modules it cannot place are left to that rewrite.
    #[test]
    pub(super) fn print_sections_from_the_markdown_pass_equal_the_rewritten_module_page() {
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
    pub(super) fn module_html_is_spliced_into_the_print_page_only_where_the_template_printed_it() {
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
    pub(super) fn a_spliced_print_page_equals_the_template_rendered_with_the_html() {
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
