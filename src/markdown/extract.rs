//! The extraction pass: one walk over pulldown-cmark's events with byte offsets.

use super::raw_html;
use crate::slug::Slugger;
use pulldown_cmark::{Event, HeadingLevel, LinkType, Parser, Tag, TagEnd};

#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    /// The id the rendered page gives this heading: GitHub's slug, or `{#custom}`.
    pub id: String,
    pub offset: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Inline,
    Reference,
    Autolink,
    Image,
    RawHtml,
}

#[derive(Debug, Clone)]
pub struct DocLink {
    /// The destination as pulldown-cmark reports it (angle brackets already removed).
    pub dest: String,
    /// Byte offset where the link starts: `[`, `<` or `!`, or for raw HTML the first
    /// character of the attribute's value.
    pub offset: usize,
    /// Length in bytes of the link's source text, for underlining it.
    pub len: usize,
    pub kind: LinkKind,
}

/// A list item whose own text starts a link: the shape of a module item in a path.
#[derive(Debug, Clone)]
pub struct LinkedItem {
    pub dest: String,
    pub link_text: String,
    pub offset: usize,
    /// Characters in the link's source text on its first line.
    pub len: usize,
    /// Index into `headings` of the last heading before the item.
    pub heading_index: Option<usize>,
    /// The texts of the item's nested list items: the topics a path promises.
    pub topics: Vec<String>,
}

#[derive(Debug, Default)]
pub struct ParsedDoc {
    /// Front matter's `title`, else the first `#` heading (or HTML `<h1>`), else the first
    /// heading of any level.
    pub title: Option<String>,
    /// The front matter, when the file starts with one that parsed.
    pub front_matter: Option<crate::frontmatter::FrontMatter>,
    /// Why the front matter did not parse, and the line of its opening fence.
    pub front_matter_error: Option<(usize, String)>,
    /// The first paragraph's plain text, used as a summary.
    pub description: Option<String>,
    pub headings: Vec<Heading>,
    pub links: Vec<DocLink>,
    pub items: Vec<LinkedItem>,
    /// Every id a fragment may name: heading ids plus HTML `id=` and `<a name=>`.
    pub anchors: foldhash::HashSet<String>,
    pub word_count: usize,
    /// Formulas that do not convert to MathML (shown as written): offset and reason.
    pub math_errors: Vec<(usize, String)>,
    pub code_blocks: usize,
}

impl ParsedDoc {
    pub fn has_anchor(&self, fragment: &str) -> bool {
        self.anchors.contains(fragment)
    }

    /// An anchor equal to `fragment` when case is ignored, for the case-mismatch warning.
    pub fn anchor_ignoring_case(&self, fragment: &str) -> Option<&str> {
        let lower = fragment.to_lowercase();
        self.anchors
            .iter()
            .filter(|a| a.to_lowercase() == lower)
            .min()
            .map(String::as_str)
    }
}

#[derive(Default)]
struct ItemFrame {
    /// The item's own text, kept only when its parent item may become a module item and
    /// so list it as a topic: most list items are never read again.
    text: Option<String>,
    has_text: bool,
    link: Option<(String, usize, usize)>,
    link_text: String,
    in_link_depth: usize,
    children: Vec<String>,
    nested_lists: usize,
}

impl ItemFrame {
    /// A module item is a list item whose text starts with a link; once text came first
    /// and no link did, this item can no longer be one.
    fn may_be_module_item(&self) -> bool {
        self.link.is_some() || !self.has_text
    }
}

/// What a caller needs from [`parse_for`] beyond links, anchors, headings and items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extract {
    /// Everything, for pages: also the summary and the word count.
    All,
    /// Only what link and structure checks read (`check`): the summary and the word count
    /// are most of the extraction's own cost and no finding depends on them.
    Links,
}

pub fn parse(text: &str) -> ParsedDoc {
    parse_for(text, Extract::All)
}

