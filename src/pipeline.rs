//! The whole pipeline behind one call, shared by `build`, `check` and `serve`.

use crate::load::{LoadError, LoadOptions, Project};
use crate::model::{self, Site};
use crate::render::{self, Output, RenderError};
use crate::templates::{TemplateError, Templates};
use crate::validate::{self, Report, Scope};
use std::path::Path;

#[derive(Debug)]
pub enum BuildError {
    Load(LoadError),
    Template(TemplateError),
    Render(RenderError),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Load(e) => e.fmt(f),
            BuildError::Template(e) => e.fmt(f),
            BuildError::Render(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for BuildError {}

pub struct Built {
    pub site: Site,
    pub output: Output,
    pub report: Report,
}

pub fn load_site(project_dir: &Path, options: &LoadOptions) -> Result<Site, LoadError> {
    Ok(model::build(Project::load(project_dir, options)?))
}

/// load → model → validate → render. The output is returned even when the report has
/// errors; the caller decides whether errors stop the build.
pub fn build(project_dir: &Path, options: &LoadOptions) -> Result<Built, BuildError> {
    let site = load_site(project_dir, options).map_err(BuildError::Load)?;
    let templates = Templates::load(project_dir).map_err(BuildError::Template)?;
    let (pages, assets) = render::reachable(&site);
    let report = validate::validate(&site, Scope::Files(&pages));
    let output = render::render(&site, &templates, &pages, &assets).map_err(BuildError::Render)?;
    Ok(Built {
        site,
        output,
        report,
    })
}

/// load → model → validate over every Markdown file.
pub fn check(project_dir: &Path, options: &LoadOptions) -> Result<Report, LoadError> {
    let site = load_site(project_dir, options)?;
    Ok(validate::validate(&site, Scope::All))
}
