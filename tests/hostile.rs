//! Hostile input, safe output (issue 7). Every case runs the real binary on a project made
//! in a temporary folder and asserts the outcome a contributor or CI would see: the exit
//! status, the diagnostic code, the file it names, and never a panic or a hang. Inputs
//! that would be huge or cannot live in git (20 MB files, invalid UTF-8, NUL bytes,
//! symlinks, FIFOs, unreadable files) are generated here rather than kept as fixtures.
//!
//! Also here: the build-folder guards and the atomic swap, files outside the content root,
//! escaping and sanitizing (an XSS corpus), property tests for link resolution and slugs,
//! and the regression tests left by fuzzing (see fuzz/README.md).

mod common;

use proptest::prelude::*;
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

// ----- 1. nasty input: a clear error, never a panic -----

#[test]
fn invalid_utf8_names_the_file_line_and_byte_offset() {
    let project = Project::new();
    project.write(
        "content/modules/alpha/README.md",
        b"# Alpha\n\nText \xff\xfe more\n".as_slice(),
    );
    let (check, build) = project.check_and_build(1);
    for out in [&check.stdout, &build.stderr] {
        assert!(out.contains("error[invalid-utf8]"), "{out}");
        assert!(out.contains("first bad byte at offset 14"), "{out}");
        assert!(out.contains("content/modules/alpha/README.md:3:6"), "{out}");
    }
    let json = project.run(&["check", "--format", "json"]);
    assert!(
        json.stdout.contains("\"code\": \"invalid-utf8\""),
        "{}",
        json.stdout
    );
}

#[test]
fn a_bom_and_crlf_line_endings_work_and_keep_line_numbers() {
    let project = Project::new();
    project.write(
        "content/modules/alpha/README.md",
        "\u{feff}# Alpha\r\n\r\nAlpha text.\r\n\r\n## Setup\r\n\r\nSee [gone](missing.md) and [Beta](../beta/README.md#usage).\r\n",
    );
    let check = project.run(&["check"]);
    assert_eq!(check.code, Some(1), "{}", check.all());
    assert!(
        check.stdout.contains("content/modules/alpha/README.md:7:5"),
        "{}",
        check.stdout
    );
    // The caret line shows the source line without its `\r`.
    assert!(
        check
            .stdout
            .contains("7 | See [gone](missing.md) and [Beta](../beta/README.md#usage).\n"),
        "{}",
        check.stdout
    );
    project.write(
        "content/modules/alpha/README.md",
        "\u{feff}# Alpha\r\n\r\nAlpha text.\r\n\r\n## Setup\r\n\r\nSee [Beta](../beta/README.md#usage).\r\n",
    );
    project.check_and_build(0);
    let html = project.read_out("modules/alpha/index.html");
    assert!(html.contains("<title>Alpha"), "BOM leaked into the title");
    assert!(html.contains("id=\"setup\""), "heading id lost");
    assert!(!html.contains('\u{feff}'), "BOM in the page");
}

/// A README of realistic Markdown (prose, lists, quotes, tables, code, links, a little
/// HTML) repeated to 20 MB.
fn twenty_megabytes() -> String {
    let mut text = String::from("# Alpha\n\n## Setup\n\n");
    let mut part = 0;
    while text.len() < 20 * 1024 * 1024 {
        text.push_str(&format!(
            "## Part {part}\n\nLorem ipsum dolor sit amet, *consectetur* adipiscing elit, sed do `eiusmod` tempor\n\
             incididunt ut labore et dolore magna aliqua. See [Beta](../beta/README.md#usage) and\n\
             [this part](#part-{part}).\n\n- Duis aute irure dolor in reprehenderit in voluptate velit.\n\
             - Excepteur sint occaecat cupidatat non proident.\n  - Nested **bold** item, <kbd>Ctrl</kbd>.\n\n\
             > Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium.\n\n\
             | a | b |\n|---|---|\n| 1 | 2 |\n\n```python\ndef f(x):\n    return x * {part}\n```\n\n{}\n\n",
            "Nemo enim ipsam voluptatem quia voluptas sit aspernatur aut odit aut fugit. ".repeat(12)
        ));
        part += 1;
    }
    text
}

#[test]
fn a_20_megabyte_readme_is_checked_and_built() {
    let project = Project::new();
    let text = twenty_megabytes();
    project.write("content/modules/alpha/README.md", &text);
    let check = project.run_within(&["check"], Duration::from_secs(60));
    assert_eq!(check.code, Some(0), "{}", check.all());
    let build = project.run_within(&["build"], Duration::from_secs(120));
    assert_eq!(build.code, Some(0), "{}", build.all());
    let html = project.read_out("modules/alpha/index.html");
    assert!(html.contains("id=\"part-9999\""), "last parts missing");
    eprintln!(
        "20 MB README ({} bytes): check {:.2} s, build {:.2} s",
        text.len(),
        check.elapsed.as_secs_f64(),
        build.elapsed.as_secs_f64()
    );
}

#[test]
fn lists_and_block_quotes_nested_10000_deep() {
    let project = Project::new();
    // `- - - item` opens a list in a list on one line, so 10,000 levels take 20 KB; the
    // same by indentation would be a 100 MB file. Lines of both kinds, and block quotes.
    let mut alpha = String::from("# Alpha\n\n## Setup\n\n");
    alpha.push_str(&"- ".repeat(10_000));
    alpha.push_str("bullets [Beta](../beta/README.md)\n\n");
    alpha.push_str(&"1. ".repeat(10_000));
    alpha.push_str("numbers\n\n");
    for depth in 0..200 {
        alpha.push_str(&"  ".repeat(depth));
        alpha.push_str("- indented [Beta](../beta/README.md#usage)\n");
    }
    project.write("content/modules/alpha/README.md", &alpha);
    let mut beta = String::from("# Beta\n\n## Usage\n\n");
    beta.push_str(&"> ".repeat(10_000));
    beta.push_str("deep [Alpha](../alpha/README.md)\n\n");
    beta.push_str(&"> - ".repeat(5_000));
    beta.push_str("mixed\n");
    project.write("content/modules/beta/README.md", &beta);
    // The path nests module items 10,000 deep too: the model walks every level.
    let path = format!(
        "# Hostile Path\n\n## Basics (2 weeks)\n\n{}[Alpha](../modules/alpha/README.md)\n\n\
         2. [Beta](../modules/beta/README.md)\n    - {}topic\n",
        "1. ".repeat(10_000),
        "- ".repeat(10_000)
    );
    project.write("content/paths/p.md", &path);
    let (check, build) = project.check_and_build(0);
    let html = project.read_out("modules/beta/index.html");
    assert!(html.contains("mixed"), "deepest text lost");
    assert!(
        project
            .read_out("modules/alpha/index.html")
            .contains("numbers")
    );
    eprintln!(
        "10,000-deep nesting: check {:.2} s, build {:.2} s",
        check.elapsed.as_secs_f64(),
        build.elapsed.as_secs_f64()
    );
}

