//! `pathbook import-mdbook`: turn an mdBook (`book.toml` + `src/SUMMARY.md`) into a new
//! pathbook project, so an mdBook user can try pathbook on their own content in one
//! command. Parts become phases, top-level chapters become modules, nested chapters become
//! lessons inside their module (and the module's topics); links are rewritten to the new
//! places and assets are copied under `content/assets/`.

use crate::links::{join_inside_root, relative_url, split_fragment};
use crate::markdown::{LinkKind, parse};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct ImportError(pub String);

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ImportError {}

#[derive(Debug, Default)]
struct Chapter {
    title: String,
    /// Source path relative to the book's `src`, `None` for a draft.
    source: Option<String>,
    children: Vec<Chapter>,
}

#[derive(Debug, Default)]
struct Part {
    title: String,
    chapters: Vec<Chapter>,
}

#[derive(serde::Deserialize, Default)]
struct MdBookToml {
    #[serde(default)]
    book: MdBookSection,
    #[serde(default)]
    output: BTreeMap<String, toml::Value>,
    #[serde(default)]
    preprocessor: BTreeMap<String, toml::Value>,
}

#[derive(serde::Deserialize, Default)]
struct MdBookSection {
    title: Option<String>,
    description: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    src: Option<String>,
    language: Option<String>,
}

/// SUMMARY.md → parts of chapters. Prefix and suffix chapters go into a part of their own.
fn parse_summary(text: &str) -> Vec<Part> {
    let mut parts = vec![Part {
        title: "Introduction".into(),
        chapters: Vec::new(),
    }];
    let mut stack: Vec<Chapter> = Vec::new();
    let mut in_heading: Option<String> = None;
    let mut link: Option<(String, String)> = None;
    let mut seen_list = false;
    for event in Parser::new_ext(text, crate::markdown::options()) {
        match event {
            Event::Start(Tag::Heading { level, .. }) if level != HeadingLevel::H1 || seen_list => {
                in_heading = Some(String::new());
            }
            Event::Start(Tag::Heading { .. }) => in_heading = None,
            Event::End(TagEnd::Heading(_)) => {
                if let Some(title) = in_heading.take() {
                    parts.push(Part {
                        title: title.trim().to_string(),
                        chapters: Vec::new(),
                    });
                }
            }
            Event::Start(Tag::List(_)) => seen_list = true,
            Event::Start(Tag::Item) => stack.push(Chapter::default()),
            Event::End(TagEnd::Item) => {
                let chapter = stack.pop().expect("item started");
                match stack.last_mut() {
                    Some(parent) => parent.children.push(chapter),
                    None => parts.last_mut().expect("a part").chapters.push(chapter),
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                // Any H1 after the first chapter is a part title; only one before is the
                // book's own "Summary" heading.
                seen_list = true;
                link = Some((dest_url.to_string(), String::new()));
            }
            Event::End(TagEnd::Link) => {
                if let Some((dest, title)) = link.take() {
                    let chapter = match stack.last_mut() {
                        Some(chapter) => chapter,
                        None => {
                            // A prefix or suffix chapter: a link outside any list.
                            let part = parts.last_mut().expect("a part");
                            part.chapters.push(Chapter::default());
                            part.chapters.last_mut().expect("pushed")
                        }
                    };
                    chapter.title = title.trim().to_string();
                    let (path, _) = split_fragment(&dest);
                    chapter.source = (!path.is_empty()).then(|| crate::links::decode(path));
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(heading) = in_heading.as_mut() {
                    heading.push_str(&text);
                } else if let Some((_, title)) = link.as_mut() {
                    title.push_str(&text);
                } else if let Some(chapter) = stack.last_mut()
                    && chapter.source.is_none()
                {
                    // A draft chapter written as plain text.
                    chapter.title.push_str(&text);
                }
            }
            _ => {}
        }
    }
    parts.retain(|p| !p.chapters.is_empty());
    parts
}

fn slugify(title: &str, taken: &mut BTreeMap<String, usize>) -> String {
    let base = crate::slug::github_slug(title)
        .trim_matches('-')
        .to_string();
    let base = if base.is_empty() || base.contains(|c: char| !c.is_ascii_alphanumeric() && c != '-')
    {
        // Folder names travel through URLs and shells: keep them plain ASCII.
        let ascii: String = title
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let ascii = ascii
            .split('-')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        if ascii.is_empty() {
            "chapter".to_string()
        } else {
            ascii
        }
    } else {
        base
    };
    let count = taken.entry(base.clone()).or_insert(0);
    *count += 1;
    if *count == 1 {
        base
    } else {
        format!("{base}-{count}")
    }
}

fn read(path: &Path) -> Result<String, ImportError> {
    std::fs::read_to_string(path).map_err(|e| ImportError(format!("{}: {e}", path.display())))
}

fn write(path: &Path, text: &str) -> Result<(), ImportError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| ImportError(format!("{}: {e}", parent.display())))?;
    }
    std::fs::write(path, text).map_err(|e| ImportError(format!("{}: {e}", path.display())))
}

