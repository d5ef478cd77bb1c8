//! The built-in theme is embedded in the binary, so `pathbook build` works in a folder
//! that has only content; a project's `templates/` and `static/` override single files.

use std::path::Path;

/// The default templates, from this repository's `templates/` folder.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("nav.html", include_str!("../templates/nav.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("path.html", include_str!("../templates/path.html")),
    ("phase.html", include_str!("../templates/phase.html")),
    ("track.html", include_str!("../templates/track.html")),
    ("module.html", include_str!("../templates/module.html")),
    ("modules.html", include_str!("../templates/modules.html")),
    ("page.html", include_str!("../templates/page.html")),
    ("404.html", include_str!("../templates/404.html")),
    ("print.html", include_str!("../templates/print.html")),
];

/// The default static files, from this repository's `static/` folder.
const STATIC: &[(&str, &str)] = &[
    ("pathbook.css", include_str!("../static/pathbook.css")),
    ("pathbook.js", include_str!("../static/pathbook.js")),
    // Mermaid (MIT, from npm; src/vendor/, not static/, because the repository root is also
    // the shipped site's project and its static/ folder is published as is), loaded by
    // pathbook.js only on pages with a diagram.
    ("mermaid.min.js", include_str!("vendor/mermaid.min.js")),
];

pub struct Templates {
    tera: tera::Tera,
    /// Changes with any template's text, so a build knows which pages it can reuse.
    pub fingerprint: u64,
    /// No template is overridden or added: the pages are the built-in theme's, whose use
    /// of each context variable is known.
    pub builtin: bool,
}

/// A template that does not parse, named with its file and the parser's account of where.
#[derive(Debug)]
pub struct TemplateError(pub String);

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TemplateError {}

/// Tera nests the useful part of its errors in `source()`; show the whole chain.
fn describe(err: &tera::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// A template parse error as `templates/NAME:LINE:COL: what went wrong`, from Tera's
/// nested error (`Failed to parse 'NAME'` over a pest report with ` --> LINE:COL`).
fn parse_error(err: &tera::Error) -> String {
    let full = describe(err);
    let name = full.split('\'').nth(1).unwrap_or("");
    let position = full
        .split("--> ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or("");
    let detail = full
        .lines()
        .rev()
        .find(|line| line.trim_start().starts_with("= "))
        .map(|line| line.trim_start().trim_start_matches("= ").to_string())
        .unwrap_or_else(|| full.clone());
    match (name.is_empty(), position.is_empty()) {
        (false, false) => format!("templates/{name}:{position}: {detail}"),
        (false, true) => format!("templates/{name}: {detail}"),
        _ => format!("templates: {full}"),
    }
}

/// Tera follows `include` and `extends` without a depth limit, so a template that reaches
/// itself would overflow the stack and abort the build. Find such a cycle first and name it.
fn reject_cycles(sources: &[(String, String)]) -> Result<(), String> {
    let reference = regex::Regex::new(r#"\{%-?\s*(?:include|extends)\s+["']([^"']+)["']"#)
        .expect("valid regex");
    let edges: std::collections::HashMap<&str, Vec<String>> = sources
        .iter()
        .map(|(name, text)| {
            let targets = reference
                .captures_iter(text)
                .map(|c| c[1].to_string())
                .collect();
            (name.as_str(), targets)
        })
        .collect();
    fn visit<'a>(
        name: &'a str,
        edges: &'a std::collections::HashMap<&str, Vec<String>>,
        trail: &mut Vec<&'a str>,
        done: &mut std::collections::HashSet<&'a str>,
    ) -> Result<(), String> {
        if let Some(start) = trail.iter().position(|n| *n == name) {
            let mut cycle: Vec<&str> = trail[start..].to_vec();
            cycle.push(name);
            return Err(format!(
                "templates/{}: includes itself: {}",
                cycle[0],
                cycle.join(" → ")
            ));
        }
        if !done.insert(name) {
            return Ok(());
        }
        trail.push(name);
        for target in edges.get(name).into_iter().flatten() {
            if let Some((key, _)) = edges.get_key_value(target.as_str()) {
                visit(key, edges, trail, done)?;
            }
        }
        trail.pop();
        Ok(())
    }
    let mut done = std::collections::HashSet::new();
    for (name, _) in sources {
        visit(name, &edges, &mut Vec::new(), &mut done)?;
    }
    Ok(())
}

fn escape_html(text: &str) -> String {
    crate::markdown::html::escape_attr(text)
}

impl Templates {
    pub fn load(project_dir: &Path) -> Result<Templates, TemplateError> {
        let mut sources: Vec<(String, String)> = TEMPLATES
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        overlay(&project_dir.join("templates"), &mut sources, |path| {
            std::fs::read_to_string(path)
        })
        .map_err(TemplateError)?;
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default also escapes `/`, which turns every URL into `&#x2F;` soup.
        tera.set_escape_fn(escape_html);
        reject_cycles(&sources).map_err(TemplateError)?;
        let builtin = sources.len() == TEMPLATES.len()
            && sources
                .iter()
                .zip(TEMPLATES)
                .all(|((name, text), (builtin_name, builtin_text))| {
                    name == builtin_name && text == builtin_text
                });
        let fingerprint = {
            use std::hash::{Hash, Hasher};
            let mut hasher = crate::reuse::DiskHasher::new();
            sources.hash(&mut hasher);
            hasher.finish()
        };
        tera.add_raw_templates(sources)
            .map_err(|err| TemplateError(parse_error(&err)))?;
        Ok(Templates {
            tera,
            fingerprint,
            builtin,
        })
    }

    pub fn render(&self, name: &str, context: &impl serde::Serialize) -> Result<String, String> {
        let context = tera::Context::from_serialize(context).map_err(|err| describe(&err))?;
        self.tera
            .render(name, &context)
            .map_err(|err| describe(&err))
    }
}

/// Static files for the site's `static/` folder: defaults, the highlighting stylesheet,
/// then whatever the project's own `static/` holds (which wins).
pub fn static_files(project_dir: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut files: Vec<(String, Vec<u8>)> = STATIC
        .iter()
        .map(|(n, s)| (n.to_string(), s.as_bytes().to_vec()))
        .collect();
    files.push((
        "highlight.css".into(),
        crate::highlight::stylesheet().as_bytes().to_vec(),
    ));
    overlay(&project_dir.join("static"), &mut files, |path| {
        std::fs::read(path)
    })?;
    Ok(files)
}

/// Lays the files of a project's override folder over the built-ins: each replaces the
/// built-in of the same relative name or joins the list. A file that cannot be read is an
/// error naming it, never a silently missing piece of the theme.
fn overlay<T>(
    folder: &Path,
    files: &mut Vec<(String, T)>,
    read: impl Fn(&Path) -> std::io::Result<T>,
) -> Result<(), String> {
    if !folder.is_dir() {
        return Ok(());
    }
    let folder_name = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for entry in walkdir::WalkDir::new(folder).sort_by_file_name() {
        let entry = entry.map_err(|err| format!("{folder_name}/: {err}"))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = crate::discover::relative(folder, entry.path());
        let value = read(entry.path())
            .map_err(|err| format!("{folder_name}/{name}: cannot read: {err}"))?;
        match files.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => files.push((name, value)),
        }
    }
    Ok(())
}
