//! Course repositories as their authors laid them out: found without a `book.toml`, said in
//! one line, and refused with what was looked for when there is nothing to publish.

mod common;
use common::*;

fn build_into(dir: &std::path::Path, out: &std::path::Path) -> (Option<i32>, String, String) {
    let result = run(&["build", ".", "--dest-dir", out.to_str().unwrap()], dir);
    let (stdout, stderr) = text(&result);
    (result.status.code(), stdout, stderr)
}

#[test]
fn paths_and_modules_at_the_root_are_found_without_configuration() {
    let root = fixture("paths-at-root");
    assert!(!root.join("book.toml").exists());
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let (code, stdout, stderr) = build_into(&root, &site);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("note: no book.toml: paths in learning-paths/, modules in modules/"),
        "{stderr}"
    );
    let path = read(site.join("paths/ml-engineer/index.html"));
    assert!(path.contains("ML Engineer Path"), "{path}");
    let module = read(site.join("modules/probability/index.html"));
    assert!(module.contains("Bayes"), "{module}");
    // check finds the same layout and says so.
    let result = run(&["check", "."], &root);
    let (_, stderr) = text(&result);
    assert!(stderr.contains("paths in learning-paths/"), "{stderr}");
}

#[test]
fn a_folder_with_nothing_to_publish_says_what_was_looked_for_and_exits_2() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(temp.path().join("notes.md"), "# Notes\n").unwrap();
    let (code, _, stderr) = build_into(temp.path(), &temp.path().join("out"));
    assert_eq!(code, Some(2), "{stderr}");
    for looked_for in [
        "book.toml",
        "content/",
        "paths/",
        "learning-paths/",
        "modules/",
    ] {
        assert!(stderr.contains(looked_for), "{looked_for}: {stderr}");
    }
    assert!(!temp.path().join("out/index.html").exists());
}

#[test]
fn a_configured_folder_that_does_not_exist_is_an_error_naming_it() {
    let temp = copy_fixture("paths-at-root");
    std::fs::write(
        temp.path().join("book.toml"),
        "[book]\nsrc = \".\"\n\n[paths]\ndir = \"learning-pahts\"\n",
    )
    .unwrap();
    let (code, _, stderr) = build_into(temp.path(), &temp.path().join("out"));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("learning-pahts"), "{stderr}");
    let result = run(&["check", "."], temp.path());
    assert_eq!(result.status.code(), Some(2));
}

#[test]
fn init_here_writes_the_book_toml_that_matches_what_was_found() {
    let temp = copy_fixture("paths-at-root");
    let result = run(&["init", "--here", "."], temp.path());
    let (stdout, stderr) = text(&result);
    assert_eq!(result.status.code(), Some(0), "{stdout}\n{stderr}");
    let toml = read(temp.path().join("book.toml"));
    assert!(toml.contains("src = \".\""), "{toml}");
    assert!(toml.contains("dir = \"learning-paths\""), "{toml}");
    // With the written book.toml the same site builds, now from configuration: no note.
    let (code, stdout, stderr) = build_into(temp.path(), &temp.path().join("out"));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(!stderr.contains("no book.toml"), "{stderr}");
    assert!(
        temp.path()
            .join("out/paths/ml-engineer/index.html")
            .is_file()
    );
    // A second run refuses to overwrite it.
    let again = run(&["init", "--here", "."], temp.path());
    assert_eq!(again.status.code(), Some(2));
}
