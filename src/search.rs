//! The search index `pathbook build` writes into `search/`, shaped for phones and for
//! `file://`: every file is a script that hands its data to `pathbookSearchLoaded(name,
//! data)` (a `<script>` tag loads where `fetch()` of local JSON fails), and a query
//! downloads only what it needs:
//!
//! ```text
//! search/index.js      the first term of every postings chunk (a few KB)
//! search/t/<n>.js      postings for a sorted run of terms: term → [df, "page.section:weight,..."]
//! search/p/<id>.js     one page: title, URL, kind and its sections' headings, anchors, text
//! ```
//!
//! Typing loads `index.js`, then the one or two chunks whose term range holds the typed
//! words, ranks pages from the postings alone, and loads the page files of the top results
//! for their headings and snippets. The tokenizer below is mirrored in `static/pathbook.js`.

use crate::load::Doc;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::collections::BTreeMap;

/// A page as search sees it.
pub struct Page {
    pub title: String,
    /// From the site root.
    pub url: String,
    /// `module`, `path`, `phase`, `track` or `page`.
    pub kind: &'static str,
    /// Where the page sits, e.g. the path and phase, shown under the result.
    pub context: String,
    /// Section 0 is the page's top (its title and introduction).
    pub sections: Vec<Section>,
}

pub struct Section {
    pub heading: String,
    /// The heading's id on the page; empty for the page's top.
    pub anchor: String,
    pub text: String,
}

/// Terms chunks aim at this many bytes.
const CHUNK_BYTES: usize = 24 * 1024;
/// A term keeps at most this many postings (the highest weighted): a word on every page
/// says little, and its list would dominate every chunk it sits in.
const MAX_POSTINGS: usize = 1500;
/// A section's text kept for snippets.
const SNIPPET_CHARS: usize = 1200;

const STOP_WORDS: &[&str] = &[
    "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "has", "have", "if", "in",
    "into", "is", "it", "its", "not", "of", "on", "or", "our", "so", "than", "that", "the",
    "their", "then", "these", "they", "this", "those", "to", "was", "we", "when", "which", "with",
    "you", "your",
];

/// A word as the index stores it: lowercased, a plural `s` removed.
pub fn stem(word: &str) -> String {
    let n = word.chars().count();
    if n > 4 && word.ends_with("ies") {
        return format!("{}y", &word[..word.len() - 3]);
    }
    if n > 4 && word.ends_with("sses") {
        return word[..word.len() - 2].to_string();
    }
    if n > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        return word[..word.len() - 1].to_string();
    }
    word.to_string()
}

/// The index terms of `text`, in order (repeats kept).
pub fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 2 && !STOP_WORDS.contains(&w.as_str()))
        .map(|w| stem(&w))
        .collect()
}

/// A document's sections: its top (text before the first heading after the title) and one
/// per heading, with plain text. Code blocks are left out: they bloat the index and rarely
/// hold the words a learner searches for.
pub fn doc_sections(doc: &Doc) -> Vec<Section> {
    let headings = &doc.parsed.headings;
    let mut sections = vec![Section {
        heading: String::new(),
        anchor: String::new(),
        text: String::new(),
    }];
    let mut index = 0usize;
    let mut in_heading = false;
    let mut in_code = false;
    let mut title_skipped = false;
    for event in Parser::new_ext(&doc.source.text, crate::markdown::options()) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let heading = headings.get(index);
                index += 1;
                // The page title (the first `#`, which pages show themselves) belongs to
                // the top section.
                if level == pulldown_cmark::HeadingLevel::H1 && !title_skipped {
                    title_skipped = true;
                    in_heading = true;
                    continue;
                }
                in_heading = true;
                sections.push(Section {
                    heading: heading.map(|h| h.text.clone()).unwrap_or_default(),
                    anchor: heading.map(|h| h.id.clone()).unwrap_or_default(),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(text) | Event::Code(text) if !in_heading && !in_code => {
                let section = sections.last_mut().expect("a section");
                section.text.push_str(&text);
            }
            Event::SoftBreak | Event::HardBreak if !in_heading => {
                sections.last_mut().expect("a section").text.push(' ');
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                sections.last_mut().expect("a section").text.push(' ');
            }
            _ => {}
        }
    }
    for section in &mut sections {
        section.text = section
            .text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
    }
    sections
}

