//! The command line: the only place that knows clap. Each command runs the pipeline and
//! returns an exit code: 0 clean, 1 content errors, 2 usage or environment failure.

use crate::diagnostics::{self, Diagnostic, Severity};
use crate::load::{LoadOptions, Project};
use crate::output;
use crate::pipeline;
use crate::reuse::COPIES_JOB;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub const EXIT_OK: i32 = 0;
pub const EXIT_CONTENT: i32 = 1;
pub const EXIT_ENVIRONMENT: i32 = 2;

#[derive(Parser, Debug)]
#[command(name = "pathbook", version = env!("PATHBOOK_VERSION"), about = "Build, check and preview learning-path websites")]
pub struct Cli {
    /// When to colour output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more: per-stage timings
    #[arg(short, long, visible_alias = "timings", global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
    Sarif,
    Junit,
    Gitlab,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into the build folder (default `book/`)
    Build {
        /// Project folder (holds book.toml and content/)
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Output folder, instead of `[build] build-dir`
        #[arg(short, long)]
        dest_dir: Option<PathBuf>,
    },
    /// Check links, fragments and path structure without writing anything
    Check {
        /// A pathbook project, or any folder of Markdown
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fail (exit 1) on warnings too
        #[arg(long)]
        deny_warnings: bool,
        /// Skip files matching this glob (repeatable)
        #[arg(long, value_name = "GLOB")]
        exclude: Vec<String>,
        #[command(flatten)]
        external: ExternalArgs,
        #[command(flatten)]
        ci: CiArgs,
    },
    /// Serve the site with live reload while you edit
    Serve {
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(short, long, default_value_t = 3000)]
        port: u16,
        #[arg(short = 'n', long, default_value = "127.0.0.1")]
        hostname: String,
        /// Open the site in a browser
        #[arg(long)]
        open: bool,
        /// Poll for changes instead of relying on file-system events
        #[arg(long)]
        poll: bool,
    },
    /// Create a new site with an example path and two modules
    Init {
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Write only the book.toml that matches the paths and modules already in DIR
        #[arg(long)]
        here: bool,
    },
    /// Delete the build folder (only one that pathbook built)
    Clean {
        /// Project folder
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Build folder, instead of `[build] build-dir`
        #[arg(short, long)]
        dest_dir: Option<PathBuf>,
    },
    /// Turn an mdBook (SUMMARY.md) into a new pathbook project
    ImportMdbook {
        /// The mdBook folder (holds book.toml and src/SUMMARY.md)
        book_dir: PathBuf,
        /// Where to write the new project (default: `<book>-pathbook`)
        #[arg(long)]
        dest: Option<PathBuf>,
    },
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff)
    Man,
    /// Deletes a retired site: the detached clean-up `build` leaves behind (see
    /// `output::remove_retired`). Not a user command: hidden from help and completions.
    #[command(name = output::REMOVE_RETIRED_COMMAND, hide = true)]
    RemoveRetired { folder: PathBuf },
}

/// `check --external` and its settings.
#[derive(clap::Args, Debug)]
pub struct ExternalArgs {
    /// Also fetch http(s) links: broken, moved and missing #fragments (uses the network)
    #[arg(long)]
    pub external: bool,
    /// Seconds to wait for each external request
    #[arg(long, value_name = "SECS", default_value_t = 10, requires = "external",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// Reuse and save external results in DIR/.pathbook-linkcache.json
    #[arg(long, requires = "external")]
    pub cache: bool,
    /// Cached results younger than this are reused: 30s, 10m, 2h, 1d
    #[arg(long, value_name = "AGE", default_value = "1d", requires = "cache",
          value_parser = crate::external::parse_age)]
    pub max_cache_age: std::time::Duration,
}

#[derive(clap::Args, Debug)]
pub struct CiArgs {
    /// Findings recorded in this baseline file do not fail the run
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every current finding in this baseline file
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Only findings in files changed since this git revision, and in links into them
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
}