#[test]
fn a_one_megabyte_line_reports_the_right_column() {
    let project = Project::new();
    let mut line = String::new();
    while line.len() < 1024 * 1024 {
        line.push_str("word *em* [l](#setup) `c` <b>x</b> ");
    }
    let column = line.chars().count() + 1;
    line.push_str("[broken](nope.md)");
    project.write(
        "content/modules/alpha/README.md",
        format!("# Alpha\n\n## Setup\n\n{line}\n"),
    );
    let (check, _) = project.check_and_build(1);
    assert!(check.stdout.contains("error[missing-file]"), "no error");
    assert!(
        check
            .stdout
            .contains(&format!("content/modules/alpha/README.md:5:{column}")),
        "wrong position"
    );
    eprintln!("1 MB line: check {:.2} s", check.elapsed.as_secs_f64());
}

#[test]
fn a_link_with_100000_parent_steps_is_outside_the_root() {
    let project = Project::new();
    let up = "../".repeat(100_000);
    project.write(
        "content/modules/alpha/README.md",
        format!(
            "# Alpha\n\n## Setup\n\n[up]({up}etc/passwd)\n\n![img]({up}x.png)\n\n<a href=\"{up}y\">y</a>\n"
        ),
    );
    let (check, build) = project.check_and_build(1);
    assert_eq!(check.stdout.matches("error[outside-root]").count(), 3);
    assert!(build.stderr.contains("error[outside-root]"));
}

#[test]
fn nul_bytes_are_text_not_terminators() {
    let project = Project::new();
    project.write(
        "content/modules/alpha/README.md",
        "# Al\0pha\n\nText with \0 a NUL.\n\n## Set\0up\n\n[x](a\0b.md) [Beta](../beta/README.md#usage)\n",
    );
    // NUL becomes U+FFFD, as CommonMark requires, one character for one: positions hold.
    let (check, _) = project.check_and_build(1);
    assert!(
        check
            .stdout
            .contains("error[missing-file]: `a\u{fffd}b.md` does not exist"),
        "{}",
        check.stdout
    );
    assert!(check.stdout.contains("content/modules/alpha/README.md:7:1"));
    project.write(
        "content/modules/alpha/README.md",
        "# Al\0pha\n\nText with \0 a NUL.\n\n## Set\0up\n\n[Beta](../beta/README.md#usage)\n",
    );
    project.check_and_build(0);
    let html = project.read_out("modules/alpha/index.html");
    assert!(!html.contains('\0'), "a NUL byte reached the page");
    assert!(html.contains("Text with"), "text after the NUL lost");
}

#[test]
fn symlinks_are_reported_and_never_followed_out_of_the_root() {
    use std::os::unix::fs::symlink;
    let project = Project::new();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "# TOP SECRET\n").unwrap();
    std::fs::write(outside.path().join("secret.png"), "TOP SECRET").unwrap();
    let modules = project.join("content/modules");
    symlink(
        outside.path().join("secret.md"),
        modules.join("alpha/secret.md"),
    )
    .unwrap();
    symlink(
        outside.path().join("secret.png"),
        modules.join("alpha/secret.png"),
    )
    .unwrap();
    symlink(outside.path(), modules.join("outside")).unwrap();
    symlink("loop-b", modules.join("loop-a")).unwrap();
    symlink("loop-a", modules.join("loop-b")).unwrap();
    symlink("..", modules.join("alpha/up")).unwrap();
    // A link inside the root to a file inside the root is fine.
    symlink("../beta/README.md", modules.join("alpha/beta.md")).unwrap();
    project.write(
        "content/modules/alpha/README.md",
        "# Alpha\n\n## Setup\n\n[s](secret.md) ![p](secret.png) [o](../outside/secret.md) [l](../loop-a) [u](up/beta/README.md) [b](beta.md#usage)\n",
    );
    let (check, build) = project.check_and_build(1);
    for out in [&check.stdout, &build.stderr] {
        for (file, why) in [
            ("alpha/secret.md", "symlink points outside the content root"),
            (
                "alpha/secret.png",
                "symlink points outside the content root",
            ),
            ("outside", "symlink points outside the content root"),
            ("loop-a", "broken symlink"),
            ("loop-b", "broken symlink"),
            ("alpha/up", "symlink to a folder is not followed"),
        ] {
            let at = out
                .find(&format!("content/modules/{file}:1:1"))
                .unwrap_or_else(|| panic!("{file} not reported:\n{out}"));
            let headline = out[..at].rsplit("warning[skipped-file]").next().unwrap();
            assert!(headline.contains(why), "{file}: expected `{why}`:\n{out}");
        }
        assert_eq!(out.matches("error[missing-file]").count(), 5, "{out}");
    }
    // With broken links allowed, the build goes ahead and still copies nothing from outside.
    project.write(
        "book.toml",
        "[book]\ntitle = \"Hostile\"\n[build]\non-broken-links = \"warn\"\n",
    );
    let build = project.run(&["build"]);
    assert_eq!(build.code, Some(0), "{}", build.all());
    assert_no_file_contains(&project.join("book"), "TOP SECRET");
    assert!(project.join("book/modules/alpha/index.html").is_file());
}

