//! GitHub-compatible heading ids.
//!
//! One function serves the renderer and the checker, so a fragment is valid exactly when the
//! rendered page carries that id, and a link that works on GitHub works on the site.

use unicode_general_category::{GeneralCategory, get_general_category};

/// The id GitHub derives from a heading's text: lowercase, every character that is not a
/// letter, mark, number, connector punctuation, space or hyphen dropped, spaces to hyphens.
/// Marks are kept on purpose: GitHub keeps emoji variation selectors (U+FE0F is a mark).
pub fn github_slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    // Most headings are ASCII: lowercasing byte by byte then needs no copy of the text.
    // `str::to_lowercase` stays for the rest, for its context rules (a final Σ is ς).
    if text.is_ascii() {
        for byte in text.bytes() {
            let ch = byte.to_ascii_lowercase() as char;
            if ch == ' ' || ch == '-' {
                slug.push('-');
            } else if ch.is_ascii_alphanumeric() || ch == '_' {
                slug.push(ch);
            }
        }
        return slug;
    }
    for ch in text.to_lowercase().chars() {
        if ch == ' ' || ch == '-' {
            slug.push('-');
        } else if is_kept(ch) {
            slug.push(ch);
        }
    }
    slug
}

fn is_kept(ch: char) -> bool {
    if ch.is_ascii_alphanumeric() || ch == '_' {
        return true;
    }
    if ch.is_ascii() {
        return false;
    }
    use GeneralCategory::*;
    matches!(
        get_general_category(ch),
        UppercaseLetter
            | LowercaseLetter
            | TitlecaseLetter
            | ModifierLetter
            | OtherLetter
            | NonspacingMark
            | SpacingMark
            | EnclosingMark
            | DecimalNumber
            | LetterNumber
            | OtherNumber
            | ConnectorPunctuation
    )
}

/// Hands out unique ids within one page the way GitHub does: the second `intro` is
/// `intro-1`, the third `intro-2`, skipping any suffix already taken.
#[derive(Default, Debug)]
pub struct Slugger {
    seen: foldhash::HashMap<String, usize>,
}

impl Slugger {
    pub fn unique(&mut self, base: String) -> String {
        if !self.seen.contains_key(&base) {
            self.seen.insert(base.clone(), 0);
            return base;
        }
        loop {
            let count = self.seen.get_mut(&base).expect("present");
            *count += 1;
            let candidate = format!("{base}-{count}");
            if !self.seen.contains_key(&candidate) {
                self.seen.insert(candidate.clone(), 0);
                return candidate;
            }
        }
    }

    /// Records an id chosen by the author (`{#custom}`) so later generated ids avoid it.
    pub fn reserve(&mut self, id: &str) {
        self.seen.entry(id.to_string()).or_insert(0);
    }

    pub fn slug(&mut self, text: &str) -> String {
        self.unique(github_slug(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_is_dropped_as_github_does() {
        assert_eq!(github_slug("CI/CD for ML"), "cicd-for-ml");
        assert_eq!(github_slug("x.509 certificates"), "x509-certificates");
        assert_eq!(
            github_slug("Framework Mastery (PyTorch/TensorFlow)"),
            "framework-mastery-pytorchtensorflow"
        );
        assert_eq!(github_slug("A/B Testing"), "ab-testing");
        assert_eq!(github_slug("C++ & Rust"), "c--rust");
        assert_eq!(github_slug("snake_case_name"), "snake_case_name");
    }

    #[test]
    fn unicode_letters_and_marks_are_kept() {
        assert_eq!(github_slug("Über Größe"), "über-größe");
        assert_eq!(github_slug("日本語の見出し"), "日本語の見出し");
        // U+26A0 is a symbol and goes; U+FE0F is a mark and stays, as on GitHub.
        assert_eq!(github_slug("⚠\u{FE0F} Warning"), "\u{FE0F}-warning");
        assert_eq!(github_slug("🚀 Launch"), "-launch");
    }

    #[test]
    fn duplicates_get_numbered_suffixes() {
        let mut slugger = Slugger::default();
        assert_eq!(slugger.slug("Intro"), "intro");
        assert_eq!(slugger.slug("Intro"), "intro-1");
        assert_eq!(slugger.slug("Intro"), "intro-2");
        assert_eq!(slugger.slug("Intro 1"), "intro-1-1");
    }
}
