//! Watching the project: folders, not files, so editors that save by rename or by
//! delete-and-recreate are seen; events are debounced and coalesced, and a change that
//! arrives during a rebuild causes one more rebuild, so no save is ever lost.

use super::{Changes, Shared, Snapshot, rebuild, report_rebuild};
use notify::RecursiveMode;
use notify_debouncer_full::NoCache;
use notify_debouncer_full::{DebounceEventResult, new_debouncer_opt};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Keeps the watcher alive; dropping it stops watching.
pub struct Watching {
    _roots: Arc<Mutex<Roots>>,
}

/// The watcher with the folders it watches, so folders that appear later (a new
/// `templates/`, a changed `src`) are added as they appear.
struct Roots {
    watcher: Box<dyn AddRoot>,
    watched: HashSet<PathBuf>,
}

trait AddRoot: Send {
    fn add(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()>;
}

impl<T: notify::Watcher + Send> AddRoot for notify_debouncer_full::Debouncer<T, NoCache> {
    fn add(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        self.watch(path, mode)
    }
}

impl Roots {
    fn refresh(&mut self, project_dir: &Path) -> notify::Result<()> {
        for (path, mode) in watched_paths(project_dir) {
            if !self.watched.contains(&path) {
                self.watcher.add(&path, mode)?;
                self.watched.insert(path);
            }
        }
        Ok(())
    }
}

const DEBOUNCE: Duration = Duration::from_millis(20);

fn watched_paths(project_dir: &Path) -> Vec<(PathBuf, RecursiveMode)> {
    let content = match crate::load::detect(project_dir) {
        Ok(detected) if detected.layout == crate::load::Layout::Site => {
            detected.config.content_dir(project_dir)
        }
        _ => project_dir.to_path_buf(),
    };
    // With `src = "."` the content is the project itself: watch all of it.
    let top_mode = if content == project_dir {
        RecursiveMode::Recursive
    } else {
        RecursiveMode::NonRecursive
    };
    let mut paths = vec![(project_dir.to_path_buf(), top_mode)];
    for dir in [
        content,
        project_dir.join("templates"),
        project_dir.join("static"),
    ] {
        if dir.is_dir() && dir != project_dir {
            paths.push((dir, RecursiveMode::Recursive));
        }
    }
    paths
}

/// Whether a changed path can affect the site (the build folder and editor droppings can't).
fn relevant(project_dir: &Path, content_top: &str, path: &Path) -> bool {
    let rel = path.strip_prefix(project_dir).unwrap_or(path);
    let Some(first) = rel.components().next() else {
        return true;
    };
    let first = first.as_os_str().to_string_lossy();
    if first.starts_with('.') || first == "target" || first == "node_modules" {
        return false;
    }
    if rel.components().count() == 1 {
        // At the top only book.toml matters, and the folders we watch appearing or going;
        // unless the content is the project itself (`src = "."`), when every file counts.
        return first == "book.toml"
            || content_top.is_empty()
            || first == content_top
            || first == "templates"
            || first == "static";
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    !(name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name == "4913"
        || name.starts_with(".#"))
}

pub fn start(
    project_dir: PathBuf,
    shared: Arc<Shared>,
    poll: bool,
    latest: Option<Arc<Snapshot>>,
) -> notify::Result<Watching> {
    // Watch absolute paths, so event paths compare with the project folder.
    let project_dir = project_dir.canonicalize().unwrap_or(project_dir);
    let (sender, receiver) = channel::<DebounceEventResult>();
    let watcher: Box<dyn AddRoot> = if poll {
        let config = notify::Config::default()
            .with_poll_interval(Duration::from_millis(250))
            .with_compare_contents(true);
        Box::new(new_debouncer_opt::<_, notify::PollWatcher, NoCache>(
            DEBOUNCE, None, sender, NoCache, config,
        )?)
    } else {
        Box::new(new_debouncer_opt::<_, notify::RecommendedWatcher, NoCache>(
            DEBOUNCE,
            None,
            sender,
            NoCache,
            notify::Config::default(),
        )?)
    };
    let mut roots = Roots {
        watcher,
        watched: HashSet::new(),
    };
    roots.refresh(&project_dir)?;
    let roots = Arc::new(Mutex::new(roots));
    let loop_roots = roots.clone();
    std::thread::Builder::new()
        .name("pathbook-rebuild".into())
        .spawn(move || rebuild_loop(project_dir, shared, receiver, loop_roots, latest))
        .map_err(|e| notify::Error::generic(&e.to_string()))?;
    Ok(Watching { _roots: roots })
}

fn rebuild_loop(
    project_dir: PathBuf,
    shared: Arc<Shared>,
    events: Receiver<DebounceEventResult>,
    roots: Arc<Mutex<Roots>>,
    mut latest: Option<Arc<Snapshot>>,
) {
    let mut generation = 1;
    let config = crate::config::Config::load(&project_dir).unwrap_or_default();
    let content_top = config
        .book
        .src
        .split(['/', '\\'])
        .find(|p| !p.is_empty() && *p != ".")
        .unwrap_or("")
        .to_string();
    while let Ok(first) = events.recv() {
        let mut batch = vec![first];
        // Coalesce whatever else is already queued into this one rebuild.
        while let Ok(more) = events.try_recv() {
            batch.push(more);
        }
        let changes = changes_in(&project_dir, &content_top, &batch);
        if changes.paths.is_empty() && !changes.everything {
            continue;
        }
        if let Err(err) = roots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .refresh(&project_dir)
        {
            eprintln!("warning: cannot watch a new folder: {err}");
        }
        let rebuilt = rebuild(&project_dir, &shared, generation, &mut latest, &changes);
        generation += 1;
        report_rebuild(&rebuilt);
    }
}

/// What a batch of events changed. Reads are reported too (the build's own among them):
/// only changes count.
fn changes_in(project_dir: &Path, content_top: &str, batch: &[DebounceEventResult]) -> Changes {
    let mut changes = Changes::default();
    for result in batch {
        let Ok(events) = result else {
            changes.everything = true;
            continue;
        };
        for event in events
            .iter()
            .filter(|e| !matches!(e.kind, notify::EventKind::Access(_)))
        {
            if event.need_rescan() {
                changes.everything = true;
            }
            for path in event
                .paths
                .iter()
                .filter(|p| relevant(project_dir, content_top, p))
            {
                let rel = path.strip_prefix(project_dir).unwrap_or(path);
                match rel.components().next().map(|c| c.as_os_str()) {
                    Some(first) if first == "book.toml" => changes.everything = true,
                    Some(first) if first == "templates" || first == "static" => {
                        changes.theme = true
                    }
                    None => changes.everything = true,
                    _ => {}
                }
                changes.paths.insert(path.clone());
            }
        }
    }
    changes
}
