//! Resolving a link as written to what it points at. The renderer uses this to rewrite
//! links to generated pages and the checker to report the ones that point nowhere: one
//! implementation, so the two can never disagree.

use crate::discover::{FileIndex, parent_of};
use percent_encoding::percent_decode_str;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A URL with a scheme (`https:`, `mailto:`) or protocol-relative `//host`.
    External,
    /// `#fragment` on the same page (the fragment percent-decoded; empty for a bare `#`).
    SamePage {
        fragment: String,
    },
    /// A file inside the content root that exists with this exact spelling.
    Local {
        rel: String,
        fragment: Option<String>,
        /// Whether the link named a folder and `rel` is that folder's README.
        via_folder: bool,
    },
    Problem(LinkProblem),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkProblem {
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    /// The link names a folder that exists but has no `README.md` or `index.md`, and carries
    /// no fragment. A site has no page to send it to; GitHub shows the folder's listing, so
    /// in a plain folder of Markdown it is fine.
    pub bare_folder: bool,
}

/// A link as quoted in a message: long ones (a 100,000-step `../` chain) are cut, so one
/// hostile link cannot flood a CI log.
pub fn quoted(text: &str) -> String {
    const LIMIT: usize = 200;
    if text.chars().count() <= LIMIT {
        return text.to_string();
    }
    let head: String = text.chars().take(LIMIT).collect();
    format!("{head}…")
}

fn problem(code: &'static str, message: String, help: Option<String>) -> Resolved {
    Resolved::Problem(LinkProblem {
        code,
        message,
        help,
        bare_folder: false,
    })
}

/// Whether `dest` starts with a URL scheme such as `https:` or `mailto:`.
pub fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    // A single letter is a Windows drive (`C:`), not a scheme.
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

pub fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// Splits `path?query#fragment` into the path and the decoded fragment.
pub fn split_fragment(dest: &str) -> (&str, Option<String>) {
    let (before_fragment, fragment) = match dest.split_once('#') {
        Some((before, fragment)) => (before, Some(decode(fragment))),
        None => (dest, None),
    };
    let path = before_fragment
        .split_once('?')
        .map_or(before_fragment, |(p, _)| p);
    (path, fragment)
}