/// Whether the tests run as root, for whom file permissions do not block reads.
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[test]
fn an_unreadable_file_is_an_error_naming_it() {
    use std::os::unix::fs::PermissionsExt;
    let project = Project::new();
    let file = project.join("content/modules/alpha/README.md");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    // chmod 000 does not stop root, and the tests run as root in CI. Root without the
    // capabilities that bypass permission checks (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH)
    // is stopped like anyone else, so as root the binary runs under `setpriv` with both
    // dropped from its bounding set: the real "permission denied" path, not a stand-in.
    let runs: Vec<Command> = if running_as_root() {
        let setpriv = Command::new("setpriv").arg("--version").output();
        if setpriv.is_err() {
            eprintln!("skipped: running as root and `setpriv` (util-linux) is missing");
            return;
        }
        ["check", "build"]
            .iter()
            .map(|cmd| {
                let mut c = Command::new("setpriv");
                c.args(["--bounding-set=-dac_override,-dac_read_search", "--"])
                    .arg(env!("CARGO_BIN_EXE_pathbook"))
                    .arg(cmd)
                    .env("NO_COLOR", "1")
                    .current_dir(project.root());
                c
            })
            .collect()
    } else {
        vec![project.command(&["check"]), project.command(&["build"])]
    };
    for command in runs {
        let out = run_limited(command, QUICK);
        assert_no_panic(&out, "unreadable file");
        assert_eq!(out.code, Some(1), "{}", out.all());
        let all = out.all();
        assert!(all.contains("error[unreadable-file]"), "{all}");
        assert!(all.contains("Permission denied"), "{all}");
        assert!(all.contains("content/modules/alpha/README.md:1:1"), "{all}");
    }
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn a_fifo_or_a_folder_named_like_markdown_is_never_read() {
    let project = Project::new();
    let fifo = project.join("content/modules/alpha/notes.md");
    let made = Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
    std::fs::create_dir_all(project.join("content/modules/alpha/folder.md")).unwrap();
    // Reading the FIFO would block forever: the run must finish, with a warning.
    let (check, _) = project.check_and_build(0);
    assert!(
        check
            .stdout
            .contains("warning[skipped-file]: not read: not a regular file"),
        "{}",
        check.stdout
    );
    assert!(check.stdout.contains("content/modules/alpha/notes.md:1:1"));
    // A module whose README.md is a folder has no README.
    std::fs::remove_file(project.join("content/modules/beta/README.md")).unwrap();
    std::fs::create_dir_all(project.join("content/modules/beta/README.md")).unwrap();
    let (check, _) = project.check_and_build(1);
    assert!(
        check.stdout.contains("error[missing-module]"),
        "{}",
        check.stdout
    );
}

#[test]
fn file_names_with_spaces_unicode_and_differing_case() {
    let project = Project::new();
    project.write(
        "content/modules/my module/README.md",
        "# My Module\n\nText.\n",
    );
    project.write(
        "content/modules/über/README.md",
        "# Über\n\n![Bild](Bild%20eins.png) ![Bild](<Bild eins.png>)\n",
    );
    project.write("content/modules/über/Bild eins.png", "png");
    project.write("content/modules/Case/README.md", "# Upper Case\n\nText.\n");
    project.write("content/modules/case/README.md", "# Lower Case\n\nText.\n");
    let path = format!(
        "{PATH_MD}3. [Mine](../modules/my%20module/README.md)\n4. [Spaces](<../modules/my module/README.md>)\n5. [Uber](../modules/über/README.md)\n6. [Upper](../modules/Case/README.md)\n7. [Lower](../modules/case/README.md)\n"
    );
    project.write("content/paths/p.md", &path);
    project.check_and_build(0);
    for page in [
        "modules/my module/index.html",
        "modules/über/index.html",
        "modules/über/Bild eins.png",
        "modules/Case/index.html",
        "modules/case/index.html",
    ] {
        assert!(project.join("book").join(page).is_file(), "missing {page}");
    }
    assert!(
        project
            .read_out("modules/Case/index.html")
            .contains("Upper Case")
    );
    assert!(
        project
            .read_out("modules/case/index.html")
            .contains("Lower Case")
    );
    // A link whose case matches neither spelling is an error with the real spelling.
    project.write(
        "content/paths/p.md",
        format!("{path}8. [Wrong](../modules/CASE/README.md)\n"),
    );
    let (check, _) = project.check_and_build(1);
    assert!(
        check.stdout.contains("error[case-mismatch]"),
        "{}",
        check.stdout
    );
    assert!(
        check.stdout.contains("content/paths/p.md:17:4"),
        "{}",
        check.stdout
    );
    assert!(
        check.stdout.contains("the file is spelled `../modules/"),
        "{}",
        check.stdout
    );
    // Inside a module, a wrong-case file link is a case-mismatch naming the real file.
    project.write(
        "content/modules/alpha/README.md",
        "# Alpha\n\n![x](../Über/bild%20eins.png)\n",
    );
    let check = project.run(&["check"]);
    assert!(
        check.stdout.contains("error[case-mismatch]"),
        "{}",
        check.stdout
    );
}

#[test]
fn empty_files() {
    let project = Project::new();
    project.write("content/modules/beta/README.md", "");
    project.write("content/paths/empty.md", "");
    project.write("content/modules/alpha/notes.md", "");
    // The empty module is a warning; the exit code is alpha's link to `beta#usage`.
    let (check, _) = project.check_and_build(1);
    assert!(
        check
            .stdout
            .contains("warning[empty-module]: module `beta` has an empty README")
    );
    assert!(check.stdout.contains("content/modules/beta/README.md:1:1"));
    // An empty path or page is not an error on its own.
    project.write("content/modules/beta/README.md", BETA_MD);
    project.check_and_build(0);
    assert!(project.join("book/paths/empty/index.html").is_file());
}

#[test]
fn a_path_with_no_headings_takes_its_title_from_the_file_name() {
    let project = Project::new();
    project.write(
        "content/paths/no-headings.md",
        "Just prose and a list, no headings.\n\n1. [Alpha](../modules/alpha/README.md)\n",
    );
    project.check_and_build(0);
    let html = project.read_out("paths/no-headings/index.html");
    assert!(html.contains("<title>no headings"), "no fallback title");
}

#[test]
fn a_book_toml_that_is_not_toml() {
    let project = Project::new();
    project.write("book.toml", "[book\ntitle = \"x\"\n");
    let (check, build) = project.check_and_build(2);
    for out in [&check.stderr, &build.stderr] {
        assert!(out.contains("book.toml:1:6"), "{out}");
        assert!(out.contains("unclosed table"), "{out}");
    }
    project.write("book.toml", b"\xff\xfe\0".as_slice());
    let (check, _) = project.check_and_build(2);
    assert!(check.stderr.contains("book.toml"), "{}", check.stderr);
    assert!(check.stderr.contains("UTF-8"), "{}", check.stderr);
}

#[test]
fn a_book_toml_with_wrong_types() {
    let project = Project::new();
    project.write("book.toml", "[book]\ntitle = 1\n");
    let (check, build) = project.check_and_build(2);
    for out in [&check.stderr, &build.stderr] {
        assert!(out.contains("book.toml:2:9"), "{out}");
        assert!(
            out.contains("invalid type: integer `1`, expected a string"),
            "{out}"
        );
    }
    project.write("book.toml", "[build]\non-broken-links = \"sometimes\"\n");
    let (check, _) = project.check_and_build(2);
    assert!(check.stderr.contains("book.toml:2:"), "{}", check.stderr);
    assert!(check.stderr.contains("sometimes"), "{}", check.stderr);
}

#[test]
fn a_book_toml_with_unknown_keys() {
    let project = Project::new();
    project.write(
        "book.toml",
        "[book]\ntitle = \"x\"\n\n[build]\nbuid-dir = \"x\"\n",
    );
    let (check, build) = project.check_and_build(2);
    for out in [&check.stderr, &build.stderr] {
        assert!(out.contains("book.toml:5:1"), "{out}");
        assert!(out.contains("unknown field `buid-dir`"), "{out}");
        assert!(out.contains("did you mean `build-dir`?"), "{out}");
    }
}

#[test]
fn a_template_with_a_syntax_error_names_the_template_and_line() {
    let project = Project::new();
    project.write(
        "templates/module.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<p>ok</p>\n{% if %}\n{% endblock %}\n",
    );
    let build = project.run(&["build"]);
    assert_eq!(build.code, Some(2), "{}", build.all());
    assert!(build.stderr.contains("module.html"), "{}", build.stderr);
    assert!(
        build.stderr.contains("4:7"),
        "no line:column:\n{}",
        build.stderr
    );
    // `check` does not render, so templates do not stop it.
    assert_eq!(project.run(&["check"]).code, Some(0));
}

#[test]
fn a_template_with_an_undefined_variable_names_the_template() {
    let project = Project::new();
    project.write(
        "templates/module.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ no_such_variable.field }}\n{% endblock %}\n",
    );
    let build = project.run(&["build"]);
    assert_eq!(build.code, Some(2), "{}", build.all());
    // Tera reports no line for a render error; it names the template and the variable.
    assert!(build.stderr.contains("'module.html'"), "{}", build.stderr);
    assert!(
        build.stderr.contains("no_such_variable.field"),
        "{}",
        build.stderr
    );
    assert!(!project.join("book").exists(), "a failed build left a site");
}

// ----- 2. output safety -----

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn assert_no_file_contains(dir: &Path, needle: &str) {
    for (rel, bytes) in snapshot(dir) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(needle),
            "{rel} contains `{needle}`"
        );
    }
}