/// The `search/` files, by path relative to the site root, and a version that changes with
/// their content (pages load `index.js?v=<version>`, so a rebuilt index is never mixed with
/// a cached one).
pub struct Index {
    pub files: BTreeMap<String, Vec<u8>>,
    pub version: String,
}

fn base36(mut n: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    if n == 0 {
        return "0".into();
    }
    let mut out = Vec::new();
    while n > 0 {
        out.push(DIGITS[n % 36]);
        n /= 36;
    }
    out.reverse();
    String::from_utf8(out).expect("ascii")
}

fn script(name: &str, data: &serde_json::Value) -> Vec<u8> {
    // `</` inside a string would end nothing here (these files are not inline), but keep the
    // output safe to inline anyway.
    let json = data.to_string().replace("</", "<\\/");
    format!(
        "pathbookSearchLoaded({},{json});\n",
        serde_json::Value::from(name)
    )
    .into_bytes()
}

fn truncate(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

struct Posting {
    page: usize,
    section: usize,
    weight: usize,
}

pub fn build(pages: &[Page]) -> Index {
    use rayon::prelude::*;
    // Weigh each page's terms on every core, then gather the postings in page order.
    let per_page: Vec<Vec<(String, Posting)>> = pages
        .par_iter()
        .enumerate()
        .map(|(page_id, page)| {
            let mut found = Vec::new();
            let title_terms = tokens(&page.title);
            for (section_id, section) in page.sections.iter().enumerate() {
                let mut weights: BTreeMap<String, usize> = BTreeMap::new();
                for term in tokens(&section.text) {
                    let w = weights.entry(term).or_default();
                    *w = (*w + 1).min(10);
                }
                let mut boost = |words: &[String], by: usize| {
                    let mut seen = std::collections::BTreeSet::new();
                    for term in words {
                        if seen.insert(term) {
                            *weights.entry(term.clone()).or_default() += by;
                        }
                    }
                };
                boost(&tokens(&section.heading), 10);
                if section_id == 0 {
                    boost(&title_terms, 20);
                }
                for (term, weight) in weights {
                    found.push((
                        term,
                        Posting {
                            page: page_id,
                            section: section_id,
                            weight: weight.min(35),
                        },
                    ));
                }
            }
            found
        })
        .collect();
    let mut by_term: std::collections::HashMap<String, Vec<Posting>> =
        std::collections::HashMap::new();
    for (term, posting) in per_page.into_iter().flatten() {
        by_term.entry(term).or_default().push(posting);
    }
    let mut terms: Vec<(String, Vec<Posting>)> = by_term.into_iter().collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));

    let mut files = BTreeMap::new();
    let mut chunk: serde_json::Map<String, serde_json::Value> = serde_json::Map::new();
    let mut chunk_bytes = 0usize;
    let mut firsts: Vec<String> = Vec::new();
    let mut postings_total = 0usize;
    let flush = |chunk: &mut serde_json::Map<String, serde_json::Value>,
                 files: &mut BTreeMap<String, Vec<u8>>,
                 firsts: &mut Vec<String>| {
        if chunk.is_empty() {
            return;
        }
        let name = format!("t/{}", firsts.len());
        firsts.push(chunk.keys().next().expect("non-empty").clone());
        let data = serde_json::Value::Object(std::mem::take(chunk));
        files.insert(format!("search/{name}.js"), script(&name, &data));
    };
    for (term, mut postings) in terms {
        let df = postings.len();
        if postings.len() > MAX_POSTINGS {
            postings.sort_by_key(|p| std::cmp::Reverse(p.weight));
            postings.truncate(MAX_POSTINGS);
            postings.sort_by_key(|p| (p.page, p.section));
        }
        postings_total += postings.len();
        let mut encoded = String::new();
        let mut last_page = 0usize;
        for (i, p) in postings.iter().enumerate() {
            if i > 0 {
                encoded.push(',');
            }
            encoded.push_str(&base36(p.page - last_page));
            last_page = p.page;
            if p.section != 0 {
                encoded.push('.');
                encoded.push_str(&base36(p.section));
            }
            if p.weight != 1 {
                encoded.push(':');
                encoded.push_str(&base36(p.weight));
            }
        }
        chunk_bytes += term.len() + encoded.len() + 12;
        chunk.insert(term, serde_json::json!([df, encoded]));
        if chunk_bytes >= CHUNK_BYTES {
            flush(&mut chunk, &mut files, &mut firsts);
            chunk_bytes = 0;
        }
    }
    flush(&mut chunk, &mut files, &mut firsts);

    let mut sections_total = 0usize;
    for (id, page) in pages.iter().enumerate() {
        sections_total += page.sections.len();
        let sections: Vec<serde_json::Value> = page
            .sections
            .iter()
            .map(|s| serde_json::json!([s.heading, s.anchor, truncate(&s.text, SNIPPET_CHARS)]))
            .collect();
        let name = format!("p/{id}");
        files.insert(
            format!("search/{name}.js"),
            script(
                &name,
                &serde_json::json!({
                    "t": page.title,
                    "u": page.url,
                    "k": page.kind,
                    "c": page.context,
                    "s": sections,
                }),
            ),
        );
    }

    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, bytes) in &files {
        for byte in name.as_bytes().iter().chain(bytes) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    let version = format!("{hash:016x}")[..10].to_string();
    files.insert(
        "search/index.js".into(),
        script(
            "index",
            &serde_json::json!({
                "v": 1,
                "h": version,
                "pages": pages.len(),
                "sections": sections_total,
                "postings": postings_total,
                "chunks": firsts,
            }),
        ),
    );
    Index { files, version }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_lowercased_stemmed_and_without_stop_words() {
        assert_eq!(
            tokens("The Feature Stores of ML libraries, classes & analysis: a x"),
            ["feature", "store", "ml", "library", "class", "analysis"]
        );
    }

    fn page(title: &str, body: &str) -> Page {
        Page {
            title: title.into(),
            url: "x/index.html".into(),
            kind: "module",
            context: String::new(),
            sections: vec![
                Section {
                    heading: String::new(),
                    anchor: String::new(),
                    text: "intro".into(),
                },
                Section {
                    heading: "Feature Stores".into(),
                    anchor: "feature-stores".into(),
                    text: body.into(),
                },
            ],
        }
    }

    #[test]
    fn the_index_has_chunks_pages_and_a_version() {
        let index = build(&[
            page("Data", "Feast serves features"),
            page("Other", "zebra"),
        ]);
        let names: Vec<&str> = index.files.keys().map(String::as_str).collect();
        assert!(names.contains(&"search/index.js"));
        assert!(names.contains(&"search/p/0.js") && names.contains(&"search/p/1.js"));
        let chunk = String::from_utf8(index.files["search/t/0.js"].clone()).unwrap();
        assert!(
            chunk.starts_with("pathbookSearchLoaded(\"t/0\","),
            "{chunk}"
        );
        // "feature" is in both pages' heading (10), and in page 0's body too (1): section 1,
        // weights 11 = "b" and 10 = "a", pages delta-encoded.
        assert!(chunk.contains("\"feature\":[2,\"0.1:b,1.1:a\"]"), "{chunk}");
        assert!(chunk.contains("\"zebra\":[1,\"1.1\"]"), "{chunk}");
        assert_eq!(index.version.len(), 10);
    }
}
