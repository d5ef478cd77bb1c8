//! Markdown → HTML with the ids, link rewrites and highlighting the site needs. It parses
//! with the same options as the extraction pass, so heading `n` here is heading `n` there.

pub use super::escape::escape_attr;
use super::{Heading, LinkKind, raw_html};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};
use std::fmt::Write as _;

pub struct HtmlOptions<'a> {
    /// The document's headings from the extraction pass, in order.
    pub headings: &'a [Heading],
    /// Maps a link as written to the URL to publish; `None` keeps it as written.
    pub rewrite: &'a dyn Fn(&str, LinkKind) -> Option<String>,
    /// Drop the first `#` heading: the page template shows the title itself.
    pub skip_title: bool,
    /// Split the output at headings of this level (path pages render `##` sections apart).
    pub split_level: Option<u8>,
    pub sanitize: bool,
}

/// How to write a document as a part of a larger page (a module on its path's print page)
/// in the same pass that renders it, instead of rewriting the finished HTML.
pub struct Relocate<'a> {
    /// Added to every heading level, up to `<h6>`.
    pub heading_shift: u8,
    /// Prefixed to every heading and footnote id and to the footnote links.
    pub id_prefix: &'a str,
    /// Maps an `href` (`true`) or `src` (`false`) value, as the document's own page writes
    /// it (escaped), to the value to write instead; `None` keeps it.
    pub url: &'a dyn Fn(&str, bool) -> Option<String>,
}

pub struct HtmlSection {
    /// Index into `headings` of the heading that opens the section.
    pub heading_index: Option<usize>,
    pub html: String,
}

fn level_number(level: HeadingLevel) -> u8 {
    level as u8
}

pub fn render(text: &str, options: &HtmlOptions) -> Vec<HtmlSection> {
    render_with(text, options, None).unwrap_or_default()
}

/// Renders a whole document as one piece of HTML placed by `relocate`. `None` when the
/// document holds something this pass cannot place exactly as a rewrite of its own page's
/// HTML would (the rewrite changes attributes wherever they appear, so the caller must
/// fall back to it): raw HTML, heading attributes or a URL that gets sanitized, text that
/// reads like an attribute (`name="x"`, which Markdown writes with its quotes), or a URL
/// that cannot be written through pulldown-cmark's escaping.
pub fn render_relocated(text: &str, options: &HtmlOptions, relocate: &Relocate) -> Option<String> {
    let sections = render_with(text, options, Some(relocate))?;
    Some(sections.into_iter().map(|s| s.html).collect())
}