pub fn parse_for(text: &str, extract: Extract) -> ParsedDoc {
    let for_pages = extract == Extract::All;
    // A page build readies the highlighter for the languages its uncached blocks are in.
    let mut code_block: Option<(String, String)> = None;
    let mut doc = ParsedDoc::default();
    let mut slugger = Slugger::default();
    // Custom ids are reserved first so a generated id never takes an author's chosen one.
    // Only a document that can have them (`{#`) pays for the extra pass.
    if text.contains("{#") {
        for event in Parser::new_ext(text, super::options()) {
            if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
                slugger.reserve(&id);
            }
        }
    }
    let events = Parser::new_ext(text, super::options()).into_offset_iter();

    let mut image_depth = 0usize;
    let mut heading: Option<(u8, Option<String>, usize, String)> = None;
    let mut paragraph: Option<String> = None;
    let mut block_depth = 0usize;
    let mut items: Vec<ItemFrame> = Vec::new();
    let mut html_block: Option<(String, Vec<(usize, usize)>)> = None;
    // Bare addresses become links only in text outside links, images and code blocks.
    let mut link_depth = 0usize;
    let mut in_code_block = false;
    // A ```` ```math ```` block being read: its offset and text.
    let mut math_block: Option<(usize, String)> = None;

    let mut metadata: Option<(crate::frontmatter::Syntax, String)> = None;

    for (event, range) in events {
        match &event {
            Event::Start(Tag::MetadataBlock(kind)) => {
                let syntax = match kind {
                    pulldown_cmark::MetadataBlockKind::YamlStyle => {
                        crate::frontmatter::Syntax::Yaml
                    }
                    pulldown_cmark::MetadataBlockKind::PlusesStyle => {
                        crate::frontmatter::Syntax::Toml
                    }
                };
                metadata = Some((syntax, String::new()));
                continue;
            }
            Event::End(TagEnd::MetadataBlock(_)) => {
                if let Some((syntax, block)) = metadata.take() {
                    match crate::frontmatter::parse(syntax, &block) {
                        Ok(matter) => doc.front_matter = Some(matter),
                        Err(err) => {
                            let line = text[..range.start].matches('\n').count() + 1;
                            doc.front_matter_error = Some((line, err));
                        }
                    }
                }
                continue;
            }
            Event::Text(block) if metadata.is_some() => {
                if let Some((_, text)) = metadata.as_mut() {
                    text.push_str(block);
                }
                continue;
            }
            _ => {}
        }
        match &event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Start(Tag::Link { .. }) => link_depth += 1,
            Event::End(TagEnd::Link) => link_depth = link_depth.saturating_sub(1),
            Event::Text(written) if link_depth == 0 && image_depth == 0 && !in_code_block => {
                // The text's own offsets hold when the source spells it as it reads (no
                // escape or entity); otherwise the finding points at the text's start.
                let exact = text.get(range.clone()) == Some(&**written);
                for (found, href) in super::autolink::find(written) {
                    doc.links.push(DocLink {
                        dest: href,
                        offset: range.start + if exact { found.start } else { 0 },
                        len: found.len(),
                        kind: LinkKind::Autolink,
                    });
                }
            }
            _ => {}
        }
        if let Some((offset, tex)) = math_block.as_mut() {
            match &event {
                Event::Text(text) => tex.push_str(text),
                Event::End(TagEnd::CodeBlock) => {
                    if let Err(reason) = super::math::to_mathml(tex, true) {
                        doc.math_errors.push((*offset, reason));
                    }
                    math_block = None;
                }
                _ => {}
            }
        }
        if let Some((language, code)) = code_block.as_mut() {
            match &event {
                Event::Text(text) => code.push_str(text),
                Event::End(TagEnd::CodeBlock) => {
                    crate::highlight::expect_block(language, code);
                    code_block = None;
                }
                _ => {}
            }
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((
                    heading_level(level),
                    id.map(|id| id.to_string()),
                    range.start,
                    String::new(),
                ));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, custom_id, offset, heading_text)) = heading.take() {
                    // GitHub slugs the heading's text content as it is: space left where an
                    // image stood at the start still becomes a hyphen.
                    let id = match custom_id {
                        Some(id) => id,
                        None => slugger.slug(&heading_text),
                    };
                    // The id keeps a shortcode's name (`:rocket: Go` is `#rocket-go`, as on
                    // GitHub); titles and tables of contents show the emoji.
                    let heading_text = match super::emoji::replace(heading_text.trim()) {
                        std::borrow::Cow::Borrowed(trimmed)
                            if trimmed.len() == heading_text.len() =>
                        {
                            heading_text
                        }
                        shown => shown.into_owned(),
                    };
                    if level == 1 && doc.title.is_none() {
                        doc.title = Some(heading_text.clone());
                    }
                    doc.anchors.insert(id.clone());
                    doc.headings.push(Heading {
                        level,
                        text: heading_text,
                        id,
                        offset,
                    });
                }
            }
            Event::Start(Tag::Paragraph)
                if for_pages
                    && doc.description.is_none()
                    && block_depth == 0
                    && items.is_empty() =>
            {
                paragraph = Some(String::new());
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(text) = paragraph.take()
                    && !text.trim().is_empty()
                {
                    doc.description = Some(super::emoji::replace(text.trim()).into_owned());
                }
            }
            Event::Start(Tag::BlockQuote(_)) | Event::Start(Tag::FootnoteDefinition(_)) => {
                block_depth += 1;
            }
            Event::End(TagEnd::BlockQuote(_)) | Event::End(TagEnd::FootnoteDefinition) => {
                block_depth = block_depth.saturating_sub(1);
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                doc.code_blocks += 1;
                if let pulldown_cmark::CodeBlockKind::Fenced(info) = &kind
                    && crate::highlight::fence_language(info) == Some("math")
                {
                    math_block = Some((range.start, String::new()));
                }
                if for_pages
                    && let pulldown_cmark::CodeBlockKind::Fenced(info) = kind
                    && let Some(language) = crate::highlight::fence_language(&info)
                    && crate::highlight::expects(language)
                {
                    code_block = Some((language.to_string(), String::new()));
                }
            }
            Event::Start(Tag::Item) => {
                let wanted = items.last().is_some_and(ItemFrame::may_be_module_item);
                items.push(ItemFrame {
                    text: wanted.then(String::new),
                    ..ItemFrame::default()
                });
            }
            Event::Start(Tag::List(_)) => {
                if let Some(frame) = items.last_mut() {
                    frame.nested_lists += 1;
                }
            }
            Event::End(TagEnd::List(_)) => {
                if let Some(frame) = items.last_mut() {
                    frame.nested_lists = frame.nested_lists.saturating_sub(1);
                }
            }
            Event::End(TagEnd::Item) => {
                if let Some(frame) = items.pop() {
                    if let Some((dest, offset, len)) = frame.link {
                        doc.items.push(LinkedItem {
                            dest,
                            link_text: display_text(&frame.link_text),
                            offset,
                            len,
                            heading_index: doc.headings.len().checked_sub(1),
                            topics: frame.children,
                        });
                    }
                    if let Some(parent) = items.last_mut()
                        && let Some(text) = frame.text
                    {
                        let own_text = display_text(&text);
                        if !own_text.is_empty() {
                            parent.children.push(own_text);
                        }
                    }
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                let kind = match link_type {
                    LinkType::Autolink | LinkType::Email => LinkKind::Autolink,
                    LinkType::Inline => LinkKind::Inline,
                    _ => LinkKind::Reference,
                };
                doc.links.push(DocLink {
                    dest: dest_url.to_string(),
                    offset: range.start,
                    len: range.len(),
                    kind,
                });
                if let Some(frame) = items.last_mut()
                    && frame.nested_lists == 0
                {
                    if frame.link.is_none() && !frame.has_text {
                        let len = text[range.clone()]
                            .lines()
                            .next()
                            .map_or(1, |l| l.chars().count());
                        frame.link = Some((dest_url.to_string(), range.start, len));
                        frame.in_link_depth = 1;
                    } else if frame.in_link_depth > 0 {
                        frame.in_link_depth += 1;
                    }
                }
            }
            Event::End(TagEnd::Link) => {
                if let Some(frame) = items.last_mut() {
                    frame.in_link_depth = frame.in_link_depth.saturating_sub(1);
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                image_depth += 1;
                doc.links.push(DocLink {
                    dest: dest_url.to_string(),
                    offset: range.start,
                    len: range.len(),
                    kind: LinkKind::Image,
                });
            }
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            Event::Start(Tag::HtmlBlock) => html_block = Some((String::new(), Vec::new())),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((html, pieces)) = html_block.take() {
                    scan_html(&mut doc, &html, |offset| {
                        // Map an offset in the joined block back to the source.
                        let mut joined_start = 0;
                        for &(source_start, len) in &pieces {
                            if offset < joined_start + len {
                                return source_start + offset - joined_start;
                            }
                            joined_start += len;
                        }
                        pieces.last().map_or(0, |&(s, l)| s + l)
                    });
                }
            }
            Event::Html(html) => match html_block.as_mut() {
                Some((joined, pieces)) => {
                    pieces.push((range.start, html.len()));
                    joined.push_str(&html);
                }
                None => scan_html(&mut doc, &html, |offset| range.start + offset),
            },
            Event::InlineHtml(html) => scan_html(&mut doc, &html, |offset| range.start + offset),
            Event::Text(text) | Event::Code(text) => {
                if for_pages {
                    doc.word_count += count_words(&text);
                }
                // An image's alt text is not part of a heading's text on GitHub, so not of its id.
                if let Some((_, _, _, heading_text)) = heading.as_mut()
                    && image_depth == 0
                {
                    heading_text.push_str(&text);
                }
                if let Some(paragraph) = paragraph.as_mut() {
                    paragraph.push_str(&text);
                }
                if let Some(frame) = items.last_mut()
                    && frame.nested_lists == 0
                {
                    frame.has_text = frame.has_text || !text.trim_start().is_empty();
                    if let Some(own_text) = frame.text.as_mut() {
                        own_text.push_str(&text);
                    }
                    if frame.in_link_depth > 0 {
                        frame.link_text.push_str(&text);
                    }
                }
            }
            Event::InlineMath(ref tex) | Event::DisplayMath(ref tex) => {
                let display = matches!(event, Event::DisplayMath(_));
                if let Err(reason) = super::math::to_mathml(tex, display) {
                    doc.math_errors.push((range.start, reason));
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(paragraph) = paragraph.as_mut() {
                    paragraph.push(' ');
                }
                if let Some(own_text) = items.last_mut().and_then(|f| f.text.as_mut()) {
                    own_text.push(' ');
                }
            }
            _ => {}
        }
    }
    if let Some(title) = doc
        .front_matter
        .as_ref()
        .and_then(|matter| matter.title.as_deref())
        .map(str::trim)
        .filter(|title| !title.is_empty())
    {
        doc.title = Some(title.to_string());
    }
    if doc.title.is_none() {
        doc.title = html_h1(text).or_else(|| doc.headings.first().map(|h| h.text.clone()));
    }
    if let Some(summary) = doc.front_matter.as_ref().and_then(|m| m.summary_text()) {
        doc.description = Some(summary.to_string());
    }
    doc
}

