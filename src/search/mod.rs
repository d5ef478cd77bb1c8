//! The search index `pathbook build` writes into `search/`, shaped for phones and for
//! `file://`: every file is a script that hands its data to `pathbookSearchLoaded(name,
//! data)` (a `<script>` tag loads where `fetch()` of local JSON fails), and a query
//! downloads only what it needs:
//!
//! ```text
//! search/index.js      the first term of every postings chunk, and how many pages each
//!                      page group holds (a few KB)
//! search/t/<n>.js      postings for a sorted run of terms: term → [df, "page.section:weight,..."]
//! search/g/<n>.js      a group of consecutive pages, about 16 KB: an array of records, each
//!                      a page's title, URL, kind and its sections' headings, anchors, text
//! ```
//!
//! Typing loads `index.js`, then the one or two chunks whose term range holds the typed
//! words, ranks pages from the postings alone, and loads the groups holding the top results
//! for their headings and snippets. The tokenizer below is mirrored in `static/pathbook.js`.

mod pages;

pub(crate) use pages::search_pages;

use crate::load::Doc;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::collections::{BTreeMap, HashMap};

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
/// Page groups aim at most at this many bytes of JSON (a page bigger than that sits alone).
/// Creating a file is what a build's disk does slowest, and one file per page was half of
/// a large site's files; but a query's top 8 results rarely share a group, so its download
/// grows with the group size. At 16 KB the 5,000-module corpus has 1,278 groups (from 5,161
/// page files), and a first query downloads 118–154 KB rather than 52–87 KB; 32 KB groups
/// would save another 690 files for 160–230 KB a query.
const GROUP_BYTES: usize = 16 * 1024;
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
    let mut stemmed = word.to_string();
    stem_in_place(&mut stemmed, word.chars().count());
    stemmed
}

/// [`stem`] on a word of `chars` characters, without allocating.
fn stem_in_place(word: &mut String, chars: usize) {
    let len = word.len();
    if chars > 4 && word.ends_with("ies") {
        word.truncate(len - 3);
        word.push('y');
    } else if chars > 4 && word.ends_with("sses") {
        word.truncate(len - 2);
    } else if chars > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        word.truncate(len - 1);
    }
}

/// The index terms of `text`, in order (repeats kept).
pub fn tokens(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for_each_term(text, &mut String::new(), |term| {
        terms.push(term.to_string())
    });
    terms
}

/// Calls `found` with each of [`tokens`]`(text)`, built in `word` rather than allocated.
fn for_each_term(text: &str, word: &mut String, mut found: impl FnMut(&str)) {
    for raw in text.split(|c: char| !c.is_alphanumeric()) {
        if raw.is_empty() {
            continue;
        }
        word.clear();
        let chars = if raw.is_ascii() {
            word.push_str(raw);
            word.make_ascii_lowercase();
            raw.len()
        } else {
            // `str::to_lowercase`, not per character: a final sigma lowercases differently.
            word.push_str(&raw.to_lowercase());
            word.chars().count()
        };
        if chars < 2 || is_stop_word(word) {
            continue;
        }
        stem_in_place(word, chars);
        found(word);
    }
}

/// Whether `word` is one of [`STOP_WORDS`], which are looked up for every word of every
/// page: packed into a `u64` each and placed in a small open-addressed table at compile
/// time, a lookup is a multiply and a probe or two.
fn is_stop_word(word: &str) -> bool {
    if word.len() > 7 {
        return false;
    }
    let key = word_key(word.as_bytes());
    let mut slot = stop_slot(key);
    loop {
        match STOP_TABLE[slot] {
            0 => return false,
            k if k == key => return true,
            _ => slot = (slot + 1) % STOP_TABLE.len(),
        }
    }
}

/// Up to 7 bytes and their count, as one number.
const fn word_key(word: &[u8]) -> u64 {
    let mut key = (word.len() as u64) << 56;
    let mut i = 0;
    while i < word.len() {
        key |= (word[i] as u64) << (8 * i);
        i += 1;
    }
    key
}

const fn stop_slot(key: u64) -> usize {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 57) as usize
}

