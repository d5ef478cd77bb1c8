//! Markdown → headings, links, module items and anchors (`pathbook::markdown::parse`),
//! then the same text → HTML with sanitizing on. Besides "no panic", it checks what the
//! rest of pathbook relies on: every offset the extraction reports is inside the text and
//! on a character boundary (validate.rs slices the source with them), heading ids are
//! unique unless an author wrote the same `{#id}` twice, and sanitized HTML has no
//! `<script` or event-handler attribute from the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pathbook::markdown::{self, LinkKind, html};
use pathbook::source::SourceFile;
use std::collections::HashSet;

fn assert_span(text: &str, offset: usize, len: usize, what: &str) {
    assert!(offset <= text.len(), "{what} offset {offset} past the end");
    assert!(
        text.is_char_boundary(offset),
        "{what} offset {offset} inside a character"
    );
    let end = offset.checked_add(len).expect("span overflows");
    assert!(end <= text.len(), "{what} span {offset}+{len} past the end");
    assert!(
        text.is_char_boundary(end),
        "{what} span end {end} inside a character"
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // As load.rs does: SourceFile drops a BOM and replaces NUL before parsing.
    let source = SourceFile::new("a.md".into(), "a.md".into(), text.to_string());
    let text = &source.text;
    let doc = markdown::parse(text);

    for link in &doc.links {
        assert_span(text, link.offset, link.len, "link");
        let position = source.position(link.offset);
        let _ = source.line_text(position.line);
    }
    for heading in &doc.headings {
        assert_span(text, heading.offset, 0, "heading");
        assert!((1..=6).contains(&heading.level));
    }
    for item in &doc.items {
        assert_span(text, item.offset, 0, "item");
        if let Some(i) = item.heading_index {
            assert!(i < doc.headings.len(), "item heading index out of range");
        }
    }
    let mut ids = HashSet::new();
    for heading in &doc.headings {
        let custom = text.contains(&format!("{{#{}", heading.id));
        assert!(
            ids.insert(heading.id.as_str()) || custom,
            "duplicate id {:?}",
            heading.id
        );
    }

    let rewrite = |dest: &str, _: LinkKind| {
        dest.strip_suffix("README.md")
            .map(|d| format!("{d}index.html"))
    };
    let rendered = html::render_whole(
        text,
        &html::HtmlOptions {
            headings: &doc.headings,
            rewrite: &rewrite,
            skip_title: true,
            split_level: Some(2),
            sanitize: true,
        },
    );
    if let Some(problem) = dangerous(&rendered) {
        panic!("{problem} survived sanitizing:\n{rendered}");
    }
});

/// Scans serialized HTML, where every `<` opens a tag (text has `&lt;`) and attribute
/// values are double-quoted, for a tag or attribute that would run script.
fn dangerous(html: &str) -> Option<String> {
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        i += 1;
        let name_start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        if matches!(
            name.as_str(),
            "script" | "iframe" | "object" | "embed" | "form" | "style" | "base" | "meta" | "link"
        ) {
            return Some(format!("<{name}>"));
        }
        // Attributes up to the closing `>`, skipping quoted values.
        loop {
            while i < bytes.len() && (bytes[i] as char).is_ascii_whitespace()
                || i < bytes.len() && bytes[i] == b'/'
            {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                break;
            }
            let attr_start = i;
            while i < bytes.len() && !matches!(bytes[i], b'=' | b'>' | b' ' | b'\t' | b'\n' | b'/')
            {
                i += 1;
            }
            let attr = html[attr_start..i].to_ascii_lowercase();
            let mut value = "";
            if i < bytes.len() && bytes[i] == b'=' {
                i += 1;
                if i < bytes.len() && bytes[i] == b'"' {
                    let start = i + 1;
                    let end = html[start..].find('"').map_or(html.len(), |e| start + e);
                    value = &html[start..end];
                    i = end + 1;
                } else {
                    let start = i;
                    while i < bytes.len() && !matches!(bytes[i], b'>' | b' ' | b'\t' | b'\n') {
                        i += 1;
                    }
                    value = &html[start..i];
                }
            }
            if attr.starts_with("on") {
                return Some(format!("<{name} {attr}>"));
            }
            if matches!(
                attr.as_str(),
                "href" | "src" | "action" | "formaction" | "xlink:href"
            ) {
                let compact: String = value
                    .replace("&amp;", "&")
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                let image = name == "img" && attr == "src" && compact.starts_with("data:image/");
                if compact.starts_with("javascript:")
                    || compact.starts_with("vbscript:")
                    || (compact.starts_with("data:") && !image)
                {
                    return Some(format!("<{name} {attr}={value:?}>"));
                }
            }
        }
    }
    None
}
