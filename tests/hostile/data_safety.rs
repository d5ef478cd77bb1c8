//! Data safety: a build, a clean or an init never removes, overwrites or publishes a
//! file outside what pathbook owns.

use super::*;

pub(crate) fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
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

pub(crate) fn assert_no_file_contains(dir: &Path, needle: &str) {
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

#[test]
fn a_symlinked_build_folder_is_refused_and_its_target_left_alone() {
    let project = Project::new();
    let earlier = tempfile::tempdir().unwrap();
    // An earlier site the maintainer keeps elsewhere, with files pathbook never made.
    std::fs::write(earlier.path().join(".pathbook-build"), "").unwrap();
    std::fs::write(earlier.path().join("CNAME"), "learn.example.org\n").unwrap();
    std::fs::create_dir(earlier.path().join(".well-known")).unwrap();
    std::fs::write(
        earlier.path().join(".well-known/security.txt"),
        "Contact: x\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(earlier.path(), project.join("book")).unwrap();
    for args in [&["build"][..], &["build", "-d", "book"], &["clean"]] {
        let out = project.run(args);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.all());
        assert!(out.stderr.contains("symbolic link"), "{}", out.stderr);
        assert!(earlier.path().join("CNAME").is_file(), "{args:?}");
        assert!(earlier.path().join(".well-known/security.txt").is_file());
        assert!(
            std::fs::symlink_metadata(project.join("book"))
                .unwrap()
                .is_symlink()
        );
        assert!(leftovers(&project).is_empty(), "{:?}", leftovers(&project));
    }
}

#[test]
fn clean_refuses_every_folder_build_refuses() {
    let project = Project::new();
    project.write("book.toml", "[build]\nbuild-dir = \"content\"\n");
    project.write("content/.pathbook-build", "");
    assert_eq!(project.run(&["build"]).code, Some(2));
    let out = project.run(&["clean"]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(out.stderr.contains("not deleting"), "{}", out.stderr);
    assert!(project.join("content/paths/p.md").is_file());
    assert!(project.join("content/modules/alpha/README.md").is_file());
}

#[test]
fn init_never_writes_through_a_symlink() {
    let outside = tempfile::tempdir().unwrap();
    let project = tempfile::tempdir().unwrap();
    let dir = project.path();
    // Dangling links: `exists()` says no, a plain write would create the targets outside.
    std::os::unix::fs::symlink(outside.path().join("book.toml"), dir.join("book.toml")).unwrap();
    let out = run_limited(
        {
            let mut c = common::bin();
            c.arg("init").current_dir(dir);
            c
        },
        QUICK,
    );
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(!outside.path().join("book.toml").exists());
    std::fs::remove_file(dir.join("book.toml")).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.join("content")).unwrap();
    let mut command = common::bin();
    command.arg("init").current_dir(dir);
    let out = run_limited(command, QUICK);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(out.stderr.contains("symbolic link"), "{}", out.stderr);
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}
