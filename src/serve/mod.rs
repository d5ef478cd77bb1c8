//! `pathbook serve`: the build pipeline kept in memory, rebuilt on every save, served over
//! HTTP with live reload. A failed build never replaces the last good site: its
//! diagnostics go to the terminal and to an overlay in the browser.

mod http;
mod watch;

use crate::diagnostics::{self, Diagnostic, Severity};
use crate::load::LoadOptions;
use crate::load::{Project, Reuse};
use crate::pipeline::{self, Prepared};
use crate::render::{Job, RenderError};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;
use tokio::sync::watch as tokio_watch;

pub use http::{resolve_request_path, router};

pub struct ServeOptions {
    pub project_dir: PathBuf,
    pub port: u16,
    pub hostname: String,
    pub open: bool,
    pub poll: bool,
}

/// What a failed build tells the browser overlay.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Problem {
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub code: String,
    pub message: String,
    /// The `= help:` line the terminal prints under the finding, when it has one.
    pub help: Option<String>,
}

impl From<&Diagnostic> for Problem {
    fn from(d: &Diagnostic) -> Self {
        Problem {
            file: Some(d.file.clone()),
            line: Some(d.line),
            column: Some(d.column),
            code: d.code.to_string(),
            message: d.message.clone(),
            help: d.help.clone(),
        }
    }
}

/// A good build of the site, as served. Pages are rendered the first time they are asked
/// for and kept until the next change, so a save costs reloading what changed plus the
/// pages the browser then asks for, not the whole site.
pub struct Snapshot {
    prepared: Prepared,
    rendered: Mutex<Rendered>,
}

#[derive(Default)]
struct Rendered {
    files: HashMap<String, Arc<Vec<u8>>>,
    /// Jobs already run: a name they did not make is not part of the site.
    done: HashSet<Job>,
}

impl Snapshot {
    fn new(prepared: Prepared) -> Snapshot {
        Snapshot {
            prepared,
            rendered: Mutex::new(Rendered::default()),
        }
    }

    fn rendered(&self) -> std::sync::MutexGuard<'_, Rendered> {
        self.rendered.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The bytes of the generated file `rel`; `None` when the site has no such file.
    pub fn file(&self, rel: &str) -> Option<Result<Arc<Vec<u8>>, String>> {
        let job = {
            let rendered = self.rendered();
            if let Some(bytes) = rendered.files.get(rel) {
                return Some(Ok(bytes.clone()));
            }
            let job = self.prepared.plan.job_for(rel)?;
            if rendered.done.contains(&job) {
                return None;
            }
            job
        };
        if let Err(err) = self.run(&job) {
            return Some(Err(err.to_string()));
        }
        self.rendered().files.get(rel).cloned().map(Ok)
    }

    fn run(&self, job: &Job) -> Result<(), RenderError> {
        let files = self.prepared.renderer().run(job)?;
        let mut rendered = self.rendered();
        for (rel, bytes) in files {
            rendered.files.insert(rel, Arc::new(bytes));
        }
        rendered.done.insert(job.clone());
        Ok(())
    }

    /// A copied file (an image a module shows), by its place in the site.
    pub fn asset(&self, rel: &str) -> Option<PathBuf> {
        if self.prepared.plan.job_for(rel).is_some() {
            return None;
        }
        self.prepared.plan.assets.get(rel).cloned()
    }

    /// Renders `jobs` now rather than on request, so template errors they hit are
    /// reported at once (on every core).
    fn render_now(&self, jobs: &[Job]) -> Result<(), RenderError> {
        use rayon::prelude::*;
        jobs.par_iter().try_for_each(|job| self.run(job))
    }
}

/// The served site and the state of the latest build.
pub struct SiteState {
    /// The last good build; `None` until one has loaded.
    pub site: Option<Arc<Snapshot>>,
    pub problems: Vec<Problem>,
    /// Changes whenever the served site or its problems change; browsers reload when the
    /// version they were served differs from the one the server announces.
    pub version: String,
}

/// Shared between the HTTP handlers and the rebuild loop.
pub struct Shared {
    pub state: RwLock<SiteState>,
    /// Carries the version to every connected browser.
    pub notify: tokio_watch::Sender<String>,
    boot: u128,
}