fn render_with(
    text: &str,
    options: &HtmlOptions,
    relocate: Option<&Relocate>,
) -> Option<Vec<HtmlSection>> {
    // Whole, the HTML is bigger than the text, several times so with highlighted code:
    // growing it from empty would copy it over and over.
    let capacity = match options.split_level {
        None => text.len().saturating_mul(4),
        Some(_) => 0,
    };
    let mut sections = vec![HtmlSection {
        heading_index: None,
        html: String::with_capacity(capacity),
    }];
    let mut pending: Vec<Event> = Vec::new();
    let mut heading_counter = 0usize;
    let mut skipping_title = false;
    let mut title_skipped = !options.skip_title;
    let mut code: Option<(Option<String>, String)> = None;
    // Raw HTML, a script-capable URL or author-written heading attributes: anything that
    // could put markup on the page that pathbook did not write itself.
    let mut needs_cleaning = false;
    let mut text_ended_with_equals = false;

    let flush = |pending: &mut Vec<Event>, section: &mut HtmlSection| {
        pulldown_cmark::html::push_html(&mut section.html, pending.drain(..));
    };

    for event in Parser::new_ext(text, super::options()) {
        if skipping_title {
            if matches!(event, Event::End(TagEnd::Heading(_))) {
                skipping_title = false;
            }
            continue;
        }
        if let Some((lang, buffer)) = code.as_mut() {
            match event {
                Event::Text(text) => buffer.push_str(&text),
                Event::End(TagEnd::CodeBlock) => {
                    let lang = lang.take();
                    let body = crate::highlight::highlight(buffer, lang.as_deref());
                    // A relocated document's code blocks get the `tabindex="0"` that pages add
                    // to theirs afterwards (`render::focusable_code`), so a keyboard can
                    // reach and scroll them.
                    let tabindex = if relocate.is_some() {
                        " tabindex=\"0\""
                    } else {
                        ""
                    };
                    // Sized up front: `format!` would grow it to the body's size in steps.
                    let mut html = String::with_capacity(body.len() + 128);
                    match &lang {
                        Some(lang) => {
                            let lang = escape_attr(lang);
                            writeln!(
                                html,
                                "<pre class=\"code\"{tabindex} data-lang=\"{lang}\"><code class=\"language-{lang}\">{body}</code></pre>"
                            )
                            .expect("writing to a String");
                        }
                        None => {
                            writeln!(
                                html,
                                "<pre class=\"code\"{tabindex}><code>{body}</code></pre>"
                            )
                            .expect("writing to a String");
                        }
                    }
                    pending.push(Event::Html(html.into()));
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        if relocate.is_some() {
            // Text is written with its quotes as they are, and a Markdown escape or entity
            // can split `=` and `"` into two events.
            let stray = match &event {
                Event::Text(t) | Event::Code(t) => {
                    t.contains("=\"") || (text_ended_with_equals && t.starts_with('"'))
                }
                _ => false,
            };
            if stray || needs_cleaning {
                return None;
            }
            text_ended_with_equals = matches!(&event, Event::Text(t) if t.ends_with('='));
        }
        match event {
            Event::Start(Tag::Heading {
                level,
                id: _,
                classes,
                attrs,
            }) => {
                let index = heading_counter;
                heading_counter += 1;
                if !title_skipped && level == HeadingLevel::H1 {
                    title_skipped = true;
                    skipping_title = true;
                    continue;
                }
                if options.split_level == Some(level_number(level)) {
                    let section = sections.last_mut().expect("one section");
                    flush(&mut pending, section);
                    sections.push(HtmlSection {
                        heading_index: Some(index),
                        html: String::new(),
                    });
                }
                needs_cleaning |= !classes.is_empty() || !attrs.is_empty();
                let id = options.headings.get(index).map(|h| match relocate {
                    Some(r) if !h.id.is_empty() => CowStr::from([r.id_prefix, &h.id].concat()),
                    _ => CowStr::from(h.id.clone()),
                });
                let level = relocate.map_or(level, |r| shift(level, r.heading_shift));
                pending.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        crate::highlight::fence_language(&info).map(str::to_string)
                    }
                    CodeBlockKind::Indented => None,
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let kind = match link_type {
                    pulldown_cmark::LinkType::Autolink | pulldown_cmark::LinkType::Email => {
                        LinkKind::Autolink
                    }
                    _ => LinkKind::Inline,
                };
                needs_cleaning |= crate::sanitize::is_unsafe_url(&dest_url);
                let dest_url = (options.rewrite)(&dest_url, kind).map_or(dest_url, CowStr::from);
                let dest_url = match relocate {
                    // Written as `mailto:...`, which no relocation changes.
                    Some(r) if link_type != pulldown_cmark::LinkType::Email => {
                        relocate_url(&dest_url, true, r)?.map_or(dest_url, CowStr::from)
                    }
                    _ => dest_url,
                };
                pending.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                needs_cleaning |= crate::sanitize::is_unsafe_url(&dest_url);
                let dest_url =
                    (options.rewrite)(&dest_url, LinkKind::Image).map_or(dest_url, CowStr::from);
                let dest_url = match relocate {
                    Some(r) => relocate_url(&dest_url, false, r)?.map_or(dest_url, CowStr::from),
                    None => dest_url,
                };
                pending.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                needs_cleaning = true;
                let rewritten = raw_html::rewrite_links(&html, |dest| {
                    (options.rewrite)(dest, LinkKind::RawHtml)
                });
                pending.push(Event::Html(rewritten.into()));
            }
            Event::End(TagEnd::Heading(level)) if relocate.is_some() => {
                let shift_by = relocate.map_or(0, |r| r.heading_shift);
                pending.push(Event::End(TagEnd::Heading(shift(level, shift_by))));
            }
            Event::FootnoteReference(name) if relocate.is_some() => {
                pending.push(Event::FootnoteReference(prefixed(name, relocate)));
            }
            Event::Start(Tag::FootnoteDefinition(name)) if relocate.is_some() => {
                pending.push(Event::Start(Tag::FootnoteDefinition(prefixed(
                    name, relocate,
                ))));
            }
            other => pending.push(other),
        }
    }
    if relocate.is_some() && needs_cleaning {
        return None;
    }
    let section = sections.last_mut().expect("one section");
    flush(&mut pending, section);
    if options.sanitize && needs_cleaning {
        for section in &mut sections {
            section.html = crate::sanitize::clean(&section.html);
        }
    }
    Some(sections)
}

fn shift(level: HeadingLevel, by: u8) -> HeadingLevel {
    HeadingLevel::try_from(usize::from(level_number(level).saturating_add(by).min(6)))
        .expect("a level from 1 to 6")
}

/// Footnote names are relabelled alike, so their numbering (by first use) does not change.
fn prefixed<'e>(name: CowStr<'e>, relocate: Option<&Relocate>) -> CowStr<'e> {
    match relocate {
        Some(r) if !name.is_empty() => [r.id_prefix, &name].concat().into(),
        _ => name,
    }
}