const STOP_TABLE: [u64; 128] = {
    let mut table = [0u64; 128];
    let mut i = 0;
    while i < STOP_WORDS.len() {
        let word = STOP_WORDS[i].as_bytes();
        assert!(!word.is_empty() && word.len() <= 7);
        let key = word_key(word);
        let mut slot = stop_slot(key);
        while table[slot] != 0 {
            slot = (slot + 1) % 128;
        }
        table[slot] = key;
        i += 1;
    }
    table
};

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
    // Whitespace is collapsed as the text arrives (as `split_whitespace` + `join(" ")` would
    // after), so the text is written once.
    let mut space = false;
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
                push_collapsed(&mut section.text, &mut space, &text);
            }
            Event::SoftBreak | Event::HardBreak if !in_heading => space = true,
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => space = true,
            _ => {}
        }
    }
    sections
}

/// Appends `piece` to `text` with whitespace runs as one space and none leading or
/// trailing; `space` carries a pending run from one piece to the next.
fn push_collapsed(text: &mut String, space: &mut bool, piece: &str) {
    let mut words = piece.split_whitespace();
    let Some(first) = words.next() else {
        *space |= !piece.is_empty();
        return;
    };
    if (*space || piece.starts_with(char::is_whitespace)) && !text.is_empty() {
        text.push(' ');
    }
    text.push_str(first);
    for word in words {
        text.push(' ');
        text.push_str(word);
    }
    *space = piece.ends_with(char::is_whitespace);
}

/// The `search/` files, by path relative to the site root, and a version that changes with
/// their content (pages load `index.js?v=<version>`, so a rebuilt index is never mixed with
/// a cached one).
pub struct Index {
    pub files: BTreeMap<String, Vec<u8>>,
    pub version: String,
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

/// A number in base 36, written onto `out`.
fn push_base36(out: &mut String, mut n: usize) {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut digits = [0u8; 16];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = DIGITS[n % 36];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[at..]).expect("ascii"));
}

/// [`script`] for JSON written directly rather than through a `serde_json::Value`.
fn script_json(name: &str, json: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len() + name.len() + 32);
    out.extend_from_slice(b"pathbookSearchLoaded(");
    json_string(&mut out, name);
    out.push(b',');
    if json.windows(2).any(|pair| pair == b"</") {
        let json = String::from_utf8(json).expect("JSON is UTF-8");
        out.extend_from_slice(json.replace("</", "<\\/").as_bytes());
    } else {
        out.extend_from_slice(&json);
    }
    out.extend_from_slice(b");\n");
    out
}

/// A JSON string, escaped exactly as `serde_json::Value`'s `Display` escapes it.
fn json_string(out: &mut Vec<u8>, text: &str) {
    serde_json::to_writer(out, text).expect("writing to a Vec");
}

#[derive(Clone, Copy)]
struct Posting {
    page: u32,
    section: u32,
    weight: u32,
}

/// One page's distinct terms and its postings by term number.
struct PageTerms {
    /// Every term of the page, back to back; `terms` are ranges in it.
    text: String,
    terms: Vec<(usize, usize)>,
    /// (Term number, section, weight), sections in order.
    postings: Vec<(u32, u32, u32)>,
}

impl PageTerms {
    fn term(&self, n: usize) -> &str {
        let (start, end) = self.terms[n];
        &self.text[start..end]
    }
}

fn page_terms(page: &Page) -> PageTerms {
    // All of the page's tokens go into one string first, so the table that numbers them
    // can borrow them instead of allocating one string per term.
    let mut text = String::new();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut word = String::new();
    let mut collect = |source: &str| {
        let first = spans.len();
        for_each_term(source, &mut word, |term| {
            let start = text.len();
            text.push_str(term);
            spans.push((start, text.len()));
        });
        first..spans.len()
    };
    let title = collect(&page.title);
    let sections: Vec<_> = page
        .sections
        .iter()
        .map(|s| (collect(&s.text), collect(&s.heading)))
        .collect();
    let mut terms: Vec<(usize, usize)> = Vec::new();
    let numbers: Vec<u32> = {
        let mut by_term: HashMap<&str, u32> = HashMap::with_capacity(spans.len());
        spans
            .iter()
            .map(|&(start, end)| {
                *by_term.entry(&text[start..end]).or_insert_with(|| {
                    terms.push((start, end));
                    (terms.len() - 1) as u32
                })
            })
            .collect()
    };
    // By term number: its weight in the section at hand (0: not in it), and the last
    // section or title boost that counted it, so a repeated heading word counts once.
    let mut weights = vec![0u32; terms.len()];
    let mut boosted = vec![u32::MAX; terms.len()];
    let mut touched: Vec<u32> = Vec::new();
    let mut postings = Vec::new();
    let add = |n: u32, weights: &mut [u32], touched: &mut Vec<u32>, weight: fn(u32) -> u32| {
        let w = &mut weights[n as usize];
        if *w == 0 {
            touched.push(n);
        }
        *w = weight(*w);
    };
    for (section_id, (body, heading)) in sections.into_iter().enumerate() {
        let section_id = section_id as u32;
        for &n in &numbers[body] {
            add(n, &mut weights, &mut touched, |w| (w + 1).min(10));
        }
        // Sections count from 0, so `2 * id` and `2 * id + 1` tell the two boosts apart.
        for &n in &numbers[heading] {
            if std::mem::replace(&mut boosted[n as usize], 2 * section_id) != 2 * section_id {
                add(n, &mut weights, &mut touched, |w| w + 10);
            }
        }
        if section_id == 0 {
            for &n in &numbers[title.clone()] {
                if std::mem::replace(&mut boosted[n as usize], 1) != 1 {
                    add(n, &mut weights, &mut touched, |w| w + 20);
                }
            }
        }
        for n in touched.drain(..) {
            let weight = std::mem::take(&mut weights[n as usize]).min(35);
            postings.push((n, section_id, weight));
        }
    }
    PageTerms {
        text,
        terms,
        postings,
    }
}

