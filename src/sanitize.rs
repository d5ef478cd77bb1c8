//! Raw HTML from contributed Markdown made safe to publish.
//!
//! Learning-path repositories take pull requests from many people and publish what they
//! merge, so HTML in a README must not become script on a reader's page. [`clean`] keeps
//! the HTML READMEs really use (`<img>`, `<a>`, `<details>`/`<summary>`, `<kbd>`,
//! `<sup>`/`<sub>`, `<p align>`, `<div align>`, `<br>`, `<picture>`/`<source>`, tables,
//! `<span id>`) and the markup pathbook's own renderer emits (heading ids, `hl-` classes on
//! highlighted code, `<pre class="code" data-lang>`, task-list checkboxes, footnotes,
//! table alignment), and drops everything that runs or restyles the page: `<script>`,
//! `on*` handlers, `javascript:`/`vbscript:`/`data:` URLs (except `data:image/` in
//! `<img src>`), `<iframe>`, `<object>`, `<embed>`, `<form>`, `<style>`, `<link>`,
//! `<meta>`, `<base>`, `<svg>`, `<math>` and `style` attributes.
//!
//! The parsing and serialising is ammonia's (html5ever underneath), so the browser's
//! parsing rules, not a regular expression, decide what a tag is.

use ammonia::{Builder, Url};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// URL schemes a link or image may use; every other scheme is removed.
const URL_SCHEMES: &[&str] = &[
    "http", "https", "mailto", "tel", "ftp", "ftps", "sftp", "ssh", "git", "irc", "ircs", "news",
    "nntp", "sms", "xmpp", "magnet", "data",
];

/// Tags kept, with their content.
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "big",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "font",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "li",
    "mark",
    "nav",
    "ol",
    "p",
    "picture",
    "pre",
    "q",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "section",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Tags removed together with everything inside them: their content is code, a
/// stylesheet or raw text a browser would not show either. Other unknown tags (`<svg>`,
/// `<math>`, `<object>`, `<video>`...) lose the tag and keep their cleaned content, so an
/// unclosed one cannot swallow the rest of the page.
const CLEAN_CONTENT_TAGS: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "embed", "noscript", "noembed", "noframes",
    "template", "xmp", "textarea", "select", "title",
];

/// Attributes allowed on every kept tag.
const GENERIC_ATTRIBUTES: &[&str] = &["id", "class", "title", "lang", "dir", "align"];

/// Attributes allowed on particular tags.
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "name", "hreflang"]),
    (
        "img",
        &[
            "src", "alt", "width", "height", "loading", "border", "hspace", "vspace",
        ],
    ),
    (
        "source",
        &["srcset", "media", "type", "sizes", "width", "height"],
    ),
    ("details", &["open"]),
    ("ol", &["start", "type", "reversed"]),
    ("ul", &["type"]),
    ("li", &["value"]),
    ("pre", &["data-lang"]),
    ("input", &["type", "checked", "disabled"]),
    (
        "table",
        &["border", "cellpadding", "cellspacing", "width", "summary"],
    ),
    (
        "th",
        &["style", "colspan", "rowspan", "width", "valign", "scope"],
    ),
    ("td", &["style", "colspan", "rowspan", "width", "valign"]),
    ("col", &["span", "width"]),
    ("colgroup", &["span", "width"]),
    ("font", &["color", "size"]),
    ("hr", &["width", "size"]),
    ("time", &["datetime"]),
    ("del", &["datetime", "cite"]),
    ("ins", &["datetime", "cite"]),
    ("q", &["cite"]),
    ("blockquote", &["cite"]),
    ("abbr", &["title"]),
];

/// Class names kept: those pathbook's renderer and pulldown-cmark emit. Authors' own
/// classes go, so content cannot borrow the theme's classes to dress up as its interface.
fn is_kept_class(class: &str) -> bool {
    class.starts_with("hl-")
        || class.starts_with("language-")
        || class.starts_with("markdown-alert-")
        || matches!(
            class,
            "code"
                | "footnote-definition"
                | "footnote-reference"
                | "footnote-definition-label"
                | "task-list-item"
                | "contains-task-list"
        )
}

/// `data:` URLs survive only as an image source; anywhere else they can carry a page.
fn is_data_url(value: &str) -> bool {
    matches!(Url::parse(value.trim()), Ok(url) if url.scheme() == "data")
}