pub struct Terminal {
    pub color_out: bool,
    pub color_err: bool,
    pub quiet: bool,
    pub verbose: bool,
}

impl Terminal {
    fn new(choice: ColorChoice, quiet: bool, verbose: bool) -> Terminal {
        let allowed = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let decide = |is_tty: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => allowed && is_tty,
        };
        Terminal {
            color_out: decide(std::io::stdout().is_terminal()),
            color_err: decide(std::io::stderr().is_terminal()),
            quiet,
            verbose,
        }
    }
}

/// The command line as users see it, for completions and the manual: clap_complete
/// offers hidden subcommands too, so they are left out here.
fn user_command() -> clap::Command {
    use clap::CommandFactory;
    let full = Cli::command();
    let mut shown = clap::Command::new("pathbook")
        .version(env!("PATHBOOK_VERSION"))
        .about(full.get_about().cloned().unwrap_or_default())
        .subcommand_required(full.is_subcommand_required_set());
    for arg in full.get_arguments() {
        shown = shown.arg(arg.clone());
    }
    for command in full.get_subcommands().filter(|c| !c.is_hide_set()) {
        shown = shown.subcommand(command.clone());
    }
    shown
}

pub fn run(cli: Cli) -> i32 {
    let terminal = Terminal::new(cli.color, cli.quiet, cli.verbose);
    match cli.command {
        Command::Build { dir, dest_dir } => build(&dir, dest_dir, &terminal),
        Command::Check {
            dir,
            format,
            deny_warnings,
            exclude,
            external,
            ci,
        } => check(
            &dir,
            format,
            deny_warnings,
            exclude,
            &external,
            &ci,
            &terminal,
        ),
        Command::Serve {
            dir,
            port,
            hostname,
            open,
            poll,
        } => match crate::serve::run(crate::serve::ServeOptions {
            project_dir: dir,
            port,
            hostname,
            open,
            poll,
        }) {
            Ok(()) => EXIT_OK,
            Err(err) => {
                eprintln!("error: {err}");
                EXIT_ENVIRONMENT
            }
        },
        Command::Init { dir, here: false } => init(&dir),
        Command::Init { dir, here: true } => init_here(&dir),
        Command::RemoveRetired { folder } => {
            if output::remove_retired_now(&folder) {
                EXIT_OK
            } else {
                EXIT_ENVIRONMENT
            }
        }
        Command::Clean { dir, dest_dir } => clean(&dir, dest_dir),
        Command::ImportMdbook { book_dir, dest } => {
            let dest = dest.unwrap_or_else(|| crate::import_mdbook::default_dest(&book_dir));
            match crate::import_mdbook::import(&book_dir, &dest) {
                Ok(summary) => {
                    println!("{summary}; next: `pathbook build {}`", dest.display());
                    EXIT_OK
                }
                Err(err) => {
                    eprintln!("error: {err}");
                    EXIT_ENVIRONMENT
                }
            }
        }
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut user_command(),
                "pathbook",
                &mut std::io::stdout(),
            );
            EXIT_OK
        }
        Command::Man => {
            match clap_mangen::Man::new(user_command()).render(&mut std::io::stdout()) {
                Ok(()) => EXIT_OK,
                Err(err) => {
                    eprintln!("error: {err}");
                    EXIT_ENVIRONMENT
                }
            }
        }
    }
}

fn print_diagnostics_to_stderr(diagnostics: &[Diagnostic], terminal: &Terminal) {
    let mut err = std::io::stderr().lock();
    for d in diagnostics {
        if terminal.quiet && d.severity == Severity::Warning {
            continue;
        }
        let _ = writeln!(err, "{}", diagnostics::human(d, terminal.color_err));
    }
}