/// Sibling folders a build leaves beside the build folder (staging or retired sites).
/// A replaced site is deleted by a detached process after the build returns, so this
/// waits a little for that to finish.
fn leftovers(project: &Project) -> Vec<String> {
    let list = || -> Vec<String> {
        std::fs::read_dir(project.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".pathbook-"))
            .collect()
    };
    let started = Instant::now();
    loop {
        let found = list();
        if found.is_empty() || started.elapsed() > Duration::from_secs(10) {
            return found;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn build_refuses_folders_it_must_not_replace() {
    let project = Project::new();
    let before = snapshot(project.root());
    for (toml, why) in [
        ("[build]\nbuild-dir = \".\"\n", "it is the project folder"),
        (
            "[build]\nbuild-dir = \"content/..\"\n",
            "it is the project folder",
        ),
        (
            "[build]\nbuild-dir = \"content\"\n",
            "it is or contains the content folder",
        ),
        (
            "[build]\nbuild-dir = \"content/../content/\"\n",
            "it is or contains the content folder",
        ),
        (
            "[build]\nbuild-dir = \"../elsewhere\"\n",
            "it is outside the project",
        ),
        (
            "[build]\nbuild-dir = \"/tmp/pathbook-hostile-out\"\n",
            "it is outside the project",
        ),
    ] {
        project.write("book.toml", toml);
        let out = project.run(&["build"]);
        assert_eq!(out.code, Some(2), "{toml}: {}", out.all());
        assert!(
            out.stderr.contains("refusing to build into"),
            "{toml}: {}",
            out.stderr
        );
        assert!(out.stderr.contains(why), "{toml}: {}", out.stderr);
    }
    project.write("book.toml", "[book]\ntitle = \"Hostile\"\n");
    assert_eq!(
        snapshot(project.root()),
        before,
        "a refused build changed the project"
    );
    assert!(!Path::new("/tmp/pathbook-hostile-out").exists());

    // A build folder that contains the content root.
    project.write(
        "book.toml",
        "[book]\nsrc = \"site/content\"\n[build]\nbuild-dir = \"site\"\n",
    );
    project.write("site/content/paths/p.md", PATH_MD);
    let out = project.run(&["build"]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(
        out.stderr.contains("it is or contains the content folder"),
        "{}",
        out.stderr
    );
    assert!(project.join("site/content/paths/p.md").is_file());
}

#[test]
fn build_refuses_a_symlinked_build_folder_that_is_the_content() {
    let project = Project::new();
    std::os::unix::fs::symlink("content", project.join("book")).unwrap();
    let out = project.run(&["build"]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(
        out.stderr.contains("refusing to build into"),
        "{}",
        out.stderr
    );
    assert!(project.join("content/paths/p.md").is_file());
    assert!(project.join("content/modules/alpha/README.md").is_file());
}

#[test]
fn build_resolves_symlinks_before_parent_steps_as_the_kernel_does() {
    // `link/../site` spells a folder inside the project, but the kernel follows `link`
    // first: the folder is beside the link's target, outside the project.
    let project = Project::new();
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(outside.path().join("deep")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("deep"), project.join("link")).unwrap();
    project.write("book.toml", "[build]\nbuild-dir = \"link/../site\"\n");
    let out = project.run(&["build"]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(
        out.stderr.contains("it is outside the project"),
        "{}",
        out.stderr
    );
    assert!(!outside.path().join("site").exists());
}

#[test]
fn build_outside_the_project_only_with_dest_dir() {
    let project = Project::new();
    let outside = tempfile::tempdir().unwrap();
    let dest = outside.path().join("site");
    project.write(
        "book.toml",
        format!("[build]\nbuild-dir = \"{}\"\n", dest.display()),
    );
    let out = project.run(&["build"]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(!dest.exists());
    let out = project.run(&["build", "--dest-dir", dest.to_str().unwrap()]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(dest.join("index.html").is_file());
    assert!(dest.join(".pathbook-build").is_file());
    // Even with --dest-dir: never a folder pathbook did not make, never the project.
    let theirs = outside.path().join("theirs");
    std::fs::create_dir_all(&theirs).unwrap();
    std::fs::write(theirs.join("keep.txt"), "mine").unwrap();
    let out = project.run(&["build", "--dest-dir", theirs.to_str().unwrap()]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(out.stderr.contains("did not create"), "{}", out.stderr);
    assert_eq!(common::read(theirs.join("keep.txt")), "mine");
    let root = project.root().to_str().unwrap().to_string();
    let out = project.run(&["build", "--dest-dir", &root]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    let out = project.run(&["build", "--dest-dir", outside.path().to_str().unwrap()]);
    assert_eq!(out.code, Some(2), "{}", out.all());
}

#[test]
fn clean_deletes_only_what_pathbook_built() {
    let project = Project::new();
    // Not built by pathbook: no marker.
    project.write("book/keep.txt", "mine");
    let out = project.run(&["clean"]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(
        out.stderr.contains("no .pathbook-build marker"),
        "{}",
        out.stderr
    );
    assert!(project.join("book/keep.txt").is_file());
    std::fs::remove_dir_all(project.join("book")).unwrap();
    // Built by pathbook.
    assert_eq!(project.run(&["build"]).code, Some(0));
    let out = project.run(&["clean"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(!project.join("book").exists());
    let out = project.run(&["clean"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(out.stdout.contains("nothing to clean"));
    // A marker committed at the project root must not make `clean` delete the project.
    project.write(".pathbook-build", "built by pathbook\n");
    project.write("book.toml", "[build]\nbuild-dir = \".\"\n");
    let out = project.run(&["clean"]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(project.join("content/paths/p.md").is_file());
    // ... nor a marker in a folder that holds the current folder.
    project.write("sub/.pathbook-build", "x");
    project.write("sub/inner/keep.txt", "mine");
    let out = run_limited(
        {
            let mut c = common::bin();
            c.args(["clean", "..", "--dest-dir", ".."])
                .current_dir(project.join("sub/inner"));
            c
        },
        QUICK,
    );
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(project.join("sub/inner/keep.txt").is_file());
}

#[test]
fn a_build_that_fails_on_content_leaves_the_previous_site() {
    let project = Project::new();
    assert_eq!(project.run(&["build"]).code, Some(0));
    let before = snapshot(&project.join("book"));
    project.write(
        "content/modules/alpha/README.md",
        "# Alpha\n\n[broken](nope.md)\n",
    );
    let out = project.run(&["build"]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(
        out.stderr.contains("the previous site in"),
        "{}",
        out.stderr
    );
    assert_eq!(snapshot(&project.join("book")), before);
    assert!(leftovers(&project).is_empty(), "{:?}", leftovers(&project));
}

/// `pathbook build` under a file-size limit (RLIMIT_FSIZE, which binds root too), so a
/// write fails part-way through the staging folder. With SIGXFSZ ignored the write
/// returns an error; with the default action the process is killed mid-write, as by a
/// power cut or Ctrl-C.
fn build_with_file_size_limit(project: &Project, ignore_signal: bool) -> Outcome {
    let trap = if ignore_signal { "trap '' XFSZ; " } else { "" };
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!("{trap}ulimit -f 8 && exec \"$0\" build"))
        .arg(env!("CARGO_BIN_EXE_pathbook"))
        .env("NO_COLOR", "1")
        .current_dir(project.root());
    run_limited(command, QUICK)
}

#[test]
fn a_write_failure_leaves_the_previous_site() {
    let project = Project::new();
    assert_eq!(project.run(&["build"]).code, Some(0));
    let before = snapshot(&project.join("book"));
    project.write(
        "content/modules/beta/README.md",
        format!("# Beta\n\n## Usage\n\n{}\n", "Changed text. ".repeat(2000)),
    );
    let out = build_with_file_size_limit(&project, true);
    assert_no_panic(&out, "build with a write failure");
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(out.stderr.contains("File too large"), "{}", out.stderr);
    assert_eq!(snapshot(&project.join("book")), before);
    assert!(leftovers(&project).is_empty(), "{:?}", leftovers(&project));
}

#[test]
fn an_interrupted_build_leaves_the_previous_site_and_the_next_build_recovers() {
    let project = Project::new();
    assert_eq!(project.run(&["build"]).code, Some(0));
    let before = snapshot(&project.join("book"));
    project.write(
        "content/modules/beta/README.md",
        format!("# Beta\n\n## Usage\n\n{}\n", "Changed text. ".repeat(2000)),
    );
    let out = build_with_file_size_limit(&project, false);
    assert_eq!(
        out.code,
        None,
        "expected SIGXFSZ to kill the build: {}",
        out.all()
    );
    assert_eq!(snapshot(&project.join("book")), before);
    // The next build replaces the site and clears what the killed one left behind.
    let out = project.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(
        project
            .read_out("modules/beta/index.html")
            .contains("Changed text.")
    );
    assert!(leftovers(&project).is_empty(), "{:?}", leftovers(&project));
}

#[test]
fn files_outside_the_content_root_are_never_copied() {
    let project = Project::new();
    project.write("secret.png", "TOP SECRET png");
    project.write("secret.md", "# TOP SECRET md");
    project.write(
        "book.toml",
        "[book]\ntitle = \"Hostile\"\n[build]\non-broken-links = \"warn\"\n",
    );
    project.write(
        "content/modules/alpha/README.md",
        "# Alpha\n\n![x](../../secret.png) ![x](../../../secret.png) ![x](/../secret.png)\n\
         ![x](..%2f..%2fsecret.png) ![x](..\\\\..\\\\..\\\\secret.png) [m](../../../secret.md)\n\
         <img src=\"../../../secret.png\"> <a href=\"../../../secret.md\">m</a>\n\
         ![x](file:///etc/passwd)\n",
    );
    // `check` reports every one of them (`on-broken-links` only softens `build`).
    let check = project.run(&["check"]);
    assert_eq!(check.code, Some(1), "{}", check.all());
    assert_eq!(
        check.stdout.matches("error[outside-root]").count(),
        6,
        "{}",
        check.stdout
    );
    assert_eq!(
        check.stdout.matches("error[missing-file]").count(),
        2,
        "{}",
        check.stdout
    );
    let build = project.run(&["build"]);
    assert_eq!(build.code, Some(0), "{}", build.all());
    assert_no_file_contains(&project.join("book"), "TOP SECRET");
    assert_no_file_contains(&project.join("book"), "root:x:0:0");
    for (rel, _) in snapshot(&project.join("book")) {
        assert!(!rel.contains("secret"), "{rel} was written");
    }
}

// ----- 3. readers are safe -----

/// Opening tags (name and attributes) in `html`, with the insides of `<script>` blocks
/// skipped. A scanner of its own, sharing nothing with pathbook's.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let tag =
        regex::Regex::new(r#"<([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>"#).unwrap();
    let attr = regex::Regex::new(r#"([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?"#)
        .unwrap();
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(m) = tag.captures(rest) {
        let whole = m.get(0).unwrap();
        let name = m[1].to_ascii_lowercase();
        let attrs = attr
            .captures_iter(&m[2])
            .map(|a| {
                let value = a
                    .get(2)
                    .or(a.get(3))
                    .or(a.get(4))
                    .map_or("", |v| v.as_str());
                (a[1].to_ascii_lowercase(), decode(value))
            })
            .collect();
        found.push((name.clone(), attrs));
        rest = &rest[whole.end()..];
        if name == "script" {
            let end = rest
                .to_ascii_lowercase()
                .find("</script")
                .unwrap_or(rest.len());
            rest = &rest[end..];
        }
    }
    found
}

/// Character references as a browser decodes them in attribute values.
fn decode(value: &str) -> String {
    let entity = regex::Regex::new(r"&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);?").unwrap();
    entity
        .replace_all(value, |c: &regex::Captures| {
            let name = &c[1];
            let code = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok()
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse().ok()
            } else {
                match name {
                    "lt" => Some('<' as u32),
                    "gt" => Some('>' as u32),
                    "amp" => Some('&' as u32),
                    "quot" => Some('"' as u32),
                    "apos" => Some('\'' as u32),
                    "colon" => Some(':' as u32),
                    "Tab" => Some(9),
                    "NewLine" => Some(10),
                    _ => None,
                }
            };
            code.and_then(char::from_u32)
                .map_or_else(|| c[0].to_string(), |ch| ch.to_string())
        })
        .into_owned()
}

/// The scheme a browser would see in a URL attribute, lowercased.
fn scheme(url: &str) -> Option<String> {
    let compact: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = compact.split_once(':')?;
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// Everything in the built site that would run script from content, or let content
/// restyle or frame the page. `theme_scripts` are the theme's own `<script>` tags, from a
/// build of the same templates on benign content.
fn executable_content(site: &Path, theme_scripts: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    for (rel, bytes) in snapshot(site) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&bytes);
        for (name, attrs) in tags(&html) {
            let shown = format!("{rel}: <{name} {attrs:?}>");
            if name == "script" {
                let signature = script_signature(&attrs);
                if !theme_scripts.contains(&signature) {
                    problems.push(format!("script not from the theme: {shown}"));
                }
            }
            if matches!(
                name.as_str(),
                "iframe"
                    | "frame"
                    | "object"
                    | "embed"
                    | "applet"
                    | "form"
                    | "base"
                    | "style"
                    | "math"
                    | "template"
                    | "frameset"
            ) {
                problems.push(format!("forbidden tag: {shown}"));
            }
            if name == "meta" && attrs.iter().any(|(n, _)| n == "http-equiv") {
                problems.push(format!("meta refresh: {shown}"));
            }
            for (attr, value) in &attrs {
                if attr.starts_with("on") {
                    problems.push(format!("event handler: {shown}"));
                }
                if attr == "style" && !value.starts_with("text-align:") {
                    problems.push(format!("style attribute: {shown}"));
                }
                if matches!(
                    attr.as_str(),
                    "href"
                        | "src"
                        | "action"
                        | "formaction"
                        | "xlink:href"
                        | "data"
                        | "poster"
                        | "srcset"
                        | "background"
                        | "ping"
                ) && let Some(scheme) = scheme(value)
                {
                    let image = name == "img"
                        && attr == "src"
                        && scheme == "data"
                        && value.trim().to_ascii_lowercase().starts_with("data:image/");
                    if matches!(scheme.as_str(), "javascript" | "vbscript" | "data") && !image {
                        problems.push(format!("{scheme}: URL: {shown}"));
                    }
                }
            }
        }
        // JSON in script blocks must still be JSON: content that closed the block early
        // would have broken out of it.
        let mut rest: &str = &html;
        while let Some(at) = rest.find("<script type=\"application/json\"") {
            let body = &rest[at..];
            let start = body.find('>').unwrap() + 1;
            let end = body.find("</script>").unwrap();
            if let Err(err) = serde_json::from_str::<serde_json::Value>(&body[start..end]) {
                problems.push(format!("{rel}: JSON script block broken: {err}"));
            }
            rest = &body[end..];
        }
    }
    problems
}

/// A `<script>` tag's attributes with the page's `../` prefixes removed, so the theme's
/// script is recognised at any depth.
fn script_signature(attrs: &[(String, String)]) -> String {
    let attrs: Vec<(String, String)> = attrs
        .iter()
        .map(|(n, v)| (n.clone(), v.trim_start_matches("../").to_string()))
        .collect();
    format!("{attrs:?}")
}

fn theme_scripts(site: &Path) -> Vec<String> {
    let mut scripts = Vec::new();
    for (rel, bytes) in snapshot(site) {
        if rel.ends_with(".html") {
            for (name, attrs) in tags(&String::from_utf8_lossy(&bytes)) {
                let signature = script_signature(&attrs);
                if name == "script" && !scripts.contains(&signature) {
                    scripts.push(signature);
                }
            }
        }
    }
    scripts
}

const XSS: &str = "<script>alert(1)</script>";

#[test]
fn content_values_reaching_templates_are_escaped() {
    let baseline = Project::new();
    assert_eq!(baseline.run(&["build"]).code, Some(0));
    let theme = theme_scripts(&baseline.join("book"));
    assert!(
        !theme.is_empty(),
        "the theme has no scripts to compare with"
    );

    let project = Project::new();
    // A module folder whose name is markup (no `/`, so it is a valid file name).
    let evil_slug = "x\"><img src=x onerror=alert(1)>";
    project.write(
        "book.toml",
        format!(
            "[book]\ntitle = \"{XSS}\"\ndescription = \"\\\"><script>alert(1)</script>\"\nauthors = [\"{XSS}\"]\n"
        ),
    );
    project.write(
        "content/paths/p.md",
        format!(
            "# Path {XSS}\n\n## Overview\nIntro {XSS} text.\n\n## Phase {XSS} (2 weeks)\n\n\
             ### Group <img src=x onerror=alert(1)>\n\n\
             1. [Alpha {XSS}](../modules/alpha/README.md)\n    - Topic {XSS}\n    - Topic `</script><script>alert(1)</script>`\n\
             2. [Beta](../modules/beta/README.md)\n    - Topic <svg onload=alert(1)>\n\
             3. [Evil](<../modules/{evil_slug}/README.md>)\n\n\
             ## Choose {XSS} (Choose 1) (1 week)\n\n### Track \"><script>alert(1)</script>\n\n\
             1. [Beta](../modules/beta/README.md)\n\n### Other track\n\n1. [Alpha](../modules/alpha/README.md)\n"
        ),
    );
    project.write(
        "content/modules/alpha/README.md",
        format!(
            "# <script>alert(1)</script>\n\nSummary {XSS} here.\n\n## Heading {XSS}\n\n## `</script>` in code\n\n\
             [link](<\"><script>alert(1)</script>>) [Beta](../beta/README.md#usage)\n"
        ),
    );
    project.write(
        format!("content/modules/{evil_slug}/README.md").as_str(),
        format!("# Evil {XSS}\n\nText.\n"),
    );
    let build = project.run(&["build"]);
    // Broken links (the markup link target) are reported; the site must still be inert.
    assert!(matches!(build.code, Some(0) | Some(1)), "{}", build.all());
    if build.code == Some(1) {
        project.write(
            "book.toml",
            format!(
                "[book]\ntitle = \"{XSS}\"\ndescription = \"\\\"><script>alert(1)</script>\"\n[build]\non-broken-links = \"warn\"\n"
            ),
        );
        let build = project.run(&["build"]);
        assert_eq!(build.code, Some(0), "{}", build.all());
    }
    let site = project.join("book");
    let problems = executable_content(&site, &theme);
    assert!(problems.is_empty(), "{problems:#?}");
    // The values did reach the pages, as text.
    let alpha = common::read(site.join("modules/alpha/index.html"));
    assert!(
        alpha.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "title not shown as text"
    );
    let shown_as_text = snapshot(&site).into_iter().any(|(rel, bytes)| {
        rel.ends_with(".html")
            && String::from_utf8_lossy(&bytes)
                .contains("Topic &lt;/script&gt;&lt;script&gt;alert(1)")
    });
    assert!(shown_as_text, "topic not shown as text on any page");
    assert!(
        site.join(format!("modules/{evil_slug}/index.html"))
            .is_file()
    );
}

/// Known XSS payloads (OWASP filter-evasion style), each after a marker so the test can
/// tell that the page was rendered with it.
const XSS_PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.test/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<img src=\"jav\tascript:alert('XSS');\">",
    "<img src=\"jav&#x09;ascript:alert('XSS');\">",
    "<img src=\" &#14;  javascript:alert('XSS');\">",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    "<a href=\"javascript:alert(1)\">js</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">js</a>",
    "<a href=\"&#106;avascript:alert(1)\">js</a>",
    "<a href=\"javascript&colon;alert(1)\">js</a>",
    "<a href=\"vbscript:msgbox(1)\">vb</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>",
    "<a href=\" javascript:alert(1)\">space</a>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">XSS</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "<button formaction=\"javascript:alert(1)\">x</button>",
    "<input type=\"image\" src=\"x\" onerror=\"alert(1)\">",
    "<input onfocus=alert(1) autofocus>",
    "<style>@import 'https://evil.test/x.css';</style>",
    "<div style=\"position:fixed;top:0;left:0;width:100%;height:100%\">cover</div>",
    "<div style=\"background:url(javascript:alert(1))\">bg</div>",
    "<link rel=\"stylesheet\" href=\"https://evil.test/x.css\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"https://evil.test/\">",
    "<marquee onstart=alert(1)>m</marquee>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<audio src=x onerror=alert(1)>",
    "<a href=\"#\" onclick=\"alert(1)\" onmouseover=alert(1)>hover</a>",
    "<div/onmouseover='alert(1)'>slash</div>",
    "<img \"\"\"><script>alert(1)</script>\">",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "<template><script>alert(1)</script></template>",
    "<textarea></textarea><script>alert(1)</script>",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<table background=\"javascript:alert(1)\"><tr><td>t</td></tr></table>",
    "<isindex action=javascript:alert(1) type=image>",
    "<a href=\"java\nscript:alert(1)\">newline</a>",
    "<img src=\"data:text/html,<script>alert(1)</script>\">",
];

/// Markdown (not raw HTML) that produces script-capable markup with no tag written.
const MARKDOWN_PAYLOADS: &[&str] = &[
    "[md](javascript:alert(1))",
    "[md](JAVASCRIPT:alert(1))",
    "[md](vbscript:msgbox(1))",
    "[md](<javascript:alert(1)>)",
    "![md](javascript:alert(1))",
    "![md](data:text/html,<script>alert(1)</script>)",
    "<javascript:alert(1)>",
    "[ref][r]\n\n[r]: javascript:alert(1)",
    "## Attrs {onclick=alert(1) .x style=position:fixed}",
];

/// The HTML READMEs really use, which must come through unchanged in substance.
const BENIGN_HTML: &str = r#"<p align="center"><a href="https://example.org/"><img src="logo.png" alt="Logo" width="120"></a></p>

<div align="right"><span id="custom-anchor">anchor</span></div>

<details>
<summary>Click to expand</summary>

Press <kbd>Ctrl</kbd>+<kbd>C</kbd>; E = mc<sup>2</sup>; H<sub>2</sub>O.<br>
Second line.

</details>

<picture>
  <source media="(prefers-color-scheme: dark)" srcset="logo.png">
  <img src="logo.png" alt="Themed logo">
</picture>

<table><tr><th>Key</th><td>Value</td></tr></table>

<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">

| left | center |
|:-----|:------:|
| a    | b      |

- [x] done
- [ ] to do

```python
def f(x):
    return x
```
"#;

/// A site whose module `alpha` holds the benign README HTML and every payload, each as a
/// block and inline, after a marker. Returns the project and the theme's own scripts.
fn payload_site(sanitize: bool) -> (Project, Vec<String>) {
    let baseline = Project::new();
    assert_eq!(baseline.run(&["build"]).code, Some(0));
    let theme = theme_scripts(&baseline.join("book"));

    let project = Project::new();
    let mut readme = String::from("# Alpha\n\n## Setup\n\n");
    readme.push_str(BENIGN_HTML);
    for (i, payload) in XSS_PAYLOADS.iter().chain(MARKDOWN_PAYLOADS).enumerate() {
        readme.push_str(&format!(
            "\nMARKER{i} block\n\n{payload}\n\ninline MARKER{i}x {payload} after\n\n"
        ));
    }
    readme.push_str("\nEND-OF-PAGE [Beta](../beta/README.md#usage)\n");
    project.write("content/modules/alpha/README.md", &readme);
    project.write("content/modules/alpha/logo.png", "png");
    project.write(
        "book.toml",
        format!("[book]\ntitle = \"Hostile\"\n[build]\non-broken-links = \"warn\"\n[output.html]\nsanitize = {sanitize}\n"),
    );
    let build = project.run(&["build"]);
    assert_eq!(build.code, Some(0), "{}", build.all());
    (project, theme)
}

#[test]
fn the_scanner_sees_the_payloads_when_sanitizing_is_off() {
    // Guards the test below against passing vacuously: the same corpus, unsanitized, must
    // trip every kind of check the scanner makes.
    let (project, theme) = payload_site(false);
    let problems = executable_content(&project.join("book"), &theme);
    for kind in [
        "script not from the theme",
        "event handler",
        "javascript: URL",
        "vbscript: URL",
        "data: URL",
        "forbidden tag: modules/alpha/index.html: <iframe",
        "forbidden tag: modules/alpha/index.html: <style",
        "forbidden tag: modules/alpha/index.html: <form",
        "forbidden tag: modules/alpha/index.html: <base",
        "meta refresh",
        "style attribute",
    ] {
        assert!(
            problems.iter().any(|p| p.starts_with(kind)),
            "scanner missed `{kind}`: {problems:#?}"
        );
    }
}

#[test]
fn raw_html_xss_payloads_render_inert_and_readme_html_survives() {
    let (project, theme) = payload_site(true);
    let site = project.join("book");
    let problems = executable_content(&site, &theme);
    assert!(problems.is_empty(), "{problems:#?}");

    let html = common::read(site.join("modules/alpha/index.html"));
    for i in 0..XSS_PAYLOADS.len() + MARKDOWN_PAYLOADS.len() {
        assert!(
            html.contains(&format!("MARKER{i} block")),
            "payload {i} swallowed the page"
        );
    }
    assert!(html.contains("END-OF-PAGE"), "the page was cut short");
    for kept in [
        r#"<p align="center"><a href="https://example.org/"><img src="logo.png" alt="Logo" width="120"></a></p>"#,
        r#"<div align="right"><span id="custom-anchor">anchor</span></div>"#,
        "<summary>Click to expand</summary>",
        "<kbd>Ctrl</kbd>+<kbd>C</kbd>",
        "mc<sup>2</sup>",
        "H<sub>2</sub>O",
        "<br>",
        r#"<source media="(prefers-color-scheme: dark)" srcset="logo.png">"#,
        r#"<img src="logo.png" alt="Themed logo">"#,
        "<th>Key</th><td>Value</td>",
        r#"<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">"#,
        r#"<th style="text-align: center">center</th>"#,
        r#"<input disabled="" type="checkbox" checked="">"#,
        r#"<pre class="code""#,
        r#"data-lang="python"><code class="language-python"><span class="hl-"#,
        r#"<h2 id="setup">"#,
        "<details>",
    ] {
        assert!(html.contains(kept), "README HTML lost: {kept}");
    }
    assert!(
        site.join("modules/alpha/logo.png").is_file(),
        "image not copied"
    );
}

#[test]
fn sanitize_false_keeps_html_as_written() {
    let project = Project::new();
    project.write(
        "book.toml",
        "[book]\ntitle = \"Hostile\"\n[output.html]\nsanitize = false\n",
    );
    project.write(
        "content/modules/alpha/README.md",
        "# Alpha\n\n<div style=\"color: red\" class=\"callout\" onclick=\"track()\">trusted</div>\n\n<script>console.log('trusted author')</script>\n\n[Beta](../beta/README.md#usage)\n",
    );
    project.check_and_build(0);
    let html = project.read_out("modules/alpha/index.html");
    assert!(
        html.contains(
            "<div style=\"color: red\" class=\"callout\" onclick=\"track()\">trusted</div>"
        ),
        "HTML changed"
    );
    assert!(html.contains("<script>console.log('trusted author')</script>"));
}

// ----- 5. property tests -----

mod properties {
    use super::*;
    use pathbook::discover::FileIndex;
    use pathbook::links::{Resolved, resolve};
    use pathbook::slug::{Slugger, github_slug};
    use std::collections::{BTreeSet, HashSet};

    fn index() -> FileIndex {
        let mut index = FileIndex::default();
        let files = [
            "paths/p.md",
            "modules/a/README.md",
            "modules/a/img/x.png",
            "modules/b/index.md",
            "modules/b c/README.md",
            "README.md",
        ];
        let mut dirs = BTreeSet::from([String::new()]);
        for file in files {
            let mut parent = pathbook::discover::parent_of(file);
            while !parent.is_empty() {
                dirs.insert(parent.to_string());
                parent = pathbook::discover::parent_of(parent);
            }
            index.files.insert(file.to_string());
        }
        index.dirs = dirs;
        index.rebuild_case_map();
        index
    }

    /// A path segment: names, dots, separators and their percent-escapes.
    fn segment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("..".to_string()),
            Just(".".to_string()),
            Just("".to_string()),
            Just("%2e%2e".to_string()),
            Just("%2E%2E".to_string()),
            Just(".%2e".to_string()),
            Just("%2f".to_string()),
            Just("%5c".to_string()),
            Just("..%2f..".to_string()),
            Just("..\\..".to_string()),
            Just("modules".to_string()),
            Just("a".to_string()),
            Just("README.md".to_string()),
            Just("b c".to_string()),
            Just("%00".to_string()),
            "[a-zA-Z0-9 ._%-]{1,8}",
        ]
    }

    fn dest() -> impl Strategy<Value = String> {
        (
            prop_oneof![Just(""), Just("/"), Just("\\"), Just("./"), Just("//")],
            proptest::collection::vec(segment(), 0..24),
            prop_oneof![Just("/"), Just("\\")],
            prop_oneof![Just(""), Just("#frag"), Just("?q=1#x")],
        )
            .prop_map(|(lead, parts, sep, tail)| format!("{lead}{}{tail}", parts.join(sep)))
    }

    fn from() -> impl Strategy<Value = &'static str> {
        prop_oneof![
            Just("paths/p.md"),
            Just("modules/a/README.md"),
            Just("modules/b c/README.md"),
            Just("README.md"),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Whatever the link says, a local result is a file the index holds: never a
        /// path with `..`, a root, or a separator that could leave the content root.
        #[test]
        fn resolution_never_leaves_the_root(from in from(), dest in dest()) {
            let index = index();
            if let Resolved::Local { rel, .. } = resolve(from, &dest, &index) {
                prop_assert!(index.is_file(&rel), "{dest} -> {rel} not in the index");
                prop_assert!(!rel.starts_with('/') && !rel.contains('\\'), "{dest} -> {rel}");
                prop_assert!(!rel.split('/').any(|p| p == ".." || p == "." || p.is_empty()), "{dest} -> {rel}");
            }
        }

        /// The same with any text at all as the destination.
        #[test]
        fn resolution_of_any_text_stays_inside(from in from(), dest in "\\PC{0,64}") {
            let index = index();
            if let Resolved::Local { rel, .. } = resolve(from, &dest, &index) {
                prop_assert!(index.is_file(&rel), "{dest:?} -> {rel}");
            }
        }

        /// join_inside_root never produces `..`, whatever it is given.
        #[test]
        fn joining_folds_every_parent_step(base in "[a-z/.]{0,16}", rel in dest()) {
            if let Some(joined) = pathbook::links::join_inside_root(&base, &rel) {
                prop_assert!(!joined.split('/').any(|p| p == ".."), "{base} + {rel} -> {joined}");
                prop_assert!(!joined.starts_with('/'));
            }
        }

        /// Same text, same id, every time and in every Slugger.
        #[test]
        fn slugs_are_stable(text in "\\PC{0,40}") {
            let first = github_slug(&text);
            prop_assert_eq!(&first, &github_slug(&text));
            prop_assert_eq!(Slugger::default().slug(&text), first);
        }

        /// A page's ids never repeat, whatever its headings and custom ids.
        #[test]
        fn slugs_are_unique_per_page(
            headings in proptest::collection::vec(
                prop_oneof!["[a-c -]{0,6}", "[a-c]{1,3}-[0-9]{1,2}", "\\PC{0,8}"], 0..60),
            reserved in proptest::collection::vec("[a-c]{1,3}(-[0-9])?", 0..6),
        ) {
            let mut slugger = Slugger::default();
            for id in &reserved {
                slugger.reserve(id);
            }
            let mut seen: HashSet<String> = reserved.iter().cloned().collect();
            for heading in &headings {
                let id = slugger.slug(heading);
                prop_assert!(seen.insert(id.clone()), "duplicate id {id:?} from {heading:?}");
            }
        }

        /// The ids the parser gives a document's headings are unique too.
        #[test]
        fn parsed_heading_ids_are_unique(
            lines in proptest::collection::vec(
                prop_oneof![
                    "## [a-c ]{0,5}",
                    "## [a-c]{1,2}-1",
                    "## [a-c]{1,3} \\{#[a-c]{1,3}(-1)?\\}",
                    "[a-c ]{0,5}",
                ], 0..40),
        ) {
            let text = lines.join("\n\n");
            let doc = pathbook::markdown::parse(&text);
            let mut seen = HashSet::new();
            for h in &doc.headings {
                // Two custom ids can be equal when the author wrote them so; generated
                // ones never collide with anything.
                let custom = text.contains(&format!("{{#{}}}", h.id));
                prop_assert!(seen.insert(h.id.clone()) || custom, "duplicate {:?} in {text:?}", h.id);
            }
        }
    }
}