fn filter_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    match attribute {
        "class" => {
            let kept: Vec<&str> = value
                .split_ascii_whitespace()
                .filter(|c| is_kept_class(c))
                .collect();
            if kept.is_empty() {
                None
            } else {
                Some(Cow::Owned(kept.join(" ")))
            }
        }
        // Table alignment, as pulldown-cmark writes it, is the one style kept: a style
        // attribute can cover the page (`position: fixed`) or fake its interface.
        "style" => {
            let value = value.trim().trim_end_matches(';').trim();
            let align = value.strip_prefix("text-align:")?.trim();
            matches!(align, "left" | "center" | "right")
                .then(|| Cow::Owned(format!("text-align: {align}")))
        }
        "type" if element == "input" => value
            .eq_ignore_ascii_case("checkbox")
            .then_some(Cow::Borrowed(value)),
        "href" | "src" if is_data_url(value) => {
            let image = element == "img"
                && attribute == "src"
                && value.trim().to_ascii_lowercase().starts_with("data:image/");
            image.then_some(Cow::Borrowed(value))
        }
        _ => Some(Cow::Borrowed(value)),
    }
}

fn builder() -> &'static Builder<'static> {
    static BUILDER: OnceLock<Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let tag_attributes: HashMap<&str, HashSet<&str>> = TAG_ATTRIBUTES
            .iter()
            .map(|(tag, attrs)| (*tag, attrs.iter().copied().collect()))
            .collect();
        let mut builder = Builder::empty();
        builder
            .tags(TAGS.iter().copied().collect())
            .clean_content_tags(CLEAN_CONTENT_TAGS.iter().copied().collect())
            .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
            .tag_attributes(tag_attributes)
            .url_schemes(URL_SCHEMES.iter().copied().collect())
            .url_relative(ammonia::UrlRelative::PassThrough)
            .link_rel(None)
            .strip_comments(true)
            .attribute_filter(filter_attribute);
        builder
    })
}

/// Removes everything from `html` that could run script, load a foreign document or
/// restyle the page, keeping README-style markup and pathbook's own classes and ids.
pub fn clean(html: &str) -> String {
    // The HTML parser behind the sanitizer checks the stack of open elements for every tag,
    // so its cost grows with the square of the nesting: 40,000 nested `<div>`s took
    // seconds. Browsers stop nesting at 512 anyway. Past the limit the section is shown as
    // its escaped source, which keeps every word, and `check` reports it.
    if nesting_depth(html) > MAX_DEPTH {
        return format!("<pre><code>{}</code></pre>", escape_text(html));
    }
    builder().clean(html).to_string()
}

/// The deepest raw HTML nesting [`clean`] accepts; past it the section is shown as text.
pub const MAX_DEPTH: usize = 512;

/// Elements that never have content, so never nest.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// How deep `html`'s start tags nest, counted in one pass, as an upper bound of what a
/// parser would build (end tags that close nothing are not matched, only counted down).
pub fn nesting_depth(html: &str) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while let Some(found) = memchr_lt(&bytes[i..]) {
        let at = i + found;
        let rest = &bytes[at + 1..];
        if rest.starts_with(b"!--") {
            i = html[at..]
                .find("-->")
                .map_or(bytes.len(), |end| at + end + 3);
            continue;
        }
        let end = rest
            .iter()
            .position(|b| *b == b'>')
            .map_or(bytes.len(), |p| at + 1 + p);
        if rest.first() == Some(&b'/') {
            depth = depth.saturating_sub(1);
        } else if rest.first().is_some_and(u8::is_ascii_alphabetic) {
            let name_len = rest
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .unwrap_or(rest.len());
            let name = html[at + 1..at + 1 + name_len].to_ascii_lowercase();
            let self_closing = end > at && bytes[end - 1] == b'/';
            if !self_closing && !VOID.contains(&name.as_str()) {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
        i = (end + 1).min(bytes.len()).max(at + 1);
    }
    deepest
}

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|b| *b == b'<')
}

fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether a link or image destination as written in Markdown would be dropped by
/// [`clean`]: one with a scheme outside the safe list, or a `data:` URL. Markdown links
/// are not raw HTML, so the renderer asks this to know that a page needs cleaning.
pub fn is_unsafe_url(dest: &str) -> bool {
    // Browsers ignore tabs, newlines and leading control characters in a URL's scheme.
    let compact: String = dest
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(64)
        .collect::<String>()
        .to_ascii_lowercase();
    let Some((scheme, _)) = compact.split_once(':') else {
        return false;
    };
    let is_scheme = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme && (scheme == "data" || !URL_SCHEMES.contains(&scheme))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_script_urls_go() {
        let out = clean(
            r#"<p onclick="x()">a<script>alert(1)</script></p><img src=x onerror=alert(1)><a href="javascript:alert(1)">j</a><a href="JaVaScRiPt:alert(1)">k</a><a href="&#106;avascript:alert(1)">l</a>"#,
        );
        assert_eq!(out, r#"<p>a</p><img src="x"><a>j</a><a>k</a><a>l</a>"#);
    }

    #[test]
    fn readme_html_survives() {
        let html = r#"<p align="center"><a href="https://x.test"><img src="logo.png" alt="Logo" width="120"></a></p><details open=""><summary>More</summary><kbd>Ctrl</kbd>+<kbd>C</kbd> x<sup>2</sup> H<sub>2</sub>O<br></details><div align="right"><span id="here">h</span></div><picture><source srcset="dark.png" media="(prefers-color-scheme: dark)"><img src="light.png" alt=""></picture>"#;
        assert_eq!(clean(html), html);
    }

    #[test]
    fn pathbooks_own_markup_survives() {
        let html = concat!(
            r#"<h2 id="setup">Setup</h2>"#,
            r#"<pre class="code" data-lang="python"><code class="language-python"><span class="hl-keyword">def</span></code></pre>"#,
            r#"<table><thead><tr><th style="text-align: center">a</th></tr></thead></table>"#,
            r#"<ul><li><input disabled="" type="checkbox" checked="">done</li></ul>"#,
            r##"<sup class="footnote-reference"><a href="#1">1</a></sup>"##,
        );
        assert_eq!(clean(html), html);
    }

    #[test]
    fn styles_and_foreign_documents_go() {
        let out = clean(
            r#"<div style="position:fixed;top:0">x</div><style>body{display:none}</style><iframe src="https://evil.test"></iframe><form action="https://evil.test"><input type="password" name="p"></form><link rel="stylesheet" href="x.css"><meta http-equiv="refresh" content="0;url=https://evil.test"><base href="https://evil.test/">"#,
        );
        assert_eq!(out, r#"<div>x</div><input>"#);
    }

    #[test]
    fn data_urls_only_as_image_sources() {
        let out = clean(
            r#"<img src="data:image/png;base64,iVBORw0KGgo="><a href="data:text/html,<script>alert(1)</script>">d</a><img src="data:text/html,x">"#,
        );
        assert_eq!(
            out,
            r#"<img src="data:image/png;base64,iVBORw0KGgo="><a>d</a><img>"#
        );
    }

    #[test]
    fn unknown_classes_go_and_known_ones_stay() {
        assert_eq!(
            clean(r#"<span class="hl-string overlay">s</span><p class="modal">p</p>"#),
            r#"<span class="hl-string">s</span><p>p</p>"#
        );
    }

    #[test]
    fn unsafe_urls_are_recognised() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " java\tscript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,x",
            "data:image/png;base64,x",
        ] {
            assert!(is_unsafe_url(url), "{url}");
        }
        for url in [
            "https://x.test",
            "mailto:a@b.c",
            "../a/README.md",
            "#x",
            "a b:c",
        ] {
            assert!(!is_unsafe_url(url), "{url}");
        }
    }

    #[test]
    fn html_nested_past_the_limit_is_shown_as_text() {
        let deep = format!(
            "{}x{}",
            "<div>".repeat(MAX_DEPTH + 1),
            "</div>".repeat(MAX_DEPTH + 1)
        );
        assert_eq!(nesting_depth(&deep), MAX_DEPTH + 1);
        let cleaned = clean(&format!("{deep}<img src=x onerror=alert(1)>"));
        assert!(
            cleaned.starts_with("<pre><code>&lt;div&gt;"),
            "{}",
            &cleaned[..40]
        );
        assert!(!cleaned.contains("<img"));
        let siblings = "<p>a<br>b</p><img src=x/><!-- <div><div> -->".repeat(1000);
        assert_eq!(nesting_depth(&siblings), 1);
    }
}