/// A spinner on stderr for work that turns out to take over a second; never in CI, never
/// when stderr is not a terminal, never with `--quiet`.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn start(terminal: &Terminal, message: &'static str) -> Progress {
        let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
        if terminal.quiet || in_ci || !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = indicatif::ProgressBar::new_spinner().with_message(message);
        // Hidden until a second has passed, so quick builds print nothing extra.
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        let shown = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(1));
            if !shown.is_finished() {
                shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                shown.enable_steady_tick(std::time::Duration::from_millis(100));
            }
        });
        Progress { bar: Some(bar) }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn build(dir: &Path, dest_dir: Option<PathBuf>, terminal: &Terminal) -> i32 {
    let started = Instant::now();
    let progress = Progress::start(terminal, "building…");
    let explicit = dest_dir.is_some();
    let Some((config, dest)) = destination(dir, dest_dir) else {
        return EXIT_ENVIRONMENT;
    };
    if let Err(err) = output::check_destination(&dest, dir, &config.content_dir(dir), explicit) {
        eprintln!("error: {err}");
        return EXIT_ENVIRONMENT;
    }
    let options = LoadOptions {
        build_dir: Some(dest.clone()),
        ..LoadOptions::default()
    };
    let cache_file = crate::highlight::cache_file(dir);
    if let Some(file) = &cache_file {
        crate::highlight::load_cache(file);
    }
    let prepared = match pipeline::prepare(dir, &options) {
        Ok(prepared) => prepared,
        Err(err) => {
            eprintln!("error: {err}");
            return EXIT_ENVIRONMENT;
        }
    };
    drop(progress);
    let project = &prepared.site.project;
    if project.layout == crate::load::Layout::PlainMarkdown {
        eprintln!("error: {}", crate::load::nothing_found(dir));
        return EXIT_ENVIRONMENT;
    }
    if let Some(found) = &project.detected {
        eprintln!("note: no book.toml: {found}");
    }
    print_diagnostics_to_stderr(&prepared.report.diagnostics, terminal);
    if prepared.report.has_errors() {
        eprintln!(
            "error: build failed: {}; the previous site in {} is unchanged",
            prepared.report.summary,
            dest.display()
        );
        return EXIT_CONTENT;
    }
    let progress = Progress::start(terminal, "writing…");
    let mut timings = prepared.timings.clone();
    let write_started = Instant::now();
    let plan = &prepared.plan;
    // Copied files are reused by their sources' sizes and times.
    let copies: Vec<(&String, &PathBuf)> = plan
        .assets
        .iter()
        .filter(|(rel, _)| plan.job_for(rel).is_none())
        .collect();
    let copies_key = crate::reuse::copies_key(&copies);
    let mut keys: std::collections::BTreeMap<String, u64> = plan
        .jobs(&prepared.site)
        .iter()
        .map(|job| {
            (
                plan.job_name(&prepared.site, job),
                plan.job_key(&prepared.site, job),
            )
        })
        .collect();
    keys.insert(COPIES_JOB.into(), copies_key);
    let unchanged = output::built_files(&dest)
        .and_then(|intact| crate::reuse::unchanged_site(&dest, &keys, intact));
    let written = match unchanged {
        Some(files) => Ok(files.iter().filter(|f| f.ends_with(".html")).count()),
        None => output::write_atomically(&dest, |staging| {
            let stats = prepared
                .renderer()
                .render_all(staging)
                .map_err(output::OutputError::Render)?;
            if terminal.verbose {
                eprintln!("thread time: {}", stats.busy);
            }
            let pages = stats.pages;
            if crate::render::Sink::reuse(staging, COPIES_JOB, copies_key).is_none() {
                for (rel, source) in &copies {
                    staging.copy(rel, source)?;
                }
                let names = copies.iter().map(|(rel, _)| (*rel).clone()).collect();
                crate::render::Sink::made(staging, COPIES_JOB, copies_key, names);
            }
            Ok(pages)
        }),
    };
    let pages = match written {
        Ok(pages) => pages,
        Err(err) => {
            drop(progress);
            eprintln!("error: {err}");
            return EXIT_ENVIRONMENT;
        }
    };
    timings.add("render+write", write_started.elapsed());
    drop(progress);
    if let Some(file) = &cache_file
        && let Err(err) = crate::highlight::save_cache(file)
    {
        // The cache only saves time; a build without it is still a good build.
        eprintln!(
            "warning: cannot save the highlighting cache {}: {err}",
            file.display()
        );
    }
    if terminal.verbose {
        eprintln!("timings: {timings}");
    }
    // As for check: the process ends here, so the site is not freed piece by piece.
    std::mem::forget(prepared);
    if !terminal.quiet {
        println!(
            "built {pages} pages in {:.2} s → {}",
            started.elapsed().as_secs_f64(),
            dest.display()
        );
    }
    EXIT_OK
}