impl Shared {
    pub fn new() -> Arc<Shared> {
        let boot = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let (notify, _) = tokio_watch::channel(String::new());
        Arc::new(Shared {
            state: RwLock::new(SiteState {
                site: None,
                problems: Vec::new(),
                version: String::new(),
            }),
            notify,
            boot,
        })
    }
}

/// The result of one rebuild, for the terminal and for benchmarks.
pub struct Rebuilt {
    pub ok: bool,
    pub diagnostics: Vec<Diagnostic>,
    pub elapsed: std::time::Duration,
}

/// What changed since the last rebuild, as the watcher saw it.
#[derive(Default)]
pub struct Changes {
    /// Absolute paths of changed files and folders.
    pub paths: HashSet<PathBuf>,
    /// Reload everything: the configuration changed, or the watcher lost track.
    pub everything: bool,
    /// Templates or static files changed: render every page now, to report their errors.
    pub theme: bool,
}

/// Reloads what changed and publishes the result: a good build replaces the served site; a
/// failed one keeps it and publishes its problems (the very first build is served even
/// with content errors, so there is something to look at while fixing them). `latest` is
/// the last load, good or not, whose unchanged documents are reused.
pub fn rebuild(
    project_dir: &Path,
    shared: &Shared,
    generation: u64,
    latest: &mut Option<Arc<Snapshot>>,
    changes: &Changes,
) -> Rebuilt {
    let started = Instant::now();
    let options = LoadOptions {
        build_dir: Some(PathBuf::from("/nonexistent-pathbook-serve")),
        ..LoadOptions::default()
    };
    let previous = latest.clone().filter(|_| !changes.everything);
    let reuse = previous.as_ref().map(|snapshot| Reuse {
        docs: &snapshot.prepared.site.project.docs,
        changed: &changes.paths,
    });
    let result = Project::reload(project_dir, &options, reuse)
        .map_err(pipeline::BuildError::Load)
        .and_then(|project| {
            let changed_docs: Vec<String> = match &previous {
                Some(old) => project
                    .docs
                    .iter()
                    .filter(|(rel, doc)| {
                        old.prepared
                            .site
                            .project
                            .docs
                            .get(*rel)
                            .is_none_or(|old_doc| !Arc::ptr_eq(old_doc, doc))
                    })
                    .map(|(rel, _)| rel.clone())
                    .collect(),
                None => Vec::new(),
            };
            let prepared = pipeline::prepare_project(project, Default::default())?;
            Ok((Snapshot::new(prepared), changed_docs))
        });
    let first = shared
        .state
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .site
        .is_none();
    let (ok, diagnostics, problems, good) = match result {
        Ok((snapshot, changed_docs)) => {
            let diagnostics = snapshot.prepared.report.diagnostics.clone();
            let errors: Vec<Problem> = diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(Problem::from)
                .collect();
            let snapshot = Arc::new(snapshot);
            *latest = Some(snapshot.clone());
            // Render now what the change most likely broke, so its errors show at once:
            // the changed files' pages, and after a theme or config change (or at start)
            // one page of each kind. The rest is rendered when asked for.
            let plan = &snapshot.prepared.plan;
            let mut eager: Vec<Job> = changed_docs
                .iter()
                .filter_map(|rel| plan.job_for(&plan.output_of(rel)))
                .collect();
            if changes.theme || changes.everything || previous.is_none() {
                eager.extend(plan.sample_jobs(&snapshot.prepared.site));
            }
            match snapshot.render_now(&eager) {
                Err(err) => {
                    let d = Diagnostic::file_level(
                        Severity::Error,
                        "build-failed",
                        "",
                        err.to_string(),
                    );
                    (false, vec![d.clone()], vec![problem_of(&d)], None)
                }
                Ok(()) if errors.is_empty() || first => {
                    (errors.is_empty(), diagnostics, errors, Some(snapshot))
                }
                Ok(()) => (false, diagnostics, errors, None),
            }
        }
        Err(err) => {
            let d = Diagnostic::file_level(Severity::Error, "build-failed", "", err.to_string());
            (false, vec![d.clone()], vec![problem_of(&d)], None)
        }
    };
    let mut state = shared.state.write().unwrap_or_else(|e| e.into_inner());
    if let Some(snapshot) = good {
        state.site = Some(snapshot);
    }
    state.problems = problems;
    state.version = format!("{:x}-{generation}", shared.boot);
    let version = state.version.clone();
    drop(state);
    shared.notify.send_replace(version);
    Rebuilt {
        ok,
        diagnostics,
        elapsed: started.elapsed(),
    }
}

