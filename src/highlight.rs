//! Build-time syntax highlighting with syntect into CSS classes, so one stylesheet serves
//! light and dark themes and a page needs no JavaScript to be read.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::{Read, Write};

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Fence labels that authors use but syntect does not know by that name.
fn canonical_language(lang: &str) -> &str {
    match lang {
        "shell" | "console" | "zsh" | "shell-session" => "bash",
        "py" | "python3" => "python",
        "yml" => "yaml",
        "js" | "jsx" | "mjs" | "ts" | "typescript" | "tsx" => "js",
        "rs" => "rust",
        "dockerfile" | "Dockerfile" => "bash",
        "jsonc" | "json5" => "json",
        other => other,
    }
}

/// The language named by a fence's info string (`python`, `rust,ignore`, `{.python}`).
pub fn fence_language(info: &str) -> Option<String> {
    let first = info
        .split(|c: char| c.is_whitespace() || c == ',')
        .next()?
        .trim_matches(|c| c == '{' || c == '}' || c == '.');
    (!first.is_empty()).then(|| first.to_string())
}

/// The inner HTML of a `<code>` element: highlighted spans, or escaped text when the
/// language is unknown. Results are cached by content, so a rebuild (in `serve`, or a
/// `build` that found the disk cache) highlights only blocks it has not seen before.
pub fn highlight(code: &str, lang: Option<&str>) -> Arc<str> {
    let key = cache_key(code, lang);
    if let Some(hit) = cache()
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .entries
        .get(&key)
    {
        return hit.clone();
    }
    let html: Arc<str> = highlight_uncached(code, lang).into();
    let mut cache = cache().write().unwrap_or_else(|e| e.into_inner());
    cache.entries.insert(key, html.clone());
    cache.dirty = true;
    html
}

fn highlight_uncached(code: &str, lang: Option<&str>) -> String {
    let set = syntaxes();
    let syntax = lang.and_then(|lang| {
        let lang = canonical_language(lang);
        set.find_syntax_by_token(lang)
            .or_else(|| set.find_syntax_by_token(&lang.to_ascii_lowercase()))
    });
    let Some(syntax) = syntax else {
        return escape(code);
    };
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return escape(code);
        }
    }
    generator.finalize()
}

#[derive(Default)]
struct Cache {
    entries: HashMap<u64, Arc<str>>,
    /// Entries were added since the cache was loaded, so it is worth saving.
    dirty: bool,
}

fn cache() -> &'static RwLock<Cache> {
    static CACHE: OnceLock<RwLock<Cache>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn cache_key(code: &str, lang: Option<&str>) -> u64 {
    // SipHash with fixed keys: stable across runs of one binary, which is what the disk
    // cache needs (its header names the binary's version).
    #[allow(deprecated)]
    let mut hasher = std::hash::SipHasher::new_with_keys(0x7061_7468, 0x626f_6f6b);
    lang.hash(&mut hasher);
    code.hash(&mut hasher);
    hasher.finish()
}