/// The URL to hand pulldown-cmark so that it writes, once escaped, what `relocate.url`
/// asks for in place of the escaped `dest`. `Some(None)` keeps `dest`; `None` means no URL
/// escapes to the value asked for.
fn relocate_url(dest: &str, href: bool, relocate: &Relocate) -> Option<Option<String>> {
    let mut written = String::with_capacity(dest.len() + 8);
    pulldown_cmark_escape::escape_href(&mut written, dest).expect("writing to a String");
    let Some(wanted) = (relocate.url)(&written, href) else {
        return Some(None);
    };
    // Undo the only two entities `escape_href` writes; what remains must escape back.
    let unescaped = wanted.replace("&amp;", "&").replace("&#x27;", "'");
    written.clear();
    pulldown_cmark_escape::escape_href(&mut written, &unescaped).expect("writing to a String");
    (written == wanted).then_some(Some(unescaped))
}

/// Renders a whole document as one piece of HTML.
pub fn render_whole(text: &str, options: &HtmlOptions) -> String {
    render(text, options).into_iter().map(|s| s.html).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::parse;

    fn render_doc(text: &str, split: Option<u8>) -> Vec<HtmlSection> {
        let doc = parse(text);
        let rewrite = |dest: &str, _: LinkKind| {
            dest.strip_suffix("README.md")
                .map(|d| format!("{d}index.html"))
        };
        render(
            text,
            &HtmlOptions {
                headings: &doc.headings,
                rewrite: &rewrite,
                skip_title: true,
                split_level: split,
                sanitize: false,
            },
        )
    }

    #[test]
    fn ids_match_the_extraction_and_links_are_rewritten() {
        let html = render_doc(
            "# T\n\n## A b\n\n## A b\n\n[x](../m/README.md) <a href=\"../n/README.md\">n</a>\n",
            None,
        )
        .into_iter()
        .map(|s| s.html)
        .collect::<String>();
        assert!(!html.contains("<h1"), "{html}");
        assert!(html.contains("<h2 id=\"a-b\">"), "{html}");
        assert!(html.contains("<h2 id=\"a-b-1\">"), "{html}");
        assert!(html.contains("href=\"../m/index.html\""), "{html}");
        assert!(html.contains("href=\"../n/index.html\""), "{html}");
    }

    #[test]
    fn sections_split_at_the_requested_level() {
        let sections = render_doc(
            "# T\n\nintro\n\n## One\n\ntext\n\n### Sub\n\n## Two\n",
            Some(2),
        );
        assert_eq!(sections.len(), 3);
        assert_eq!(sections[1].heading_index, Some(1));
        assert!(sections[1].html.contains("Sub"));
        assert!(sections[0].html.contains("intro"));
    }

    #[test]
    fn code_is_highlighted() {
        let html = render_whole(
            "```python\nx = 1\n```\n",
            &HtmlOptions {
                headings: &[],
                rewrite: &|_, _| None,
                skip_title: false,
                split_level: None,
                sanitize: false,
            },
        );
        assert!(html.starts_with("<pre class=\"code\" data-lang=\"python\"><code class=\"language-python\"><span class=\"hl-"), "{html}");
    }

    fn relocate(text: &str, url: &dyn Fn(&str, bool) -> Option<String>) -> Option<String> {
        let doc = parse(text);
        render_relocated(
            text,
            &HtmlOptions {
                headings: &doc.headings,
                rewrite: &|dest: &str, _: LinkKind| {
                    dest.strip_suffix("README.md")
                        .map(|d| format!("{d}index.html"))
                },
                skip_title: true,
                split_level: None,
                sanitize: true,
            },
            &Relocate {
                heading_shift: 1,
                id_prefix: "m--",
                url,
            },
        )
    }

    #[test]
    fn relocating_shifts_headings_and_prefixes_ids_and_footnotes() {
        let html = relocate(
            "# T\n\n## A\n\n##### E\n\n###### F\n\nNote[^n].\n\n```\nx\n```\n\n[^n]: Said.\n",
            &|_, _| None,
        )
        .expect("placeable");
        assert_eq!(
            html,
            "<h3 id=\"m--a\">A</h3>\n<h6 id=\"m--e\">E</h6>\n<h6 id=\"m--f\">F</h6>\n\
             <p>Note<sup class=\"footnote-reference\"><a href=\"#m--n\">1</a></sup>.</p>\n\
             <pre class=\"code\" tabindex=\"0\"><code>x\n</code></pre>\n\
             <div class=\"footnote-definition\" id=\"m--n\"><sup class=\"footnote-definition-label\">1</sup>\n\
             <p>Said.</p>\n</div>\n"
        );
    }

    #[test]
    fn relocating_maps_urls_as_the_page_writes_them() {
        let seen = std::cell::RefCell::new(Vec::new());
        let url = |value: &str, href: bool| {
            seen.borrow_mut().push((value.to_string(), href));
            match value {
                "x.md?a=1&amp;b=2" => Some("#m--a&amp;b".to_string()),
                "pic%20one.png" => Some("../pic%20one.png".to_string()),
                _ => None,
            }
        };
        let html = relocate(
            "[m](x.md?a=1&b=2) ![p](<pic one.png>) [k](keep.html) <me@x.org>\n",
            &url,
        )
        .expect("placeable");
        assert_eq!(
            html,
            "<p><a href=\"#m--a&amp;b\">m</a> <img src=\"../pic%20one.png\" alt=\"p\" /> \
             <a href=\"keep.html\">k</a> <a href=\"mailto:me@x.org\">me@x.org</a></p>\n"
        );
        // A `mailto:` link is never offered: it stays as written.
        assert_eq!(
            *seen.borrow(),
            [
                ("x.md?a=1&amp;b=2".to_string(), true),
                ("pic%20one.png".to_string(), false),
                ("keep.html".to_string(), true),
            ]
        );
    }

    #[test]
    fn relocating_declines_what_only_a_rewrite_of_the_html_can_place() {
        let none = |_: &str, _: bool| None;
        // Raw HTML, heading attributes, a script URL: markup the pass did not write.
        assert_eq!(relocate("<div id=\"x\">a</div>\n", &none), None);
        assert_eq!(relocate("## A {#x .c}\n", &none), None);
        assert_eq!(relocate("[a](javascript:alert(1))\n", &none), None);
        // Text that reads like an attribute, whole or split by an escape.
        assert_eq!(relocate("a name=\"x\" b\n", &none), None);
        assert_eq!(relocate("a id=\\\"x\\\" b\n", &none), None);
        assert_eq!(relocate("`a href=\"x\"`\n", &none), None);
        // A value pulldown-cmark would escape differently from what is asked.
        assert_eq!(relocate("[a](x)\n", &|_, _| Some("#é".into())), None);
        // Quotes in text and attribute-like code blocks are fine.
        assert!(relocate("say \"hi\"\n\n```\na id=\"x\"\n```\n", &none).is_some());
    }
}