/// Rewrites every local link in `text` (a chapter that lived at `old_rel` in the book and
/// now lives at `new_rel` in the content root) to the new place of its target.
fn rewrite_links(
    text: &str,
    old_rel: &str,
    new_rel: &str,
    moved: &BTreeMap<String, String>,
) -> String {
    let doc = parse(text);
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for link in &doc.links {
        if link.dest.is_empty()
            || link.dest.starts_with('#')
            || crate::links::has_scheme(&link.dest)
            || link.kind == LinkKind::Autolink
        {
            continue;
        }
        let (path, _) = split_fragment(&link.dest);
        let Some(target) = join_inside_root(
            crate::discover::parent_of(old_rel),
            &crate::links::decode(path),
        ) else {
            continue;
        };
        let new_target = moved
            .get(&target)
            .cloned()
            .unwrap_or_else(|| format!("assets/{target}"));
        let fragment = link
            .dest
            .split_once('#')
            .map(|(_, f)| format!("#{f}"))
            .unwrap_or_default();
        let new_dest = format!("{}{fragment}", relative_url(new_rel, &new_target));
        // Replace the destination inside the link's own source text.
        let span = &text[link.offset..link.offset + link.len];
        if let Some(at) = span.find(link.dest.as_str()) {
            edits.push((link.offset + at, link.dest.len(), new_dest));
        }
    }
    let mut out = text.to_string();
    edits.sort_by_key(|(offset, _, _)| std::cmp::Reverse(*offset));
    for (offset, len, replacement) in edits {
        out.replace_range(offset..offset + len, &replacement);
    }
    out
}

