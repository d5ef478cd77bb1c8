//! `pathbook serve`: the build pipeline kept in memory, rebuilt on every save, served over
//! HTTP with live reload. A failed build never replaces the last good site: its
//! diagnostics go to the terminal and to an overlay in the browser.

mod http;
mod watch;

use crate::diagnostics::{self, Diagnostic, Severity};
use crate::load::LoadOptions;
use crate::pipeline;
use crate::render::Output;
use serde::Serialize;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
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
}

impl From<&Diagnostic> for Problem {
    fn from(d: &Diagnostic) -> Self {
        Problem {
            file: Some(d.file.clone()),
            line: Some(d.line),
            column: Some(d.column),
            code: d.code.to_string(),
            message: d.message.clone(),
        }
    }
}

/// The served site: the last good output, and the state of the latest build.
pub struct SiteState {
    pub files: HashMap<String, Arc<Vec<u8>>>,
    pub assets: HashMap<String, PathBuf>,
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
                files: HashMap::new(),
                assets: HashMap::new(),
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

/// Builds the project in memory and publishes the result: a good build replaces the served
/// site; a failed one keeps it and publishes its problems (the very first build is served
/// even with content errors, so there is something to look at while fixing them).
pub fn rebuild(project_dir: &Path, shared: &Shared, generation: u64) -> Rebuilt {
    let started = Instant::now();
    let result = pipeline::build(
        project_dir,
        &LoadOptions {
            build_dir: Some(PathBuf::from("/nonexistent-pathbook-serve")),
            ..LoadOptions::default()
        },
    );
    let mut state = shared.state.write().unwrap_or_else(|e| e.into_inner());
    let first = state.version.is_empty();
    let (ok, diagnostics) = match result {
        Ok(built) => {
            let errors: Vec<Diagnostic> = built
                .report
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .cloned()
                .collect();
            if errors.is_empty() || first {
                install(&mut state, built.output);
            }
            state.problems = errors.iter().map(Problem::from).collect();
            (errors.is_empty(), built.report.diagnostics)
        }
        Err(err) => {
            let message = err.to_string();
            state.problems = vec![Problem {
                file: None,
                line: None,
                column: None,
                code: "build-failed".into(),
                message: message.clone(),
            }];
            let d = Diagnostic::file_level(Severity::Error, "build-failed", "", message);
            (false, vec![d])
        }
    };
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

fn install(state: &mut SiteState, output: Output) {
    state.files = output
        .files
        .into_iter()
        .map(|(k, v)| (k, Arc::new(v)))
        .collect();
    state.assets = output.assets.into_iter().collect();
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

async fn bind(hostname: &str, port: u16) -> Result<(tokio::net::TcpListener, Option<u16>), String> {
    let mut last_error = String::new();
    for candidate in port..port.saturating_add(20).max(port) {
        let address = format!("{hostname}:{candidate}");
        match tokio::net::TcpListener::bind(&address).await {
            Ok(listener) => return Ok((listener, (candidate != port).then_some(port))),
            Err(err) if err.kind() == std::io::ErrorKind::AddrInUse && port != 0 => {
                last_error = err.to_string();
            }
            Err(err) => return Err(format!("cannot listen on {address}: {err}")),
        }
    }
    Err(format!(
        "ports {port} to {} are all in use ({last_error})",
        port.saturating_add(19)
    ))
}

pub fn run(options: ServeOptions) -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the server: {err}");
            return crate::cli::EXIT_ENVIRONMENT;
        }
    };
    runtime.block_on(serve(options))
}

async fn serve(options: ServeOptions) -> i32 {
    let project_dir = options.project_dir.clone();
    if !project_dir.is_dir() {
        eprintln!("error: {}: not a folder", project_dir.display());
        return crate::cli::EXIT_ENVIRONMENT;
    }
    let shared = Shared::new();
    if let Some(file) = crate::highlight::cache_file(&project_dir) {
        crate::highlight::load_cache(&file);
    }
    report_rebuild(&rebuild(&project_dir, &shared, 0));

    let (listener, moved_from) = match bind(&options.hostname, options.port).await {
        Ok(bound) => bound,
        Err(err) => {
            eprintln!("error: {err}");
            return crate::cli::EXIT_ENVIRONMENT;
        }
    };
    let address: SocketAddr = match listener.local_addr() {
        Ok(address) => address,
        Err(err) => {
            eprintln!("error: {err}");
            return crate::cli::EXIT_ENVIRONMENT;
        }
    };
    if let Some(wanted) = moved_from {
        eprintln!("port {wanted} is in use; using {} instead", address.port());
    }
    // Watch before announcing the address: a save right after the announcement is seen.
    let watcher = match watch::start(project_dir.clone(), shared.clone(), options.poll) {
        Ok(watcher) => watcher,
        Err(err) => {
            eprintln!("error: cannot watch {}: {err}", project_dir.display());
            return crate::cli::EXIT_ENVIRONMENT;
        }
    };
    let url = format!("http://{address}/");
    println!(
        "serving {} at {url} (Ctrl-C to stop)",
        project_dir.display()
    );
    if options.open {
        let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
    }
    let app = router(shared.clone());
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
            eprintln!("stopping");
        })
        .await;
    drop(watcher);
    match result {
        Ok(()) => crate::cli::EXIT_OK,
        Err(err) => {
            eprintln!("error: {err}");
            crate::cli::EXIT_ENVIRONMENT
        }
    }
}