/// Joins `relative` onto the folder `base` (both `/`-separated, relative to the root) and
/// folds `.` and `..`. `None` means the result would leave the root.
pub fn join_inside_root(base: &str, relative: &str) -> Option<String> {
    let base = if relative.starts_with('/') { "" } else { base };
    let mut parts: Vec<&str> = Vec::new();
    // The base is folded too, so no input, however odd, yields a `..` in the result.
    for part in base.split('/').chain(relative.split(['/', '\\'])) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

pub fn resolve(from_rel: &str, dest: &str, index: &FileIndex) -> Resolved {
    let dest = dest.trim();
    if dest.is_empty() {
        return problem("empty-link", "link has an empty destination".into(), None);
    }
    if let Some(fragment) = dest.strip_prefix('#') {
        return Resolved::SamePage {
            fragment: decode(fragment),
        };
    }
    if has_scheme(dest) || dest.starts_with("//") {
        return Resolved::External;
    }
    if dest
        .get(..4)
        .is_some_and(|start| start.eq_ignore_ascii_case("www."))
    {
        return problem(
            "schemeless-url",
            format!(
                "`{dest}` looks like a web address without a scheme; as written it is a relative file path"
            ),
            Some(format!("write `https://{dest}`")),
        );
    }
    let (path, fragment) = split_fragment(dest);
    // Borrowed unless the path has escapes: most links are resolved without a copy.
    let path = percent_decode_str(path).decode_utf8_lossy();
    if path.is_empty() {
        // `?query#x` with no path: the same page.
        return Resolved::SamePage {
            fragment: fragment.unwrap_or_default(),
        };
    }
    let Some(rel) = join_inside_root(parent_of(from_rel), &path) else {
        return problem(
            "outside-root",
            format!("`{}` points outside the content root", quoted(dest)),
            Some("links may only reach files inside the content root; link to the published URL instead".into()),
        );
    };
    if index.is_file(&rel) {
        return Resolved::Local {
            rel,
            fragment,
            via_folder: false,
        };
    }
    if index.is_dir(&rel) {
        for name in ["README.md", "index.md"] {
            let candidate = if rel.is_empty() {
                name.to_string()
            } else {
                format!("{rel}/{name}")
            };
            // GitHub shows a folder's readme whatever its case (`readme.md`, `Readme.md`).
            let found = if index.is_file(&candidate) {
                Some(candidate)
            } else {
                index
                    .case_insensitive(&candidate)
                    .filter(|real| crate::discover::parent_of(real) == rel)
                    .map(str::to_string)
            };
            if let Some(candidate) = found {
                return Resolved::Local {
                    rel: candidate,
                    fragment,
                    via_folder: true,
                };
            }
        }
        return Resolved::Problem(LinkProblem {
            code: "missing-file",
            message: format!(
                "folder `{}` has no README.md or index.md",
                display_rel(&rel)
            ),
            help: None,
            bare_folder: fragment
                .as_deref()
                .is_none_or(|f| f.is_empty() || f == "top"),
        });
    }
    if let Some(real) = index.case_insensitive(&rel) {
        return problem(
            "case-mismatch",
            format!(
                "`{path}` exists only with different letter case: `{real}`; it breaks on case-sensitive file systems and hosts"
            ),
            Some(format!(
                "the file is spelled `{}`",
                respell_case(&path, real)
            )),
        );
    }
    if looks_like_domain(&path) {
        return problem(
            "schemeless-url",
            format!(
                "`{}` looks like a web address without a scheme; as written it is a relative file path, and no such file exists",
                quoted(&path)
            ),
            Some(format!("write `https://{}`", quoted(&path))),
        );
    }
    let help = suggest_path(&rel, index).map(|(component, name)| {
        format!("did you mean `{}`?", respell(&path, &rel, component, name))
    });
    problem(
        "missing-file",
        format!("`{}` does not exist", quoted(&path)),
        help,
    )
}

/// A missing relative target whose first component reads as a host name
/// (`linkedin.com/in/x`): a web address written without `https://`. Only top-level domains
/// that are not also common file extensions count, so `notes.md` or `train.py` (Moldova,
/// Paraguay) stay missing files.
fn looks_like_domain(path: &str) -> bool {
    const DOMAINS: &[&str] = &[
        "com", "org", "net", "io", "dev", "ai", "co", "edu", "gov", "me", "app", "info", "xyz",
        "tech", "gg", "ly", "be", "tv", "uk", "de", "fr", "jp", "cn", "us", "ca", "au", "ru", "nl",
        "eu", "ch", "es", "it", "br", "in", "so", "to", "site", "blog", "page",
    ];
    let host = path.split('/').next().unwrap_or("");
    let Some((name, domain)) = host.rsplit_once('.') else {
        return false;
    };
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && DOMAINS.contains(&domain.to_ascii_lowercase().as_str())
}

/// For a path that does not exist, the first missing component and the closest existing
/// name in its folder.
fn suggest_path<'a>(rel: &str, index: &'a FileIndex) -> Option<(usize, &'a str)> {
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        let prefix = parts[..=i].join("/");
        if index.exists(&prefix) {
            continue;
        }
        let parent = parts[..i].join("/");
        return index.closest_child(&parent, part).map(|name| (i, name));
    }
    None
}

/// The written path with the component that resolved to `rel`'s `component`-th part
/// replaced by `name`, so the suggestion reads in the author's own relative form.
fn respell(written: &str, rel: &str, component: usize, name: &str) -> String {
    let rel_parts = rel.split('/').count();
    let mut written_parts: Vec<&str> = written.split('/').collect();
    let from_end = rel_parts - component;
    if from_end <= written_parts.len() {
        let at = written_parts.len() - from_end;
        if !matches!(written_parts[at], "" | "." | "..") {
            written_parts[at] = name;
            return written_parts.join("/");
        }
    }
    let mut parts: Vec<&str> = rel.split('/').collect();
    parts[component] = name;
    parts.join("/")
}

/// The written path with its trailing components spelled as on disk.
fn respell_case(written: &str, real: &str) -> String {
    let real_parts: Vec<&str> = real.split('/').collect();
    let mut written_parts: Vec<&str> = written.split('/').collect();
    for (w, r) in written_parts.iter_mut().rev().zip(real_parts.iter().rev()) {
        if matches!(*w, "" | "." | "..") {
            break;
        }
        *w = r;
    }
    written_parts.join("/")
}

fn display_rel(rel: &str) -> &str {
    if rel.is_empty() { "." } else { rel }
}

/// Relative URL from the page at `from` to `to` (both output paths like `a/b/index.html`).
pub fn relative_url(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = parent_of(from)
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to_parts.len().saturating_sub(1));
    let mut url = "../".repeat(from_dir.len() - common);
    url.push_str(&to_parts[common..].join("/"));
    without_scheme(url)
}

/// A relative URL whose first segment holds a `:` reads as a scheme: a file named
/// `javascript:alert(1)` linked from its own folder would become a script link. `./` in
/// front keeps it a path, to the same file.
pub fn without_scheme(url: String) -> String {
    let first = url.split(['/', '?', '#']).next().unwrap_or("");
    if first.contains(':') {
        format!("./{url}")
    } else {
        url
    }
}