pub fn import(book_dir: &Path, dest: &Path) -> Result<String, ImportError> {
    let toml_text = std::fs::read_to_string(book_dir.join("book.toml")).unwrap_or_default();
    let config: MdBookToml = toml::from_str(&toml_text)
        .map_err(|e| ImportError(format!("{}: {e}", book_dir.join("book.toml").display())))?;
    let src_name = config.book.src.as_deref().unwrap_or("src");
    let src = confined(book_dir, src_name).ok_or_else(|| {
        ImportError(format!(
            "{}: `src = {src_name:?}` names a folder outside the book",
            book_dir.join("book.toml").display()
        ))
    })?;
    let summary_path = src.join("SUMMARY.md");
    let summary = read(&summary_path)?;
    let parts = parse_summary(&summary);
    if parts.is_empty() {
        return Err(ImportError(format!(
            "{}: no chapters found",
            summary_path.display()
        )));
    }
    if dest.join("book.toml").exists() || dest.join("content").exists() {
        return Err(ImportError(format!(
            "{} already holds a pathbook project",
            dest.display()
        )));
    }
    let title = config
        .book
        .title
        .clone()
        .unwrap_or_else(|| "Imported book".into());

    // Plan where every chapter goes before writing, so links can be rewritten.
    let mut taken = BTreeMap::new();
    let mut moved: BTreeMap<String, String> = BTreeMap::new();
    let mut modules: Vec<(usize, String, &Chapter)> = Vec::new();
    // Chapters whose file lies outside the book's `src` (an absolute path, `..`, written
    // or percent-encoded, or a symlink out): SUMMARY.md may come from a contributor, and
    // the import must never copy a file from elsewhere on the machine into the site.
    let mut refused: Vec<String> = Vec::new();
    let mut inside = |source: &String| {
        let ok = confined(&src, source).is_some();
        if !ok && !refused.contains(source) {
            refused.push(source.clone());
        }
        ok
    };
    for (part_index, part) in parts.iter().enumerate() {
        for chapter in &part.chapters {
            let slug = slugify(&chapter.title, &mut taken);
            if let Some(source) = chapter.source.as_ref().filter(|s| inside(s)) {
                moved.insert(source.clone(), format!("modules/{slug}/README.md"));
            }
            let mut stack: Vec<&Chapter> = chapter.children.iter().collect();
            while let Some(child) = stack.pop() {
                if let Some(source) = child.source.as_ref().filter(|s| inside(s)) {
                    let name = source.rsplit('/').next().unwrap_or(source);
                    let name = if name.eq_ignore_ascii_case("readme.md")
                        || name.eq_ignore_ascii_case("index.md")
                    {
                        format!("{}.md", slugify(&child.title, &mut BTreeMap::new()))
                    } else {
                        name.to_string()
                    };
                    moved.insert(source.clone(), format!("modules/{slug}/{name}"));
                }
                stack.extend(child.children.iter());
            }
            modules.push((part_index, slug, chapter));
        }
    }

    let content = dest.join("content");
    let mut untranslated: Vec<String> = Vec::new();
    for (old, new) in &moved {
        let text = read(&src.join(old)).unwrap_or_default();
        let text = expand_includes(&text, &src, old, &mut untranslated);
        let text = hide_rust_lines(&text);
        write(&content.join(new), &rewrite_links(&text, old, new, &moved))?;
    }
    for (_, slug, chapter) in &modules {
        let readme = content.join(format!("modules/{slug}/README.md"));
        if chapter
            .source
            .as_ref()
            .is_none_or(|s| !moved.contains_key(s))
            || read(&readme).map(|t| t.trim().is_empty()).unwrap_or(true)
        {
            // Drafts and empty chapters still need a page to link to.
            write(
                &readme,
                &format!(
                    "# {}\n\nThis chapter has not been written yet.\n",
                    chapter.title
                ),
            )?;
        }
    }
    // Every other file of the book (images, downloads) keeps its place under assets/.
    for entry in walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = crate::discover::relative(&src, entry.path());
        if crate::discover::is_markdown(&rel) {
            continue;
        }
        let target = content.join("assets").join(&rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| ImportError(format!("{}: {e}", parent.display())))?;
        }
        std::fs::copy(entry.path(), &target)
            .map_err(|e| ImportError(format!("{}: {e}", entry.path().display())))?;
    }

    let path_slug = slugify(&title, &mut BTreeMap::new());
    let mut path = format!(
        "# {title}\n\n## Overview\n{}\n",
        config
            .book
            .description
            .clone()
            .unwrap_or_else(|| format!("Imported from the mdBook in `{}`.", book_dir.display()))
    );
    for (part_index, part) in parts.iter().enumerate() {
        path.push_str(&format!("\n## {}\n", part.title));
        for (number, (_, slug, chapter)) in modules
            .iter()
            .filter(|(p, _, _)| *p == part_index)
            .enumerate()
        {
            path.push_str(&format!(
                "{}. [{}](../modules/{slug}/README.md)\n",
                number + 1,
                chapter.title.replace(['[', ']'], "")
            ));
            let mut topics = Vec::new();
            let mut stack: Vec<&Chapter> = chapter.children.iter().rev().collect();
            while let Some(child) = stack.pop() {
                topics.push(child.title.clone());
                stack.extend(child.children.iter().rev());
            }
            for topic in topics {
                path.push_str(&format!("    - {topic}\n"));
            }
        }
    }
    write(&content.join(format!("paths/{path_slug}.md")), &path)?;
    let authors = config
        .book
        .authors
        .iter()
        .map(|a| format!("{a:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut book_toml = format!(
        "[book]\ntitle = {title:?}\nauthors = [{authors}]\nlanguage = {:?}\nsrc = \"content\"\n\n[build]\nbuild-dir = \"book\"\n",
        config.book.language.as_deref().unwrap_or("en")
    );
    let html = config.output.get("html").and_then(toml::Value::as_table);
    let mut carried = String::new();
    for key in ["site-url", "git-repository-url", "edit-url-template"] {
        if let Some(value) = html.and_then(|h| h.get(key)).and_then(toml::Value::as_str) {
            // mdBook's site-url is often only the path the book is served under ("/book/");
            // pathbook's is the full address, and refuses anything else.
            if value.starts_with("https://") || value.starts_with("http://") {
                carried.push_str(&format!("{key} = {value:?}\n"));
            } else {
                untranslated.push(format!("`output.html.{key} = {value:?}` is not a full http(s) address, which pathbook needs: set it in book.toml as `https://<host>{value}`"));
            }
        }
    }
    if !carried.is_empty() {
        book_toml.push_str(&format!("\n[output.html]\n{carried}"));
    }
    if html.is_some_and(|h| h.contains_key("edit-url-template")) {
        untranslated.push("`output.html.edit-url-template` was carried over, but chapters now live under `content/modules/`: `{path}` is the file's path from the project folder, so check the template's prefix".into());
    }
    for name in config.preprocessor.keys() {
        if name != "links" && name != "index" {
            untranslated.push(format!("preprocessor `{name}` is not run: pathbook has no preprocessors; its output must be written into the chapters"));
        }
    }
    for name in config.output.keys() {
        if name != "html" {
            untranslated.push(format!(
                "the `{name}` renderer has no pathbook equivalent and was left out"
            ));
        }
    }
    for key in [
        "additional-css",
        "additional-js",
        "theme",
        "mathjax-support",
    ] {
        if html.is_some_and(|h| h.contains_key(key)) {
            untranslated.push(format!("`output.html.{key}` was left out: put CSS or scripts in `static/` and templates in `templates/` (see docs/templates.md)"));
        }
    }
    if book_dir.join("theme").is_dir() {
        untranslated.push("the custom `theme/` folder was left out: pathbook's theme is overridden through `templates/` and `static/` (see docs/templates.md)".into());
    }
    write(&dest.join("book.toml"), &book_toml)?;
    let mut report = format!(
        "imported {} chapters in {} parts into {}",
        moved.len(),
        parts.len(),
        dest.display()
    );
    for item in &untranslated {
        report.push_str(&format!("\nnot translated: {item}"));
    }
    for source in &refused {
        report.push_str(&format!(
            "\nnot imported: {source:?} ({}: the file is outside the book's `{src_name}` folder; copy it in and link it by a relative path)",
            summary_path.display()
        ));
    }
    Ok(report)
}