/// The text of the first HTML `<h1>` (`<h1 align="center">Title</h1>`, as READMEs centre
/// their title), tags such as badges' `<img>` and `<a>` stripped.
fn html_h1(text: &str) -> Option<String> {
    static H1: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static TAG: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    if !text.contains("<h1") && !text.contains("<H1") {
        return None;
    }
    let h1 = H1.get_or_init(|| {
        regex::Regex::new(r"(?is)<h1(?:\s[^>]*)?>(.*?)</h1\s*>").expect("valid regex")
    });
    let tag = TAG.get_or_init(|| regex::Regex::new(r"(?s)<[^>]*>").expect("valid regex"));
    let inner = h1.captures(text)?.get(1)?.as_str();
    let stripped = tag.replace_all(inner, " ");
    let title = collapse_whitespace(&raw_html::decode_entities(&stripped));
    (!title.is_empty()).then_some(title)
}

fn scan_html(doc: &mut ParsedDoc, html: &str, to_source: impl Fn(usize) -> usize) {
    if !html.contains('=') {
        return;
    }
    for attr in raw_html::attributes(html) {
        if raw_html::is_link(&attr) {
            doc.links.push(DocLink {
                dest: raw_html::decode_entities(attr.value).into_owned(),
                offset: to_source(attr.value_offset),
                len: attr.value.len(),
                kind: LinkKind::RawHtml,
            });
        } else if raw_html::is_anchor(&attr) && !attr.value.is_empty() {
            doc.anchors
                .insert(raw_html::decode_entities(attr.value).into_owned());
        }
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The number of words `split_whitespace` would find, without its per-character Unicode
/// test when the text is ASCII (code blocks are most of the text and nearly always are).
fn count_words(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    // ASCII's White_Space characters: tab, line feed, vertical tab, form feed, carriage
    // return and space. A word starts at each non-space byte after a space; counting those
    // pairs has no branch, so the compiler vectorizes it.
    let is_space = |byte: u8| matches!(byte, b'\t'..=b'\r' | b' ');
    let bytes = text.as_bytes();
    let first = bytes.first().is_some_and(|&b| !is_space(b));
    usize::from(first)
        + bytes
            .windows(2)
            .map(|pair| usize::from(is_space(pair[0]) & !is_space(pair[1])))
            .sum::<usize>()
}

/// Text as a list or card shows it: whitespace runs as one space, shortcodes as emoji.
fn display_text(text: &str) -> String {
    let text = super::emoji::replace(text);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_links_and_items_come_out_with_offsets() {
        let text = "# Title\n\nSummary *here*.\n\n## Setup {#custom}\n\n## Setup\n\n1. [Mod](../modules/a/README.md)\n    - Topic one\n    - Topic **two**\n\nSee <https://x.test> and ![i](img.png).\n";
        let doc = parse(text);
        assert_eq!(doc.title.as_deref(), Some("Title"));
        assert_eq!(doc.description.as_deref(), Some("Summary here."));
        let ids: Vec<_> = doc.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["title", "custom", "setup"]);
        assert_eq!(doc.items.len(), 1);
        let item = &doc.items[0];
        assert_eq!(item.dest, "../modules/a/README.md");
        assert_eq!(item.link_text, "Mod");
        assert_eq!(item.topics, ["Topic one", "Topic two"]);
        assert_eq!(item.heading_index, Some(2));
        assert_eq!(&text[item.offset..item.offset + 1], "[");
        let kinds: Vec<_> = doc.links.iter().map(|l| l.kind).collect();
        assert_eq!(
            kinds,
            [LinkKind::Inline, LinkKind::Autolink, LinkKind::Image]
        );
    }

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for text in [
            "",
            " ",
            "one",
            "  two words  ",
            "tab\tline\nfeed\x0bvertical\x0cform\rreturn",
            "no-break\u{a0}space is not ASCII",
            "ünïcödé words\u{2003}em space",
        ] {
            assert_eq!(
                count_words(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn topics_are_kept_only_under_module_items() {
        let doc = parse(
            "- Plain item\n    - not a topic\n- [Mod](m.md)\n    - Topic\n        - Deeper\n",
        );
        assert_eq!(doc.items.len(), 1);
        assert_eq!(doc.items[0].topics, ["Topic"]);
    }

    #[test]
    fn raw_html_link_values_are_read_as_a_browser_reads_them() {
        let doc = parse("<a href=\"a&amp;b.md\" id=\"x&amp;y\">x</a>\n");
        assert_eq!(doc.links[0].dest, "a&b.md");
        assert!(doc.has_anchor("x&y"));
    }

    #[test]
    fn image_alt_text_is_not_part_of_a_heading_id() {
        let doc = parse("## ![logo](logo.png) Getting Started\n");
        assert_eq!(doc.headings[0].id, "-getting-started");
    }

    #[test]
    fn raw_html_links_and_anchors_are_found() {
        let doc = parse(
            "<p align=\"center\">\n  <a href=\"x.md\" name=\"top\">x</a>\n</p>\n\nText <span id=\"here\"></span>\n",
        );
        assert_eq!(doc.links.len(), 1);
        assert_eq!(doc.links[0].kind, LinkKind::RawHtml);
        assert!(doc.has_anchor("top"));
        assert!(doc.has_anchor("here"));
    }

    #[test]
    fn a_raw_html_link_points_at_its_value() {
        let text =
            "<p>\n  <img\n    alt=\"x\"\n    src=\"pic.png\">\n</p>\n\nSee <a href='b.md'>b</a>.\n";
        let doc = parse(text);
        let spans: Vec<&str> = doc
            .links
            .iter()
            .map(|l| &text[l.offset..l.offset + l.len])
            .collect();
        assert_eq!(spans, ["pic.png", "b.md"]);
    }
}