/// What a cache file must start with to be trusted: the tool and its version, since
/// different versions may highlight differently.
fn cache_header() -> String {
    format!(
        "pathbook-highlight-cache {} syntect-5\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// The cache file for a project, outside the project so nothing is ever written into it:
/// `$XDG_CACHE_HOME/pathbook/` (or `~/.cache/pathbook/`), one file per project folder.
pub fn cache_file(project_dir: &Path) -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    let project = project_dir.canonicalize().ok()?;
    let mut hasher = std::hash::DefaultHasher::new();
    project.hash(&mut hasher);
    Some(
        base.join("pathbook")
            .join(format!("highlight-{:016x}.bin", hasher.finish())),
    )
}

/// Loads a cache file written by [`save_cache`]; a missing, foreign or damaged file is
/// ignored (the cache only ever saves time).
pub fn load_cache(file: &Path) {
    let Ok(mut reader) = std::fs::File::open(file) else {
        return;
    };
    let mut bytes = Vec::new();
    if reader.read_to_end(&mut bytes).is_err() {
        return;
    }
    let header = cache_header();
    let Some(compressed) = bytes.strip_prefix(header.as_bytes()) else {
        return;
    };
    let Ok(bytes) = lz4_flex::block::decompress_size_prepended(compressed) else {
        return;
    };
    let mut rest = bytes.as_slice();
    let mut loaded = HashMap::new();
    while rest.len() >= 12 {
        let key = u64::from_le_bytes(rest[..8].try_into().expect("8 bytes"));
        let len = u32::from_le_bytes(rest[8..12].try_into().expect("4 bytes")) as usize;
        let Some(value) = rest.get(12..12 + len) else {
            return;
        };
        let Ok(html) = std::str::from_utf8(value) else {
            return;
        };
        loaded.insert(key, Arc::from(html));
        rest = &rest[12 + len..];
    }
    let mut cache = cache().write().unwrap_or_else(|e| e.into_inner());
    for (key, html) in loaded {
        cache.entries.entry(key).or_insert(html);
    }
}

/// Writes the cache when it gained entries, keeping only blocks used by the latest build
/// would be nicer; keeping all is simpler and the file stays a few MB.
pub fn save_cache(file: &Path) -> std::io::Result<()> {
    let cache = cache().read().unwrap_or_else(|e| e.into_inner());
    if !cache.dirty {
        return Ok(());
    }
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut raw = Vec::new();
    for (key, html) in &cache.entries {
        raw.extend_from_slice(&key.to_le_bytes());
        raw.extend_from_slice(&(html.len() as u32).to_le_bytes());
        raw.extend_from_slice(html.as_bytes());
    }
    drop(cache);
    // Highlighted HTML repeats its class names endlessly; LZ4 shrinks it about tenfold
    // and decompresses faster than the disk reads it.
    let compressed = lz4_flex::block::compress_prepend_size(&raw);
    let staging = file.with_extension(format!("tmp{}", std::process::id()));
    let mut out = std::fs::File::create(&staging)?;
    out.write_all(cache_header().as_bytes())?;
    out.write_all(&compressed)?;
    out.sync_all()?;
    std::fs::rename(&staging, file)
}

fn escape(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    pulldown_cmark_escape::escape_html_body_text(&mut out, code).expect("writing to a String");
    out
}

/// The stylesheet for highlighted code: a light theme, and a dark one that applies when
/// the reader chose dark or, with no choice, when the system prefers dark.
pub fn stylesheet() -> String {
    let themes = ThemeSet::load_defaults();
    let light = css_for_theme_with_class_style(&themes.themes["InspiredGitHub"], CLASS_STYLE)
        .unwrap_or_default();
    let dark = css_for_theme_with_class_style(&themes.themes["base16-ocean.dark"], CLASS_STYLE)
        .unwrap_or_default();
    format!(
        "/* Generated by pathbook from syntect themes. */\n{light}\n{}\n@media (prefers-color-scheme: dark) {{\n{}\n}}\n",
        scope_rules(&dark, ":root[data-theme=\"dark\"]"),
        scope_rules(&dark, ":root:not([data-theme=\"light\"])")
    )
}

/// Prefixes every selector in `css` with `scope`.
fn scope_rules(css: &str, scope: &str) -> String {
    css.lines()
        .map(|line| {
            if line.starts_with('.') {
                line.split(", ")
                    .map(|selector| format!("{scope} {selector}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_classes_and_unknown_ones_are_escaped() {
        let html = highlight("def f(x):\n    return x < 1\n", Some("python"));
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.contains("&lt;"), "{html}");
        assert_eq!(&*highlight("<b>", Some("no-such-lang")), "&lt;b&gt;");
        assert!(highlight("ls -la\n", Some("shell")).contains("hl-"));
    }

    #[test]
    fn the_disk_cache_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cache.bin");
        let first = highlight("let cached = 1;\n", Some("rust"));
        save_cache(&file).unwrap();
        load_cache(&file);
        assert_eq!(highlight("let cached = 1;\n", Some("rust")), first);
        // A damaged file is ignored, not trusted.
        std::fs::write(&file, b"pathbook-highlight-cache garbage").unwrap();
        load_cache(&file);
    }

    #[test]
    fn stylesheet_has_light_and_dark_rules() {
        let css = stylesheet();
        assert!(css.contains(".hl-code"));
        assert!(css.contains(":root[data-theme=\"dark\"] .hl-"));
        assert!(css.contains("prefers-color-scheme: dark"));
    }

    #[test]
    fn fence_info_strings() {
        assert_eq!(fence_language("rust,ignore").as_deref(), Some("rust"));
        assert_eq!(fence_language("{.python}").as_deref(), Some("python"));
        assert_eq!(fence_language(""), None);
    }
}