/// mdBook's `{{#include file}}`, `{{#include file:anchor}}`, `{{#include file:10:20}}`
/// (`file:10:`, `file::20`, `file:10`), and the same for `{{#rustdoc_include}}`, resolved
/// from the chapter's folder; `{{#playground file}}` becomes a Rust code block. A file
/// outside the book's `src` is never read: the directive stays and is listed.
fn expand_includes(
    text: &str,
    src: &Path,
    chapter: &str,
    untranslated: &mut Vec<String>,
) -> String {
    if !text.contains("{{#") {
        return text.to_string();
    }
    static DIRECTIVE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let directive = DIRECTIVE.get_or_init(|| {
        regex::Regex::new(r"\{\{#(include|rustdoc_include|playground)\s+([^}\s]+)[^}]*\}\}")
            .expect("a valid pattern")
    });
    let folder = chapter.rsplit_once('/').map_or("", |(dir, _)| dir);
    directive
        .replace_all(text, |found: &regex::Captures| {
            let (kind, argument) = (&found[1], &found[2]);
            let mut pieces = argument.splitn(3, ':');
            let file = pieces.next().unwrap_or("");
            let first = pieces.next();
            let second = pieces.next();
            let relative = if folder.is_empty() {
                file.to_string()
            } else {
                format!("{folder}/{file}")
            };
            // `..` within the book (`../listings/x.rs` from a chapter folder) is fine;
            // the joined path, normalised, must stay under `src`.
            let normal = crate::links::join_inside_root("", &relative);
            let included = normal
                .as_deref()
                .and_then(|rel| confined(src, rel))
                .and_then(|path| std::fs::read_to_string(path).ok());
            let Some(included) = included else {
                untranslated.push(format!(
                    "`{}` in {chapter}: the file is missing or outside the book's source folder",
                    &found[0]
                ));
                return found[0].to_string();
            };
            let selected = select_lines(&included, first, second);
            if kind == "playground" {
                format!("```rust\n{}\n```", selected.trim_end())
            } else {
                selected.trim_end_matches('\n').to_string()
            }
        })
        .into_owned()
}

