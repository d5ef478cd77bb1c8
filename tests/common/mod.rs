//! Helpers shared by the integration tests: run the real binary, copy fixtures, and crawl
//! built sites with a scanner that does not share code with pathbook.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pathbook"));
    command.env("NO_COLOR", "1").env_remove("CI");
    command
}

pub fn run(args: &[&str], dir: &Path) -> Output {
    bin()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run pathbook")
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// A private copy of a fixture, so tests may build into it and edit it.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let temp = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture(name), temp.path());
    temp
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

pub fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

fn decode_entities(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        if bytes[i] == b'%'
            && let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Attribute values of `name` in `html` (double-quoted, as pathbook and pulldown write).
pub fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let pattern = regex::Regex::new(&format!(r#"\s{name}="([^"]*)""#)).unwrap();
    pattern
        .captures_iter(html)
        .map(|c| decode_entities(&c[1]))
        .collect()
}

/// Every broken internal link in a built site: `(page, href, why)`. Links are resolved the
/// way a browser resolves them against a `file://` URL.
pub fn crawl(site: &Path) -> (usize, Vec<(String, String, String)>) {
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut pages = Vec::new();
    for entry in walkdir::WalkDir::new(site) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(site)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with(".html") {
            let html = read(entry.path());
            let mut page_ids: BTreeSet<String> =
                attribute_values(&html, "id").into_iter().collect();
            page_ids.extend(attribute_values(&html, "name"));
            ids.insert(rel.clone(), page_ids);
            pages.push((rel, html));
        }
    }
    let mut checked = 0;
    let mut broken = Vec::new();
    for (page, html) in &pages {
        if page == "404.html" {
            continue; // served at any depth; its links are root-absolute
        }
        let mut targets = attribute_values(html, "href");
        targets.extend(attribute_values(html, "src"));
        for target in targets {
            if target.contains("://")
                || target.starts_with("mailto:")
                || target.starts_with("data:")
            {
                continue;
            }
            checked += 1;
            let (path, fragment) = match target.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(percent_decode(f))),
                None => (target.clone(), None),
            };
            let resolved = if path.is_empty() {
                page.clone()
            } else {
                let mut parts: Vec<&str> = page.split('/').collect();
                parts.pop();
                let decoded = percent_decode(&path);
                let decoded: Vec<String> = decoded.split('/').map(str::to_string).collect();
                let mut parts: Vec<String> = parts.into_iter().map(str::to_string).collect();
                let mut outside = false;
                for part in decoded {
                    match part.as_str() {
                        "" | "." => {}
                        ".." => outside |= parts.pop().is_none(),
                        other => parts.push(other.to_string()),
                    }
                }
                if outside {
                    broken.push((page.clone(), target.clone(), "leaves the site".into()));
                    continue;
                }
                parts.join("/")
            };
            if !site.join(&resolved).is_file() {
                let why = if site.join(&resolved).is_dir() {
                    "is a folder (breaks on file://)"
                } else {
                    "no such file"
                };
                broken.push((page.clone(), target.clone(), why.into()));
                continue;
            }
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                let known = ids
                    .get(&resolved)
                    .is_some_and(|set| set.contains(&fragment));
                if !known {
                    broken.push((
                        page.clone(),
                        target.clone(),
                        format!("no id `{fragment}` in {resolved}"),
                    ));
                }
            }
        }
    }
    (checked, broken)
}
