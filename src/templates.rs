//! The built-in theme is embedded in the binary, so `pathbook build` works in a folder
//! that has only content; a project's `templates/` and `static/` override single files.

use std::path::Path;

/// The default templates, from this repository's `templates/` folder.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
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
];

pub struct Templates {
    tera: tera::Tera,
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

fn escape_html(text: &str) -> String {
    crate::markdown::html::escape_attr(text)
}

impl Templates {
    pub fn load(project_dir: &Path) -> Result<Templates, TemplateError> {
        let mut sources: Vec<(String, String)> = TEMPLATES
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        let dir = project_dir.join("templates");
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
            {
                if !entry.file_type().is_file() {
                    continue;
                }
                let name = crate::discover::relative(&dir, entry.path());
                let text = std::fs::read_to_string(entry.path()).map_err(|err| {
                    TemplateError(format!("templates/{name}: cannot read: {err}"))
                })?;
                match sources.iter_mut().find(|(n, _)| *n == name) {
                    Some(slot) => slot.1 = text,
                    None => sources.push((name, text)),
                }
            }
        }
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default also escapes `/`, which turns every URL into `&#x2F;` soup.
        tera.set_escape_fn(escape_html);
        tera.add_raw_templates(sources).map_err(|err| {
            TemplateError(format!(
                "templates/{}",
                describe(&err).trim_start_matches("Failed to parse ")
            ))
        })?;
        Ok(Templates { tera })
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
pub fn static_files(project_dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = STATIC
        .iter()
        .map(|(n, s)| (n.to_string(), s.as_bytes().to_vec()))
        .collect();
    files.push((
        "highlight.css".into(),
        crate::highlight::stylesheet().into_bytes(),
    ));
    let dir = project_dir.join("static");
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let name = crate::discover::relative(&dir, entry.path());
            if let Ok(bytes) = std::fs::read(entry.path()) {
                match files.iter_mut().find(|(n, _)| *n == name) {
                    Some(slot) => slot.1 = bytes,
                    None => files.push((name, bytes)),
                }
            }
        }
    }
    files
}
