//! Bare web addresses in text made links, as GitHub makes them: `https://…`, `http://…`
//! and `www.…` (which gets `http://`), without trailing punctuation or an unbalanced `)`.

use std::ops::Range;

/// The addresses in `text`: where each is and the URL it links to.
pub fn find(text: &str) -> Vec<(Range<usize>, String)> {
    if !text.contains("://") && !text.contains("www.") {
        return Vec::new();
    }
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    finder.url_must_have_scheme(false);
    finder
        .links(text)
        .filter_map(|link| {
            let found = link.as_str();
            let lower = found.get(..8).unwrap_or(found).to_ascii_lowercase();
            let href = if lower.starts_with("https://") || lower.starts_with("http://") {
                found.to_string()
            } else if lower.starts_with("www.") && found.len() > 4 {
                format!("http://{found}")
            } else {
                return None;
            };
            Some((link.start()..link.end(), href))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::find;

    fn hrefs(text: &str) -> Vec<(String, String)> {
        find(text)
            .into_iter()
            .map(|(range, href)| (text[range].to_string(), href))
            .collect()
    }

    #[test]
    fn addresses_are_found_as_github_finds_them() {
        assert_eq!(
            hrefs("See https://youtu.be/x1. Or (www.example.org/a), ok"),
            [
                ("https://youtu.be/x1".into(), "https://youtu.be/x1".into()),
                (
                    "www.example.org/a".into(),
                    "http://www.example.org/a".into()
                ),
            ]
        );
        assert_eq!(
            hrefs("https://en.wikipedia.org/wiki/Rust_(language)!"),
            [(
                "https://en.wikipedia.org/wiki/Rust_(language)".into(),
                "https://en.wikipedia.org/wiki/Rust_(language)".into()
            )]
        );
        // Without a scheme or `www.`, a domain stays text; so do other schemes.
        assert!(hrefs("example.com/x and ftp://x.org/y and file:///etc").is_empty());
    }
}