/// The lines an include asks for: an anchor's, a 1-based inclusive range, or all; mdBook's
/// `ANCHOR:` / `ANCHOR_END:` marker lines are left out.
fn select_lines(text: &str, first: Option<&str>, second: Option<&str>) -> String {
    let is_marker = |line: &str| line.contains("ANCHOR:") || line.contains("ANCHOR_END:");
    let lines: Vec<&str> = text.lines().collect();
    let chosen: Vec<&str> = match (first, second) {
        (None, _) | (Some(""), None) => lines,
        (Some(anchor), None) if anchor.parse::<usize>().is_err() => {
            let start = format!("ANCHOR: {anchor}");
            let end = format!("ANCHOR_END: {anchor}");
            lines
                .iter()
                .skip_while(|l| !l.trim_end().ends_with(&start))
                .skip(1)
                .take_while(|l| !l.trim_end().ends_with(&end))
                .copied()
                .collect()
        }
        (Some(from), to) => {
            let from = from.parse::<usize>().unwrap_or(1).max(1);
            let to = match to {
                None => from,
                Some("") => lines.len(),
                Some(to) => to.parse::<usize>().unwrap_or(lines.len()),
            };
            lines
                .iter()
                .skip(from - 1)
                .take(to.saturating_sub(from - 1))
                .copied()
                .collect()
        }
    };
    chosen
        .into_iter()
        .filter(|l| !is_marker(l))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// mdBook hides the lines of a Rust block that start with `# ` (or are just `#`): they
/// compile but are not shown. The imported page does not show them either.
fn hide_rust_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_rust = false;
    let mut fence = "";
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if !in_rust {
            if let Some(rest) = trimmed.strip_prefix("```") {
                let language = rest.trim().split([',', ' ']).next().unwrap_or("");
                if language == "rust" {
                    in_rust = true;
                    fence = "```";
                }
            }
            out.push_str(line);
            continue;
        }
        if trimmed.starts_with(fence) && trimmed.trim_end() == fence {
            in_rust = false;
            out.push_str(line);
            continue;
        }
        let content = line.trim_end_matches(['\n', '\r']).trim_start();
        if content == "#" || content.starts_with("# ") {
            continue;
        }
        out.push_str(line);
    }
    out
}

/// `relative` joined to `root` when it names something inside `root`: a relative path of
/// plain names whose real location (symlinks resolved) is still under `root`. A path
/// that does not exist yet is judged by its components alone.
fn confined(root: &Path, relative: &str) -> Option<PathBuf> {
    use std::path::Component;
    let relative = Path::new(relative);
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return None;
    }
    let joined = root.join(relative);
    match (joined.canonicalize(), root.canonicalize()) {
        (Ok(real), Ok(real_root)) => real.starts_with(&real_root).then_some(joined),
        _ => Some(joined),
    }
}

/// Where `import-mdbook` writes when no `--dest` is given.
pub fn default_dest(book_dir: &Path) -> PathBuf {
    let name = book_dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "book".into());
    PathBuf::from(format!("{name}-pathbook"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_parts_chapters_and_nesting() {
        let parts = parse_summary(
            "# Summary\n\n[Intro](intro.md)\n\n# Basics\n\n- [One](one.md)\n  - [One A](one/a.md)\n- [Draft]()\n\n# Advanced\n\n- [Two](two/README.md)\n",
        );
        let titles: Vec<_> = parts.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, ["Introduction", "Basics", "Advanced"]);
        assert_eq!(
            parts[1].chapters[0].children[0].source.as_deref(),
            Some("one/a.md")
        );
        assert_eq!(parts[1].chapters[1].source, None);
    }
}
