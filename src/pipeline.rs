//! The whole pipeline behind one call, shared by `build`, `check` and `serve`.

use crate::load::{LoadError, LoadOptions, Project};
use crate::model::{self, Site};
use crate::render::{self, Plan, RenderError, Renderer};
use crate::templates::{TemplateError, Templates};
use crate::timings::Timings;
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

/// A site loaded, modelled and validated, with everything rendering needs: `build` renders
/// it into a staging folder, `serve` keeps it and renders pages as they are asked for.
pub struct Prepared {
    pub site: Site,
    pub templates: Templates,
    pub plan: Plan,
    pub report: Report,
    pub timings: Timings,
}

impl Prepared {
    pub fn renderer(&self) -> Renderer<'_> {
        Renderer::new(&self.site, &self.templates, &self.plan)
    }
}

/// load → model → validate, and the render plan. Rendering is the caller's: the report
/// may have errors, and the caller decides whether they stop the build.
pub fn prepare(project_dir: &Path, options: &LoadOptions) -> Result<Prepared, BuildError> {
    let mut timings = Timings::default();
    // Templates and the highlighter do not wait for the content: they get ready on the other
    // core while the content is read and parsed. On a small site these are most of the time
    // before rendering starts. Nothing waits for the warm-up here: the first block to
    // highlight does, if the grammars are not loaded by then.
    let warm_up = crate::highlight::WarmUp::start();
    let started = std::time::Instant::now();
    let (project, (templates, templates_took)) = rayon::join(
        || Project::load(project_dir, options),
        || {
            let started = std::time::Instant::now();
            (Templates::load(project_dir), started.elapsed())
        },
    );
    timings.add("load+parse", started.elapsed());
    // Every language has been named: the warm-up ends when it has readied them.
    drop(warm_up);
    let project = project.map_err(BuildError::Load)?;
    timings.add("templates (beside load+parse)", templates_took);
    prepare_with(project, templates.map_err(BuildError::Template)?, timings)
}

/// [`prepare`] for a project already loaded (`serve` reloads only what changed).
pub fn prepare_project(project: Project, mut timings: Timings) -> Result<Prepared, BuildError> {
    let templates = timings
        .time("templates", || Templates::load(&project.project_dir))
        .map_err(BuildError::Template)?;
    prepare_with(project, templates, timings)
}

fn prepare_with(
    project: Project,
    templates: Templates,
    mut timings: Timings,
) -> Result<Prepared, BuildError> {
    let site = timings.time("model", || model::build(project));
    let (pages, assets) = timings.time("reach", || render::reachable(&site));
    let report = timings.time("validate", || {
        validate::validate(&site, Scope::Files(&pages))
    });
    let plan = timings
        .time("plan", || Plan::new(&site, &templates, pages, &assets))
        .map_err(BuildError::Render)?;
    Ok(Prepared {
        site,
        templates,
        plan,
        report,
        timings,
    })
}