/// The prefix that leads from the page at `page` back to the site root (`""` or `../..`/).
pub fn root_prefix(page: &str) -> String {
    "../".repeat(page.matches('/').count())
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_folder_readme_is_found_whatever_its_case() {
        let idx = index(&["guide/readme.md", "paths/p.md"]);
        let Resolved::Local { rel, .. } = resolve("paths/p.md", "../guide/#setup", &idx) else {
            panic!("not resolved");
        };
        assert_eq!(rel, "guide/readme.md");
    }

    use super::*;
    use std::collections::BTreeSet;

    fn index(files: &[&str]) -> FileIndex {
        let mut index = FileIndex::default();
        let mut dirs = BTreeSet::new();
        dirs.insert(String::new());
        for file in files {
            let mut parent = parent_of(file);
            while !parent.is_empty() {
                dirs.insert(parent.to_string());
                parent = parent_of(parent);
            }
        }
        for file in files {
            index.files.insert(file.to_string());
        }
        index.dirs = dirs;
        index.rebuild_case_map();
        index
    }

    #[test]
    fn resolves_files_folders_and_fragments() {
        let idx = index(&[
            "modules/a/README.md",
            "modules/b/index.md",
            "paths/p.md",
            "img/My Pic.png",
        ]);
        assert_eq!(
            resolve("paths/p.md", "../modules/a/README.md#x%20y", &idx),
            Resolved::Local {
                rel: "modules/a/README.md".into(),
                fragment: Some("x y".into()),
                via_folder: false
            }
        );
        assert_eq!(
            resolve("paths/p.md", "../modules/b/#f", &idx),
            Resolved::Local {
                rel: "modules/b/index.md".into(),
                fragment: Some("f".into()),
                via_folder: true
            }
        );
        assert_eq!(
            resolve("paths/p.md", "/img/My%20Pic.png", &idx),
            Resolved::Local {
                rel: "img/My Pic.png".into(),
                fragment: None,
                via_folder: false
            }
        );
        assert_eq!(
            resolve("paths/p.md", "https://x.test", &idx),
            Resolved::External
        );
        assert_eq!(
            resolve("paths/p.md", "#top", &idx),
            Resolved::SamePage {
                fragment: "top".into()
            }
        );
    }

    #[test]
    fn reports_each_kind_of_break() {
        let idx = index(&["modules/a/README.md", "paths/p.md", "empty/x.png"]);
        let code = |dest| match resolve("paths/p.md", dest, &idx) {
            Resolved::Problem(p) => p.code,
            other => panic!("{dest}: {other:?}"),
        };
        assert_eq!(code("../modules/a/readme.md"), "case-mismatch");
        assert_eq!(code("../modules/c/README.md"), "missing-file");
        assert_eq!(code("../../../etc/passwd"), "outside-root");
        assert_eq!(code(""), "empty-link");
        assert_eq!(code("www.example.com/x"), "schemeless-url");
        assert_eq!(code("linkedin.com/in/someone"), "schemeless-url");
        assert_eq!(code("github.com"), "schemeless-url");
        assert_eq!(code("notes.md"), "missing-file");
        assert_eq!(code("train.py"), "missing-file");
        assert_eq!(code("../empty"), "missing-file");
    }

    #[test]
    fn a_file_named_like_a_scheme_stays_a_relative_link() {
        assert_eq!(
            super::relative_url("modules/m/index.html", "modules/m/javascript:alert(1)"),
            "./javascript:alert(1)"
        );
        assert_eq!(super::relative_url("a/index.html", "b/c:d"), "../b/c:d");
    }

    #[test]
    fn suggestions_keep_the_authors_relative_form() {
        let idx = index(&["modules/alpha/README.md", "paths/p.md"]);
        let Resolved::Problem(p) = resolve("paths/p.md", "../modules/alpah/README.md", &idx) else {
            panic!()
        };
        assert_eq!(
            p.help.as_deref(),
            Some("did you mean `../modules/alpha/README.md`?")
        );
    }

    #[test]
    fn relative_urls_between_pages() {
        assert_eq!(
            relative_url("paths/p/index.html", "modules/a/index.html#x"),
            "../../modules/a/index.html#x"
        );
        assert_eq!(
            relative_url("index.html", "modules/index.html"),
            "modules/index.html"
        );
        assert_eq!(
            relative_url("modules/a/index.html", "modules/b/index.html"),
            "../b/index.html"
        );
        assert_eq!(
            relative_url("modules/a/index.html", "modules/a/img.png"),
            "img.png"
        );
        assert_eq!(root_prefix("paths/p/index.html"), "../../");
        assert_eq!(root_prefix("index.html"), "");
    }
}