pub fn build(pages: &[Page]) -> Index {
    use rayon::prelude::*;
    // Weigh each page's terms on every core, then gather the postings in page order: each
    // term's list ends up ordered by page, then section.
    let per_page: Vec<PageTerms> = pages.par_iter().map(page_terms).collect();
    let mut numbers: HashMap<&str, usize> = HashMap::new();
    let mut names: Vec<&str> = Vec::new();
    let mut lists: Vec<Vec<Posting>> = Vec::new();
    let mut global: Vec<usize> = Vec::new();
    for (page_id, page) in per_page.iter().enumerate() {
        // A term looked up once per page, on its first posting: title words of a page
        // without sections have none, and no place in the index.
        global.clear();
        global.resize(page.terms.len(), usize::MAX);
        for &(n, section, weight) in &page.postings {
            let global = &mut global[n as usize];
            if *global == usize::MAX {
                let term = page.term(n as usize);
                *global = *numbers.entry(term).or_insert_with(|| {
                    names.push(term);
                    lists.push(Vec::new());
                    names.len() - 1
                });
            }
            lists[*global].push(Posting {
                page: page_id as u32,
                section,
                weight,
            });
        }
    }
    drop(numbers);

    // Each term's `[df, "postings"]`, encoded on every core.
    let encoded: Vec<(usize, usize, String)> = lists
        .into_par_iter()
        .map(|mut postings| {
            let df = postings.len();
            if postings.len() > MAX_POSTINGS {
                postings.sort_by_key(|p| std::cmp::Reverse(p.weight));
                postings.truncate(MAX_POSTINGS);
                postings.sort_by_key(|p| (p.page, p.section));
            }
            let mut encoded = String::with_capacity(postings.len() * 4);
            let mut last_page = 0;
            for (i, p) in postings.iter().enumerate() {
                if i > 0 {
                    encoded.push(',');
                }
                push_base36(&mut encoded, (p.page - last_page) as usize);
                last_page = p.page;
                if p.section != 0 {
                    encoded.push('.');
                    push_base36(&mut encoded, p.section as usize);
                }
                if p.weight != 1 {
                    encoded.push(':');
                    push_base36(&mut encoded, p.weight as usize);
                }
            }
            (df, postings.len(), encoded)
        })
        .collect();
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.par_sort_unstable_by_key(|&n| names[n]);

    let mut files = BTreeMap::new();
    let mut firsts: Vec<String> = Vec::new();
    let mut postings_total = 0usize;
    let mut chunk: Vec<u8> = Vec::new();
    let mut chunk_bytes = 0usize;
    let flush = |chunk: &mut Vec<u8>, files: &mut BTreeMap<String, Vec<u8>>| {
        if chunk.is_empty() {
            return;
        }
        chunk.push(b'}');
        let name = format!("t/{}", files.len());
        files.insert(
            format!("search/{name}.js"),
            script_json(&name, std::mem::take(chunk)),
        );
    };
    for n in order {
        let term = names[n];
        let (df, kept, ref postings) = encoded[n];
        postings_total += kept;
        // The object a `serde_json::Map` (sorted by key, as the terms are) would write.
        if chunk.is_empty() {
            firsts.push(term.to_string());
            chunk.push(b'{');
        } else {
            chunk.push(b',');
        }
        json_string(&mut chunk, term);
        chunk.extend_from_slice(format!(":[{df},").as_bytes());
        json_string(&mut chunk, postings);
        chunk.push(b']');
        chunk_bytes += term.len() + postings.len() + 12;
        if chunk_bytes >= CHUNK_BYTES {
            flush(&mut chunk, &mut files);
            chunk_bytes = 0;
        }
    }
    flush(&mut chunk, &mut files);

    let sections_total = pages.iter().map(|p| p.sections.len()).sum::<usize>();
    let records: Vec<Vec<u8>> = pages.par_iter().map(page_json).collect();
    let groups = page_groups(&records);
    let mut group_sizes = String::with_capacity(groups.len() * 2);
    for (i, range) in groups.iter().enumerate() {
        if i > 0 {
            group_sizes.push(',');
        }
        push_base36(&mut group_sizes, range.len());
    }
    // Each group's records are freed as its file is made, so the records and the files
    // are not all held at once.
    let mut records = records.into_iter();
    let grouped: Vec<Vec<Vec<u8>>> = groups
        .iter()
        .map(|range| records.by_ref().take(range.len()).collect())
        .collect();
    let group_files: Vec<(String, Vec<u8>)> = grouped
        .into_par_iter()
        .enumerate()
        .map(|(n, records)| {
            let mut json =
                Vec::with_capacity(records.iter().map(|r| r.len() + 1).sum::<usize>() + 1);
            json.push(b'[');
            for (i, record) in records.into_iter().enumerate() {
                if i > 0 {
                    json.push(b',');
                }
                json.extend_from_slice(&record);
            }
            json.push(b']');
            let name = format!("g/{n}");
            (format!("search/{name}.js"), script_json(&name, json))
        })
        .collect();
    files.extend(group_files);

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
                "v": 2,
                "h": version,
                "pages": pages.len(),
                "sections": sections_total,
                "postings": postings_total,
                "chunks": firsts,
                "groups": group_sizes,
            }),
        ),
    );
    Index { files, version }
}

