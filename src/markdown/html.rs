//! Markdown → HTML with the ids, link rewrites and highlighting the site needs. It parses
//! with the same options as the extraction pass, so heading `n` here is heading `n` there.

use super::{Heading, LinkKind, raw_html};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};

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

pub struct HtmlSection {
    /// Index into `headings` of the heading that opens the section.
    pub heading_index: Option<usize>,
    pub html: String,
}

fn level_number(level: HeadingLevel) -> u8 {
    level as u8
}

pub fn render(text: &str, options: &HtmlOptions) -> Vec<HtmlSection> {
    let mut sections = vec![HtmlSection {
        heading_index: None,
        html: String::new(),
    }];
    let mut pending: Vec<Event> = Vec::new();
    let mut heading_counter = 0usize;
    let mut skipping_title = false;
    let mut title_skipped = !options.skip_title;
    let mut code: Option<(Option<String>, String)> = None;
    // Raw HTML, a script-capable URL or author-written heading attributes: anything that
    // could put markup on the page that pathbook did not write itself.
    let mut needs_cleaning = false;

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
                    let html = match &lang {
                        Some(lang) => {
                            let lang = escape_attr(lang);
                            format!(
                                "<pre class=\"code\" data-lang=\"{lang}\"><code class=\"language-{lang}\">{body}</code></pre>\n"
                            )
                        }
                        None => format!("<pre class=\"code\"><code>{body}</code></pre>\n"),
                    };
                    pending.push(Event::Html(html.into()));
                    code = None;
                }
                _ => {}
            }
            continue;
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
                let id = options
                    .headings
                    .get(index)
                    .map(|h| CowStr::from(h.id.clone()));
                pending.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => crate::highlight::fence_language(&info),
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
            other => pending.push(other),
        }
    }
    let section = sections.last_mut().expect("one section");
    flush(&mut pending, section);
    if options.sanitize && needs_cleaning {
        for section in &mut sections {
            section.html = crate::sanitize::clean(&section.html);
        }
    }
    sections
}

/// Renders a whole document as one piece of HTML.
pub fn render_whole(text: &str, options: &HtmlOptions) -> String {
    render(text, options).into_iter().map(|s| s.html).collect()
}

pub fn escape_attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String");
    out
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
}