fn check(
    dir: &Path,
    format: Format,
    deny_warnings: bool,
    exclude: Vec<String>,
    external: &ExternalArgs,
    ci: &CiArgs,
    terminal: &Terminal,
) -> i32 {
    let progress = Progress::start(terminal, "checking…");
    let options = LoadOptions {
        exclude,
        links_only: true,
        ..LoadOptions::default()
    };
    let mut timings = crate::timings::Timings::default();
    let project = match timings.time("load+parse", || Project::load(dir, &options)) {
        Ok(project) => project,
        Err(err) => {
            eprintln!("error: {err}");
            return EXIT_ENVIRONMENT;
        }
    };
    if let Some(found) = &project.detected {
        eprintln!("note: no book.toml: {found}");
    }
    let site = timings.time("model", || crate::model::build(project));
    let mut report = timings.time("validate", || {
        crate::validate::validate(&site, crate::validate::Scope::All)
    });
    if external.external {
        let started = Instant::now();
        let options = crate::external::Options {
            timeout: std::time::Duration::from_secs(external.timeout),
            cache_file: external
                .cache
                .then(|| dir.join(crate::external::CACHE_FILE)),
            max_cache_age: external.max_cache_age,
            ..crate::external::Options::default()
        };
        let outcome = crate::external::check(&site, &options);
        for warning in &outcome.warnings {
            eprintln!("warning: {warning}");
        }
        if terminal.verbose {
            let s = outcome.stats;
            eprintln!(
                "external: {} links to {} URLs: {} from the cache, {} fetched with {} requests in {:.2} s",
                s.links,
                s.urls,
                s.cached,
                s.fetched,
                s.requests,
                started.elapsed().as_secs_f64()
            );
        }
        report.extend(outcome.diagnostics);
    }
    let unused_ignores = crate::report::ignore::apply(&site, &mut report.diagnostics);
    report.extend(unused_ignores);
    if let Some(reference) = &ci.changed_since {
        match crate::report::changed::changed_files(dir, reference) {
            Ok(changed) => {
                crate::report::changed::keep_changed(&mut report.diagnostics, &changed);
                report.summary.count(&report.diagnostics);
            }
            Err(err) => {
                eprintln!("error: {err}");
                return EXIT_ENVIRONMENT;
            }
        }
    }
    if let Some(path) = &ci.write_baseline {
        if let Err(err) = crate::report::baseline::write(path, &report.diagnostics) {
            eprintln!("error: {err}");
            return EXIT_ENVIRONMENT;
        }
        eprintln!(
            "wrote {} findings to the baseline {}",
            report.diagnostics.len(),
            path.display()
        );
    }
    let baseline = match &ci.baseline {
        Some(path) => match crate::report::baseline::apply(path, &mut report.diagnostics) {
            Ok(applied) => {
                report.summary.count(&report.diagnostics);
                Some(applied)
            }
            Err(err) => {
                eprintln!("error: {err}");
                return EXIT_ENVIRONMENT;
            }
        },
        None => None,
    };
    // JSON paths stay relative to DIR, as documented; the other formats are read by people
    // and by CI services. People resolve paths against the working directory; CI services
    // against the repository root, which is DIR's git toplevel when there is one.
    let dir_text = dir.to_string_lossy().replace('\\', "/");
    let from_cwd = dir_text.trim_start_matches("./").trim_end_matches('/');
    let from_cwd = if from_cwd == "." { "" } else { from_cwd };
    let prefix = match format {
        Format::Json => String::new(),
        Format::Human => from_cwd.to_string(),
        _ => crate::report::repository_prefix(dir).unwrap_or_else(|| from_cwd.to_string()),
    };
    let findings = crate::report::findings(&report.diagnostics, &prefix);
    drop(progress);
    let mut out = std::io::stdout().lock();
    let baseline_line = baseline.map(|b| {
        format!(
            "baseline: {} known findings not reported, {} baseline entries now fixed",
            b.baselined, b.fixed
        )
    });
    match format {
        Format::Json => {
            let _ = writeln!(
                out,
                "{}",
                crate::report::json(&report.diagnostics, &report.summary)
            );
        }
        Format::Sarif => {
            let _ = writeln!(out, "{}", crate::report::sarif::sarif(&findings));
        }
        Format::Gitlab => {
            let _ = writeln!(out, "{}", crate::report::gitlab::gitlab(&findings));
        }
        Format::Junit => {
            let _ = write!(
                out,
                "{}",
                crate::report::junit::junit(&findings, &report.summary, deny_warnings)
            );
        }
        Format::Github => {
            let _ = write!(
                out,
                "{}",
                crate::report::github::log(&findings, &report.summary)
            );
            if let Some(line) = &baseline_line {
                let _ = writeln!(out, "{line}");
            }
            if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
                let links = crate::report::github::Links::from_env();
                let mut text =
                    crate::report::github::step_summary(&findings, &report.summary, &links);
                if let Some(line) = &baseline_line {
                    text.push_str(&format!("\n{line}\n"));
                }
                let written = std::fs::OpenOptions::new()
                    .append(true)
                    .create(true)
                    .open(&path)
                    .and_then(|mut f| f.write_all(text.as_bytes()));
                if let Err(err) = written {
                    eprintln!(
                        "warning: cannot write the job summary to {}: {err}",
                        PathBuf::from(path).display()
                    );
                }
            }
        }
        Format::Human => {
            for f in &findings {
                if terminal.quiet && f.diagnostic.severity == Severity::Warning {
                    continue;
                }
                let mut d = f.diagnostic.clone();
                d.file = f.path.clone();
                let _ = writeln!(out, "{}", diagnostics::human(&d, terminal.color_out));
            }
            let _ = writeln!(out, "{}", report.summary);
            if let Some(line) = &baseline_line {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    if terminal.verbose {
        eprintln!("timings: {timings}");
    }
    // The process ends here: freeing thousands of parsed documents one by one would only
    // delay the exit.
    std::mem::forget(site);
    if report.summary.errors > 0 || (deny_warnings && report.summary.warnings > 0) {
        EXIT_CONTENT
    } else {
        EXIT_OK
    }
}

/// The project's config and its build folder (`--dest-dir` wins); a bad book.toml is
/// reported here.
fn destination(dir: &Path, dest_dir: Option<PathBuf>) -> Option<(crate::config::Config, PathBuf)> {
    match crate::load::detect(dir) {
        Ok(crate::load::Detected { config, .. }) => {
            let dest = dest_dir.unwrap_or_else(|| dir.join(&config.build.build_dir));
            Some((config, dest))
        }
        Err(err) => {
            eprintln!("error: {err}");
            None
        }
    }
}

fn clean(dir: &Path, dest_dir: Option<PathBuf>) -> i32 {
    let explicit = dest_dir.is_some();
    let Some((config, dest)) = destination(dir, dest_dir) else {
        return EXIT_ENVIRONMENT;
    };
    if let Err(err) = output::check_clean(&dest, dir, &config.content_dir(dir), explicit) {
        eprintln!("error: {err}");
        return EXIT_ENVIRONMENT;
    }
    match output::clean(&dest) {
        Ok(true) => {
            println!("removed {}", dest.display());
            EXIT_OK
        }
        Ok(false) => {
            println!("nothing to clean: {} does not exist", dest.display());
            EXIT_OK
        }
        Err(err) => {
            eprintln!("error: {err}");
            EXIT_ENVIRONMENT
        }
    }
}

const INIT_FILES: &[(&str, &str)] = &[
    ("book.toml", include_str!("init/book.toml")),
    (
        "content/paths/getting-started.md",
        include_str!("init/getting-started.md"),
    ),
    (
        "content/modules/first-steps/README.md",
        include_str!("init/first-steps.md"),
    ),
    (
        "content/modules/next-steps/README.md",
        include_str!("init/next-steps.md"),
    ),
];

/// `init --here`: the `book.toml` for a repository whose paths and modules are already
/// laid out, so what was found without configuration is written down and can be edited.
fn init_here(dir: &Path) -> i32 {
    let toml = dir.join("book.toml");
    if toml.exists() {
        eprintln!("error: {} already exists", toml.display());
        return EXIT_ENVIRONMENT;
    }
    let detected = match crate::load::detect(dir) {
        Ok(detected) => detected,
        Err(err) => {
            eprintln!("error: {err}");
            return EXIT_ENVIRONMENT;
        }
    };
    if detected.layout == crate::load::Layout::PlainMarkdown {
        eprintln!("error: {}", crate::load::nothing_found(dir));
        return EXIT_ENVIRONMENT;
    }
    let config = &detected.config;
    let title = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "My learning paths".into());
    let text = format!(
        "[book]\ntitle = {}\nsrc = {}\n\n[paths]\ndir = {}\n\n[modules]\ndir = {}\n",
        toml_string(&title),
        toml_string(&config.book.src),
        toml_string(&config.paths.dir),
        toml_string(&config.modules.dir)
    );
    if let Err(err) = std::fs::write(&toml, text) {
        eprintln!("error: {}: {err}", toml.display());
        return EXIT_ENVIRONMENT;
    }
    println!(
        "wrote {}: {}",
        toml.display(),
        detected
            .report
            .as_deref()
            .unwrap_or("the content folder as found")
    );
    EXIT_OK
}

/// A TOML basic string: JSON's escaping is valid TOML for these.
fn toml_string(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "\"\"".into())
}