fn problem_of(d: &Diagnostic) -> Problem {
    Problem {
        file: None,
        line: None,
        column: None,
        code: d.code.to_string(),
        message: d.message.clone(),
        help: d.help.clone(),
    }
}

pub(crate) fn report_rebuild(rebuilt: &Rebuilt) {
    for d in &rebuilt.diagnostics {
        if d.file.is_empty() {
            eprintln!("error: {}", d.message);
        } else {
            eprintln!("{}", diagnostics::human(d, false));
        }
    }
    let ms = rebuilt.elapsed.as_secs_f64() * 1000.0;
    if rebuilt.ok {
        eprintln!("rebuilt in {ms:.0} ms");
    } else {
        eprintln!("build failed in {ms:.0} ms; still serving the last good site");
    }
}

/// Why `serve` could not start or stopped: the command line turns it into an exit code.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot start the server: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("{}: not a folder", .0.display())]
    NotAFolder(std::path::PathBuf),
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: String,
        source: std::io::Error,
    },
    #[error("ports {first} to {last} are all in use ({source})")]
    PortsInUse {
        first: u16,
        last: u16,
        source: std::io::Error,
    },
    #[error("{0}")]
    Address(#[source] std::io::Error),
    #[error("cannot watch {}: {source}", .folder.display())]
    Watch {
        folder: std::path::PathBuf,
        source: notify::Error,
    },
    #[error("{0}")]
    Server(#[source] std::io::Error),
}

async fn bind(
    hostname: &str,
    port: u16,
) -> Result<(tokio::net::TcpListener, Option<u16>), ServeError> {
    let mut last_error = None;
    for candidate in port..port.saturating_add(20).max(port) {
        let address = format!("{hostname}:{candidate}");
        match tokio::net::TcpListener::bind(&address).await {
            Ok(listener) => return Ok((listener, (candidate != port).then_some(port))),
            Err(err) if err.kind() == std::io::ErrorKind::AddrInUse && port != 0 => {
                last_error = Some(err);
            }
            Err(source) => return Err(ServeError::Listen { address, source }),
        }
    }
    Err(ServeError::PortsInUse {
        first: port,
        last: port.saturating_add(19),
        source: last_error.unwrap_or_else(|| std::io::Error::from(std::io::ErrorKind::AddrInUse)),
    })
}

pub fn run(options: ServeOptions) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(serve(options))
}

async fn serve(options: ServeOptions) -> Result<(), ServeError> {
    // Absolute, so the watcher's paths and the loader's compare.
    let project_dir = options
        .project_dir
        .canonicalize()
        .unwrap_or_else(|_| options.project_dir.clone());
    if !project_dir.is_dir() {
        return Err(ServeError::NotAFolder(project_dir));
    }
    let shared = Shared::new();
    if let Some(file) = crate::highlight::cache_file(&project_dir) {
        crate::highlight::load_cache(&file);
    }
    let mut latest = None;
    report_rebuild(&rebuild(
        &project_dir,
        &shared,
        0,
        &mut latest,
        &Changes::default(),
    ));

    let (listener, moved_from) = bind(&options.hostname, options.port).await?;
    let address: SocketAddr = listener.local_addr().map_err(ServeError::Address)?;
    if let Some(wanted) = moved_from {
        eprintln!("port {wanted} is in use; using {} instead", address.port());
    }
    // Watch before announcing the address: a save right after the announcement is seen.
    let watcher = watch::start(project_dir.clone(), shared.clone(), options.poll, latest).map_err(
        |source| ServeError::Watch {
            folder: project_dir.clone(),
            source,
        },
    )?;
    let url = format!("http://{address}/");
    println!(
        "serving {} at {url} (Ctrl-C to stop)",
        project_dir.display()
    );
    if options.open {
        let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
    }
    let app = router(shared.clone());
    let result = http::run(listener, app, async {
        let _ = tokio::signal::ctrl_c().await;
        eprintln!("stopping");
    })
    .await;
    drop(watcher);
    result.map_err(ServeError::Server)
}
