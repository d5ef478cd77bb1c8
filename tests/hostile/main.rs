//! Hostile input, safe output (issue 7). Every case runs the real binary on a project made
//! in a temporary folder and asserts the outcome a contributor or CI would see: the exit
//! status, the diagnostic code, the file it names, and never a panic or a hang. Inputs
//! that would be huge or cannot live in git (20 MB files, invalid UTF-8, NUL bytes,
//! symlinks, FIFOs, unreadable files) are generated here rather than kept as fixtures.
//!
//! Also here: the build-folder guards and the atomic swap, files outside the content root,
//! escaping and sanitizing (an XSS corpus), property tests for link resolution and slugs,
//! and the regression tests left by fuzzing (see fuzz/README.md).

#[path = "../common/mod.rs"]
mod common;

mod bounded_cost;
mod data_safety;
mod inputs;
mod logs;
mod properties;
mod script;
mod serve;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

// ----- running the binary with a time limit -----

struct Outcome {
    /// `None` when the process was ended by a signal.
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Outcome {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs `command` to completion, killing it (and failing) after `limit`. Output is drained
/// on threads so a command that prints megabytes cannot block on a full pipe.
fn run_limited(mut command: Command, limit: Duration) -> Outcome {
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn pathbook");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} still running after {limit:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Outcome {
        code: status.code(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        elapsed: started.elapsed(),
    }
}

/// The limit for one run on a small project. Generous because the test binary is a debug
/// build and the suite shares two cores; what it catches is a hang or a quadratic blow-up.
const QUICK: Duration = Duration::from_secs(20);

/// Asserts what every run must satisfy: it ended on its own with an exit code, and did not
/// panic.
fn assert_no_panic(out: &Outcome, what: &str) {
    assert!(
        !out.stderr.contains("panicked") && !out.stderr.contains("RUST_BACKTRACE"),
        "{what} panicked:\n{}",
        out.stderr
    );
    assert!(
        out.code.is_some(),
        "{what} was killed by a signal:\n{}",
        out.stderr
    );
}

// ----- projects in temporary folders -----

struct Project {
    dir: tempfile::TempDir,
}

const PATH_MD: &str = "# Hostile Path\n\n## Overview\nA small path.\n\n## Basics (2 weeks)\n\n1. [Alpha](../modules/alpha/README.md)\n    - First topic\n2. [Beta](../modules/beta/README.md)\n    - Second topic\n";
const ALPHA_MD: &str =
    "# Alpha\n\nAlpha text.\n\n## Setup\n\nSee [Beta](../beta/README.md#usage).\n";
const BETA_MD: &str = "# Beta\n\n## Usage\n\nUse it.\n";

impl Project {
    /// A valid site: one path linking modules `alpha` and `beta`.
    fn new() -> Project {
        let project = Project {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        project.write("book.toml", "[book]\ntitle = \"Hostile\"\n");
        project.write("content/paths/p.md", PATH_MD);
        project.write("content/modules/alpha/README.md", ALPHA_MD);
        project.write("content/modules/beta/README.md", BETA_MD);
        project
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn join(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let path = self.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = common::bin();
        command.args(args).current_dir(self.root());
        command
    }

    fn run_within(&self, args: &[&str], limit: Duration) -> Outcome {
        let out = run_limited(self.command(args), limit);
        assert_no_panic(&out, &format!("pathbook {}", args.join(" ")));
        out
    }

    fn run(&self, args: &[&str]) -> Outcome {
        self.run_within(args, QUICK)
    }

    /// `check` and `build`, both expected to exit with `code`; returns their outputs.
    fn check_and_build(&self, code: i32) -> (Outcome, Outcome) {
        let check = self.run(&["check"]);
        assert_eq!(check.code, Some(code), "check:\n{}", check.all());
        let build = self.run(&["build"]);
        assert_eq!(build.code, Some(code), "build:\n{}", build.all());
        (check, build)
    }

    fn read_out(&self, rel: &str) -> String {
        common::read(self.join("book").join(rel))
    }
}

#[test]
fn the_base_project_is_clean() {
    let project = Project::new();
    let (check, _) = project.check_and_build(0);
    assert!(
        check.stdout.contains("0 errors, 0 warnings"),
        "{}",
        check.stdout
    );
}