fn init(dir: &Path) -> i32 {
    // A symlink (even a dangling one, which `exists` does not see) at a file or a folder
    // init would write is refused: writing through it would land outside `dir`.
    for (rel, _) in INIT_FILES {
        let mut path = dir.to_path_buf();
        for part in Path::new(rel).components() {
            path.push(part);
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                break;
            };
            if meta.file_type().is_symlink() || path == dir.join(rel) {
                eprintln!(
                    "error: {} already exists{}; init writes only into a folder without a pathbook site",
                    path.display(),
                    if meta.file_type().is_symlink() {
                        " as a symbolic link"
                    } else {
                        ""
                    }
                );
                return EXIT_ENVIRONMENT;
            }
        }
    }
    for (rel, text) in INIT_FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent()
            && let Err(err) = std::fs::create_dir_all(parent)
        {
            eprintln!("error: {}: {err}", parent.display());
            return EXIT_ENVIRONMENT;
        }
        // `create_new` never follows a link that appeared since the check above.
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut file| std::io::Write::write_all(&mut file, text.as_bytes()));
        if let Err(err) = written {
            eprintln!("error: {}: {err}", path.display());
            return EXIT_ENVIRONMENT;
        }
    }
    println!(
        "created a pathbook site in {}; next: `pathbook build {}`",
        dir.display(),
        dir.display()
    );
    EXIT_OK
}
