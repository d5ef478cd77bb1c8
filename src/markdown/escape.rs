//! Escaping for HTML text and attribute values, shared by the Markdown writer and the
//! raw-HTML rewriter (kept apart from both so neither imports the other for it).

/// `text` escaped for HTML text or a double-quoted attribute value.
pub fn escape_attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String");
    out
}