/// Consecutive pages, by their records' JSON, in groups of at most [`GROUP_BYTES`] as a JSON
/// array (but never empty).
fn page_groups(records: &[Vec<u8>]) -> Vec<std::ops::Range<usize>> {
    let mut groups = Vec::new();
    let mut start = 0;
    while start < records.len() {
        // The first record and the brackets, then a record and its comma at a time.
        let mut bytes = records[start].len() + 2;
        let mut end = start + 1;
        while let Some(record) = records.get(end) {
            let more = record.len() + 1;
            if bytes + more > GROUP_BYTES {
                break;
            }
            bytes += more;
            end += 1;
        }
        groups.push(start..end);
        start = end;
    }
    groups
}

/// A page's `{"c", "k", "s", "t", "u"}` object, keys in the order a `serde_json::Map`
/// keeps them.
fn page_json(page: &Page) -> Vec<u8> {
    let mut json = Vec::with_capacity(
        256 + page
            .sections
            .iter()
            .map(|s| s.heading.len() + s.anchor.len() + s.text.len().min(4 * SNIPPET_CHARS))
            .sum::<usize>(),
    );
    json.extend_from_slice(b"{\"c\":");
    json_string(&mut json, &page.context);
    json.extend_from_slice(b",\"k\":");
    json_string(&mut json, page.kind);
    json.extend_from_slice(b",\"s\":[");
    for (i, section) in page.sections.iter().enumerate() {
        if i > 0 {
            json.push(b',');
        }
        json.push(b'[');
        json_string(&mut json, &section.heading);
        json.push(b',');
        json_string(&mut json, &section.anchor);
        json.push(b',');
        match section.text.char_indices().nth(SNIPPET_CHARS) {
            Some((at, _)) => {
                // A cut snippet ends in an ellipsis, which needs no escaping.
                json_string(&mut json, &section.text[..at]);
                json.pop();
                json.extend_from_slice("…\"".as_bytes());
            }
            None => json_string(&mut json, &section.text),
        }
        json.push(b']');
    }
    json.extend_from_slice(b"],\"t\":");
    json_string(&mut json, &page.title);
    json.extend_from_slice(b",\"u\":");
    json_string(&mut json, &page.url);
    json.push(b'}');
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The implementation `build`, `doc_sections`, `tokens` and `stem` must keep matching
    /// byte for byte, as it was before they were made faster.
    mod before {
        use super::super::{
            CHUNK_BYTES, GROUP_BYTES, Index, MAX_POSTINGS, Page, SNIPPET_CHARS, STOP_WORDS,
            Section, script,
        };
        use crate::load::Doc;
        use pulldown_cmark::{Event, Parser, Tag, TagEnd};
        use std::collections::BTreeMap;

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

        fn truncate(text: &str, chars: usize) -> String {
            match text.char_indices().nth(chars) {
                Some((at, _)) => format!("{}…", &text[..at]),
                None => text.to_string(),
            }
        }

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

        pub fn tokens(text: &str) -> Vec<String> {
            text.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .filter(|w| w.chars().count() >= 2 && !STOP_WORDS.contains(&w.as_str()))
                .map(|w| stem(&w))
                .collect()
        }

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

        struct Posting {
            page: usize,
            section: usize,
            weight: usize,
        }

        pub fn build(pages: &[Page]) -> Index {
            use rayon::prelude::*;
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
            let mut groups: Vec<Vec<serde_json::Value>> = Vec::new();
            let mut group_bytes = 0usize;
            for page in pages {
                sections_total += page.sections.len();
                let sections: Vec<serde_json::Value> = page
                    .sections
                    .iter()
                    .map(|s| {
                        serde_json::json!([s.heading, s.anchor, truncate(&s.text, SNIPPET_CHARS)])
                    })
                    .collect();
                let record = serde_json::json!({
                    "t": page.title,
                    "u": page.url,
                    "k": page.kind,
                    "c": page.context,
                    "s": sections,
                });
                let bytes = record.to_string().len();
                match groups.last_mut() {
                    Some(group) if group_bytes + 1 + bytes <= GROUP_BYTES => {
                        group_bytes += 1 + bytes;
                        group.push(record);
                    }
                    _ => {
                        group_bytes = 2 + bytes;
                        groups.push(vec![record]);
                    }
                }
            }
            let group_sizes: Vec<String> = groups.iter().map(|g| base36(g.len())).collect();
            for (n, group) in groups.into_iter().enumerate() {
                let name = format!("g/{n}");
                files.insert(
                    format!("search/{name}.js"),
                    script(&name, &serde_json::Value::Array(group)),
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
                        "v": 2,
                        "h": version,
                        "pages": pages.len(),
                        "sections": sections_total,
                        "postings": postings_total,
                        "chunks": firsts,
                        "groups": group_sizes.join(","),
                    }),
                ),
            );
            Index { files, version }
        }
    }

    /// The corpus's documents as search pages (one per document, as modules are).
    fn corpus_pages(project: &crate::load::Project) -> Vec<Page> {
        project
            .docs
            .iter()
            .map(|(rel, doc)| Page {
                title: doc.parsed.title.clone().unwrap_or_else(|| rel.clone()),
                url: format!("{rel}.html"),
                kind: "module",
                context: "Module".into(),
                sections: doc_sections(doc),
            })
            .collect()
    }

    /// Times the search index of a project both ways:
    /// `PATHBOOK_SEARCH_CORPUS=<project dir> cargo test --release --lib search::tests::timing
    /// -- --ignored --nocapture`.
    #[test]
    #[ignore = "a measurement, not a check: prints the index build time for a project"]
    fn timing() {
        use rayon::prelude::*;
        use std::time::Instant;
        let root = std::env::var("PATHBOOK_SEARCH_CORPUS")
            .unwrap_or_else(|_| "/tmp/pathbook-bench/corpus-5000".into());
        let project =
            crate::load::Project::load(std::path::Path::new(&root), &Default::default()).unwrap();
        let docs: Vec<&Doc> = project.docs.values().map(|doc| &**doc).collect();
        let bytes: usize = docs.iter().map(|d| d.source.text.len()).sum();
        println!("{} documents, {} MB", docs.len(), bytes >> 20);
        let ms = |start: Instant| start.elapsed().as_secs_f64() * 1e3;
        for _ in 0..2 {
            let start = Instant::now();
            let theirs: Vec<Vec<Section>> = docs.iter().map(|d| before::doc_sections(d)).collect();
            let old_serial = ms(start);
            let start = Instant::now();
            let ours: Vec<Vec<Section>> = docs.iter().map(|d| doc_sections(d)).collect();
            let new_serial = ms(start);
            let start = Instant::now();
            let _: Vec<Vec<Section>> = docs.par_iter().map(|d| before::doc_sections(d)).collect();
            let old_parallel = ms(start);
            let start = Instant::now();
            let _: Vec<Vec<Section>> = docs.par_iter().map(|d| doc_sections(d)).collect();
            let new_parallel = ms(start);
            println!(
                "doc_sections: before {old_serial:.0} ms ({old_parallel:.0} ms on all cores), \
                 now {new_serial:.0} ms ({new_parallel:.0} ms on all cores)"
            );
            for (a, b) in theirs.iter().zip(&ours) {
                assert_eq!(a.len(), b.len());
                for (a, b) in a.iter().zip(b) {
                    assert!(a.heading == b.heading && a.anchor == b.anchor && a.text == b.text);
                }
            }
        }
        let pages = corpus_pages(&project);
        let postings: usize = pages
            .iter()
            .flat_map(|p| &p.sections)
            .map(|s| tokens(&s.text).len())
            .sum();
        println!("{} pages, {postings} tokens", pages.len());
        for _ in 0..2 {
            let start = Instant::now();
            let theirs = before::build(&pages);
            let old = ms(start);
            let start = Instant::now();
            let ours = build(&pages);
            let new = ms(start);
            println!("build: before {old:.0} ms, now {new:.0} ms");
            assert!(ours.files == theirs.files && ours.version == theirs.version);
        }
    }

    #[test]
    fn stop_words_are_recognised() {
        for word in STOP_WORDS {
            assert!(is_stop_word(word), "{word}");
            assert!(!is_stop_word(&format!("{word}x")), "{word}x");
            assert!(
                !is_stop_word(&word[1..]) || STOP_WORDS.contains(&&word[1..]),
                "{word}"
            );
        }
        for word in [
            "", "a", "i", "ab", "anx", "thes", "thos", "whic", "yours", "the\0",
        ] {
            assert!(!is_stop_word(word), "{word}");
        }
    }

    /// Words that take each branch of the tokenizer, in scripts where lowercasing changes
    /// the length or depends on the position in the word.
    const AWKWARD_TEXT: &str = "The Feature Stores of ML libraries, classes & analysis: a x \
        ΟΔΥΣΣΕΥΣ Σ ΣΑ İstanbul İİ ǅemal ß STRASSE Straße ﬁnance ＡＢＣ ١٢٣ x² ½ 二十 日本語 \
        naïve façade Ångström ÆSIR café's it's IS Is iS THE The tHe UNDER_SCORE a-b c.d \
        bus gas kiss thesis status ties dies cookies flies bosses glasses ss sss ies iess \
        açaís CAFÉS SERIES species ANALYSES\u{a0}NBSP\u{2003}EM\u{200b}ZW \u{301}accent \
        e\u{301}toiles 🚀rockets 12345 0x1F v2s s";

    #[test]
    fn tokens_and_stems_match_the_previous_implementation() {
        assert_eq!(tokens(AWKWARD_TEXT), before::tokens(AWKWARD_TEXT));
        for word in AWKWARD_TEXT.split_whitespace() {
            assert_eq!(tokens(word), before::tokens(word), "{word}");
            assert_eq!(stem(word), before::stem(word), "{word}");
            let lower = word.to_lowercase();
            assert_eq!(stem(&lower), before::stem(&lower), "{lower}");
        }
    }

    fn doc(text: &str) -> Doc {
        Doc {
            source: crate::source::SourceFile::new("x.md".into(), "x.md".into(), text.into()),
            parsed: crate::markdown::parse(text),
            stamp: None,
        }
    }

    #[test]
    fn doc_sections_match_the_previous_implementation() {
        let texts = [
            "",
            "# Only a title",
            "Text before any title\n\n# Title\n\nIntro\n",
            "# Title\n\n  Intro  with   spaces \n and a soft\nbreak and a hard  \nbreak.\n\n## A\n\ntext\n",
            "# T\n\n## Empty\n\n## Also empty\n\n### Deeper\n\nbody *em* **strong** `code`x`y` [link](u) ![alt text](i.png)\n",
            "# T\n\n- item one\n- item  two\n  - nested\n\n1. first\n2. second\n\n> quote\n> more\n",
            "# T\n\n| a | b |\n|---|---|\n| c  d | e |\n| `f` | |\n",
            "# T\n\n```rust\nfn hidden() {}\n```\n\n    indented code\n\nafter code\n",
            "# T\n\nA<br>B <span>inline html</span> C\n\n<div>\nblock html\n</div>\n\nD&amp;E &lt; &#x41;\n",
            "# T\n\nText[^1] with a footnote.\n\n[^1]: The note  text.\n\n~~struck~~ - [x] task\n",
            "# T\n\nTabs\there\u{a0}nbsp\u{2003}em space\u{3000}ideographic\r\nCRLF line\r\n",
            "# T {#custom}\n\nSetext heading\n---\n\ntext\n\n# Second H1\n\nmore\n",
            "Intro without title\n\n## First\n\ntext `with   code  spaces`  \n\n## Second ##\n",
            "# T\n\n## Heading with `code` and *em*\n\nx\n\n#### Four\n\n###### Six\n\ny\n",
            "# T\n\n\u{a0}\n\n \u{2003} \n\nword\u{a0}\n\n\u{a0}word\n",
        ];
        for text in texts {
            let doc = doc(text);
            let ours = doc_sections(&doc);
            let theirs = before::doc_sections(&doc);
            let show = |s: &[Section]| -> Vec<(String, String, String)> {
                s.iter()
                    .map(|s| (s.heading.clone(), s.anchor.clone(), s.text.clone()))
                    .collect()
            };
            assert_eq!(show(&ours), show(&theirs), "{text:?}");
        }
    }

    /// Pages shaped to reach every branch of `build`: terms on more pages than a term
    /// keeps, several chunks, snippets cut mid-character, `</`, quotes and control
    /// characters to escape, pages and sections with no words, titles without sections.
    fn generated_pages() -> Vec<Page> {
        let words: Vec<String> = AWKWARD_TEXT
            .split_whitespace()
            .map(String::from)
            .chain((0..1500).map(|i| format!("word{i}")))
            .collect();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let text = |n: usize, next: &mut dyn FnMut(usize) -> usize| {
            let mut out = String::new();
            for i in 0..n {
                if i > 0 {
                    out.push(if next(9) == 0 { '\n' } else { ' ' });
                }
                out.push_str(match next(40) {
                    0 => "</script>",
                    1 => "\"quoted\" back\\slash\ttab\u{1}",
                    2 => "common",
                    3 => "everywhere",
                    _ => &words[next(words.len())],
                });
            }
            out
        };
        let mut pages: Vec<Page> = (0..1700)
            .map(|i| {
                let sections = (0..next(5))
                    .map(|s| Section {
                        heading: if s == 0 && i % 7 != 0 {
                            String::new()
                        } else {
                            text(next(4), &mut next)
                        },
                        anchor: format!("s{s}"),
                        text: text(next(if i % 50 == 0 { 1500 } else { 60 }), &mut next),
                    })
                    .collect();
                Page {
                    title: format!("Page {i}: {}", text(next(5), &mut next)),
                    url: format!("p/{i}.html"),
                    kind: ["module", "path", "phase", "track", "page"][i % 5],
                    context: text(next(3), &mut next),
                    sections,
                }
            })
            .collect();
        // Every boost at once, and past the cap.
        pages.push(Page {
            title: "Common ground".into(),
            url: "top.html".into(),
            kind: "page",
            context: String::new(),
            sections: vec![Section {
                heading: "Common common".into(),
                anchor: String::new(),
                text: "common ".repeat(12),
            }],
        });
        pages
    }

    #[test]
    fn the_index_is_unchanged_and_deterministic() {
        let pages = generated_pages();
        let index = build(&pages);
        let before = before::build(&pages);
        assert_eq!(
            index.files.keys().collect::<Vec<_>>(),
            before.files.keys().collect::<Vec<_>>()
        );
        for (name, bytes) in &before.files {
            let ours = &index.files[name];
            let at = ours.iter().zip(bytes).take_while(|(a, b)| a == b).count();
            assert!(ours == bytes, "{name} differs from byte {at}");
        }
        assert_eq!(index.version, before.version);
        let count = |dir: &str| index.files.keys().filter(|n| n.starts_with(dir)).count();
        assert!(count("search/t/") > 10, "several term chunks");
        assert!(count("search/g/") > 10, "several page groups");
        // The same on one thread as on many.
        let one_thread = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| build(&pages));
        assert!(one_thread.files == index.files && one_thread.version == index.version);
        // And as recorded when pages' records went into groups (with `h`, the version, in
        // index.js), should both change.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for (name, bytes) in &index.files {
            for byte in name.as_bytes().iter().chain(bytes) {
                hash ^= u64::from(*byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        assert_eq!(
            format!("{hash:016x} {}", index.version),
            "a3c3c573018fe771 9b859a24b5"
        );
    }

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
        assert_eq!(
            names,
            ["search/g/0.js", "search/index.js", "search/t/0.js"],
            "both pages in one group"
        );
        let chunk = String::from_utf8(index.files["search/t/0.js"].clone()).unwrap();
        assert!(
            chunk.starts_with("pathbookSearchLoaded(\"t/0\","),
            "{chunk}"
        );
        // "feature" is in both pages' heading (10), and in page 0's body too (1): section 1,
        // weights 11 = "b" and 10 = "a", pages delta-encoded.
        assert!(chunk.contains("\"feature\":[2,\"0.1:b,1.1:a\"]"), "{chunk}");
        assert!(chunk.contains("\"zebra\":[1,\"1.1\"]"), "{chunk}");
        let group = String::from_utf8(index.files["search/g/0.js"].clone()).unwrap();
        let data: serde_json::Value = serde_json::from_str(
            group
                .strip_prefix("pathbookSearchLoaded(\"g/0\",")
                .and_then(|rest| rest.strip_suffix(");\n"))
                .expect("a script"),
        )
        .unwrap();
        assert_eq!(data[0]["t"], "Data");
        assert_eq!(data[1]["t"], "Other");
        assert_eq!(
            data[1]["s"][1],
            serde_json::json!(["Feature Stores", "feature-stores", "zebra"])
        );
        let main = String::from_utf8(index.files["search/index.js"].clone()).unwrap();
        assert!(main.contains("\"groups\":\"2\""), "{main}");
        assert_eq!(index.version.len(), 10);
    }

    #[test]
    fn page_groups_are_consecutive_full_and_within_the_budget() {
        let mut pages = generated_pages();
        // A page bigger than a group on its own.
        pages.insert(
            100,
            Page {
                title: "Big".into(),
                url: "big.html".into(),
                kind: "module",
                context: String::new(),
                sections: (0..30)
                    .map(|s| Section {
                        heading: format!("Part {s}"),
                        anchor: format!("part-{s}"),
                        text: "long text ".repeat(200),
                    })
                    .collect(),
            },
        );
        let index = build(&pages);
        let main = String::from_utf8(index.files["search/index.js"].clone()).unwrap();
        let main: serde_json::Value =
            serde_json::from_str(&main["pathbookSearchLoaded(\"index\",".len()..main.len() - 3])
                .unwrap();
        let sizes: Vec<usize> = main["groups"]
            .as_str()
            .unwrap()
            .split(',')
            .map(|n| usize::from_str_radix(n, 36).unwrap())
            .collect();
        assert_eq!(sizes.iter().sum::<usize>(), pages.len());
        // A group's bytes as `build` counts them: its JSON before `</` is escaped.
        let unescaped = |record: &serde_json::Value| record.to_string().len();
        let mut page = 0;
        let mut groups = Vec::new();
        for (n, &size) in sizes.iter().enumerate() {
            let name = format!("g/{n}");
            let file =
                String::from_utf8(index.files[&format!("search/{name}.js")].clone()).unwrap();
            let json = &file[format!("pathbookSearchLoaded(\"{name}\",").len()..file.len() - 3];
            let group: Vec<serde_json::Value> = serde_json::from_str(json).unwrap();
            assert_eq!(group.len(), size, "{name}");
            let bytes = 1 + group.iter().map(|r| unescaped(r) + 1).sum::<usize>();
            assert!(size == 1 || bytes <= GROUP_BYTES, "{name}: {bytes} bytes");
            for record in &group {
                assert_eq!(record["t"], pages[page].title.as_str(), "{name}");
                page += 1;
            }
            groups.push((bytes, group));
        }
        assert_eq!(
            index.files.len(),
            1 + sizes.len() + main["chunks"].as_array().unwrap().len()
        );
        // Full: each group's next page would not have fitted.
        for pair in groups.windows(2) {
            assert!(pair[0].0 + unescaped(&pair[1].1[0]) + 1 > GROUP_BYTES);
        }
        let big = sizes.iter().scan(0, |at, &n| {
            *at += n;
            Some((*at - n, n))
        });
        assert!(
            big.into_iter().any(|(first, n)| first == 100 && n == 1),
            "{sizes:?}"
        );
        assert!(sizes.iter().any(|&n| n > 3), "small pages share a group");
    }
}
