//! Links and anchors inside raw HTML (`<a href>`, `<img src>`, `id=`, `name=`), which
//! READMEs use for centred logos, `<details>` blocks and hand-made anchors.

use regex::Regex;
use std::sync::OnceLock;

pub struct HtmlAttribute<'a> {
    pub tag: &'a str,
    pub name: &'a str,
    pub value: &'a str,
    /// Byte offset of the value within the scanned text (just inside its quotes), so a
    /// finding points at the link itself, on its own line when the tag spans several.
    pub value_offset: usize,
}

fn tag_regex() -> &'static Regex {
    static TAG: OnceLock<Regex> = OnceLock::new();
    TAG.get_or_init(|| {
        Regex::new(
            r#"<!--[\s\S]*?(?:-->|$)|<([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>?"#,
        )
        .expect("valid regex")
    })
}

fn attribute_regex() -> &'static Regex {
    static ATTR: OnceLock<Regex> = OnceLock::new();
    ATTR.get_or_init(|| {
        Regex::new(r#"(?i)(?:^|\s)(href|src|id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"#)
            .expect("valid regex")
    })
}

/// Every `href`/`src`/`id`/`name` attribute in `html`, comments skipped.
pub fn attributes(html: &str) -> Vec<HtmlAttribute<'_>> {
    let mut found = Vec::new();
    for tag in tag_regex().captures_iter(html) {
        let (Some(tag_name), Some(attrs)) = (tag.get(1), tag.get(2)) else {
            continue; // a comment
        };
        for attr in attribute_regex().captures_iter(attrs.as_str()) {
            let name = attr.get(1).expect("name group").as_str();
            let value = attr.get(2).or_else(|| attr.get(3)).or_else(|| attr.get(4));
            // An empty quoted value has no match of its own: it sits before the closing quote.
            let value_offset = attrs.start()
                + value.map_or_else(
                    || attr.get(0).expect("whole attribute").end() - 1,
                    |m| m.start(),
                );
            found.push(HtmlAttribute {
                tag: tag_name.as_str(),
                name,
                value: value.map_or("", |m| m.as_str()),
                value_offset,
            });
        }
    }
    found
}

/// Whether an attribute is a link the checker should follow.
pub fn is_link(attr: &HtmlAttribute) -> bool {
    let tag = attr.tag.to_ascii_lowercase();
    let name = attr.name.to_ascii_lowercase();
    (name == "href" && matches!(tag.as_str(), "a" | "area" | "link"))
        || (name == "src" && matches!(tag.as_str(), "img" | "source" | "video" | "audio"))
}

/// Whether an attribute defines an anchor a fragment can point at.
pub fn is_anchor(attr: &HtmlAttribute) -> bool {
    let name = attr.name.to_ascii_lowercase();
    name == "id" || (name == "name" && attr.tag.eq_ignore_ascii_case("a"))
}

/// Rewrites link attributes in `html` with `rewrite`, leaving everything else byte for byte.
pub fn rewrite_links(html: &str, mut rewrite: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    for tag in tag_regex().captures_iter(html) {
        let (Some(tag_name), Some(attrs)) = (tag.get(1), tag.get(2)) else {
            continue;
        };
        for attr in attribute_regex().captures_iter(attrs.as_str()) {
            let name = attr.get(1).expect("name group").as_str();
            let probe = HtmlAttribute {
                tag: tag_name.as_str(),
                name,
                value: "",
                value_offset: 0,
            };
            if !is_link(&probe) {
                continue;
            }
            let Some(value) = attr.get(2).or_else(|| attr.get(3)).or_else(|| attr.get(4)) else {
                continue;
            };
            if let Some(new_value) = rewrite(&decode_entities(value.as_str())) {
                let start = attrs.start() + value.start();
                let end = attrs.start() + value.end();
                out.push_str(&html[last..start]);
                out.push_str(&super::escape::escape_attr(&new_value));
                last = end;
            }
        }
    }
    out.push_str(&html[last..]);
    out
}

/// An attribute value as a browser reads it: character references (`&amp;`, `&#38;`,
/// `&#x26;`, and the few named ones URLs use) decoded. Anything else is left as written.
pub fn decode_entities(value: &str) -> std::borrow::Cow<'_, str> {
    if !value.contains('&') {
        return value.into();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &rest[1..end];
            let ch = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((ch, end + 1))
        });
        match decoded {
            Some((ch, len)) => {
                out.push(ch);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.into()
}

#[cfg(test)]
mod tests {

    #[test]
    fn character_references_in_values_are_decoded() {
        assert_eq!(super::decode_entities("a&amp;b.md"), "a&b.md");
        assert_eq!(super::decode_entities("x&#38;y&#x26;z"), "x&y&z");
        assert_eq!(
            super::decode_entities("fish & chips&unknown;"),
            "fish & chips&unknown;"
        );
        assert_eq!(super::decode_entities("plain.md"), "plain.md");
    }

    use super::*;

    #[test]
    fn finds_links_and_anchors_but_not_in_comments() {
        let html = r#"<p align="center"><a href="docs/x.md#y"><img src='logo.png' alt=""></a></p>
<!-- <a href="hidden.md"> --><a name=top></a><div id="custom-id">"#;
        let attrs = attributes(html);
        let links: Vec<_> = attrs
            .iter()
            .filter(|a| is_link(a))
            .map(|a| a.value)
            .collect();
        let anchors: Vec<_> = attrs
            .iter()
            .filter(|a| is_anchor(a))
            .map(|a| a.value)
            .collect();
        assert_eq!(links, ["docs/x.md#y", "logo.png"]);
        let at: Vec<&str> = attrs
            .iter()
            .map(|a| &html[a.value_offset..a.value_offset + a.value.len()])
            .collect();
        assert_eq!(at, ["docs/x.md#y", "logo.png", "top", "custom-id"]);
        assert_eq!(anchors, ["top", "custom-id"]);
    }

    #[test]
    fn rewrites_only_link_values() {
        let out = rewrite_links(r#"<a id="k" href="a.md">x</a>"#, |v| Some(format!("{v}!")));
        assert_eq!(out, r#"<a id="k" href="a.md!">x</a>"#);
    }
}
