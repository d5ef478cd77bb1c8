//! GitHub's emoji shortcodes (`:rocket:`) in text. Only names GitHub knows are replaced,
//! so `12:30:45` and `:not_an_emoji:` stay as written.

use std::borrow::Cow;

/// The longest shortcode GitHub has is under 40 bytes; a longer run between colons is
/// skipped without a lookup.
const LONGEST: usize = 64;

pub fn replace(text: &str) -> Cow<'_, str> {
    if !text.contains(':') {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut copied = 0;
    let mut search = 0;
    while let Some(start) = text[search..].find(':').map(|i| search + i) {
        let rest = &text[start + 1..];
        let end = rest
            .char_indices()
            .take_while(|&(i, c)| i <= LONGEST && is_name_char(c))
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
        if end > 0
            && rest[end..].starts_with(':')
            && let Some(emoji) = emojis::get_by_shortcode(&rest[..end])
        {
            out.push_str(&text[copied..start]);
            out.push_str(emoji.as_str());
            copied = start + 1 + end + 1;
            search = copied;
        } else {
            search = start + 1;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-')
}

#[cfg(test)]
mod tests {
    use super::replace;

    #[test]
    fn known_shortcodes_become_emoji_and_the_rest_stays() {
        assert_eq!(replace(":rocket: Launch"), "🚀 Launch");
        assert_eq!(replace("a :movie_camera: b :+1:"), "a 🎥 b 👍");
        assert_eq!(
            replace("at 12:30:45 :nope_nope: x:"),
            "at 12:30:45 :nope_nope: x:"
        );
        assert_eq!(replace("::rocket::"), ":🚀:");
        assert_eq!(replace("no colons"), "no colons");
    }
}
