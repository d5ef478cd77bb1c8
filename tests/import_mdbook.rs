//! `import-mdbook` reads only the book's own `src`: a SUMMARY.md from a contributor cannot
//! copy a file from elsewhere on the machine into the published site.

mod common;
use common::*;

fn write(path: &std::path::Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn chapters_outside_the_books_src_are_refused_and_listed() {
    let temp = tempfile::tempdir().unwrap();
    let secret_text = "SECRET-TOKEN-4c1d";
    let secret = temp.path().join("secret.md");
    write(&secret, &format!("# Secret\n\n{secret_text}\n"));
    let book = temp.path().join("book");
    write(&book.join("book.toml"), "[book]\ntitle = \"Notes\"\n");
    write(
        &book.join("src/beside.md"),
        &format!("# Beside\n\n{secret_text}\n"),
    );
    std::os::unix::fs::symlink(&secret, book.join("src/linked.md")).unwrap();
    write(
        &book.join("src/SUMMARY.md"),
        &format!(
            "# Summary\n\n- [Fine](fine.md)\n- [Absolute]({})\n- [Dots](../secret.md)\n- [Encoded](%2e%2e/secret.md)\n- [Encoded slash](src%2f..%2f..%2fsecret.md)\n- [Symlink](linked.md)\n",
            secret.display()
        ),
    );
    write(&book.join("src/fine.md"), "# Fine\n\nKept.\n");

    let dest = temp.path().join("out");
    let result = run(
        &[
            "import-mdbook",
            book.to_str().unwrap(),
            "--dest",
            dest.to_str().unwrap(),
        ],
        temp.path(),
    );
    let (stdout, stderr) = text(&result);
    assert!(result.status.success(), "{stdout}\n{stderr}");
    for refused in [
        secret.to_str().unwrap(),
        "../secret.md",
        "src/../../secret.md",
        "linked.md",
    ] {
        assert!(
            stdout.contains(&format!("not imported: {refused:?}")),
            "{refused} not listed:\n{stdout}"
        );
    }
    assert!(read(dest.join("content/modules/fine/README.md")).contains("Kept."));
    // Each refused chapter still has its place on the path, as a page saying it is empty.
    assert!(dest.join("content/modules/absolute/README.md").is_file());

    let build = run(&["build"], &dest);
    assert!(build.status.success(), "{:?}", text(&build));
    for entry in walkdir::WalkDir::new(&dest).follow_links(false) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(secret_text),
                "{} holds the secret",
                entry.path().display()
            );
        }
    }
}

#[test]
fn a_src_folder_outside_the_book_is_an_error() {
    let temp = tempfile::tempdir().unwrap();
    let book = temp.path().join("book");
    write(&book.join("book.toml"), "[book]\nsrc = \"../elsewhere\"\n");
    write(
        &temp.path().join("elsewhere/SUMMARY.md"),
        "# Summary\n\n- [A](a.md)\n",
    );
    let result = run(
        &[
            "import-mdbook",
            book.to_str().unwrap(),
            "--dest",
            temp.path().join("out").to_str().unwrap(),
        ],
        temp.path(),
    );
    let (stdout, stderr) = text(&result);
    assert_eq!(result.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(stderr.contains("outside the book"), "{stderr}");
    assert!(!temp.path().join("out/content").exists());
}

#[test]
fn includes_hidden_lines_playgrounds_and_settings_are_translated_and_the_rest_listed() {
    let temp = tempfile::tempdir().unwrap();
    let book = temp.path().join("book");
    write(
        &book.join("book.toml"),
        "[book]\ntitle = \"Rusty\"\n\n[output.html]\ngit-repository-url = \"https://github.com/o/rusty\"\nsite-url = \"/rusty/\"\nedit-url-template = \"https://github.com/o/rusty/edit/main/{path}\"\nadditional-css = [\"x.css\"]\n\n[preprocessor.katex]\n",
    );
    write(
        &book.join("src/SUMMARY.md"),
        "# Summary\n\n- [Code](code/README.md)\n",
    );
    write(
        &book.join("src/listings/main.rs"),
        "use std::io;\n// ANCHOR: body\nfn body() {}\n// ANCHOR_END: body\nfn tail() {}\n",
    );
    write(&book.join("src/listings/play.rs"), "fn main() {}\n");
    write(
        &book.join("src/code/README.md"),
        "# Code\n\n```rust\n{{#include ../listings/main.rs:body}}\n```\n\n```rust\n{{#rustdoc_include ../listings/main.rs:5}}\n```\n\n```rust\n{{#include ../listings/main.rs::1}}\n```\n\n{{#playground ../listings/play.rs}}\n\n```rust\n# fn hidden() {}\n#[derive(Debug)]\nstruct Shown;\n```\n\n{{#include ../../secret.txt}}\n",
    );
    write(&temp.path().join("secret.txt"), "SECRET-4c1d\n");

    let dest = temp.path().join("out");
    let result = run(
        &[
            "import-mdbook",
            book.to_str().unwrap(),
            "--dest",
            dest.to_str().unwrap(),
        ],
        temp.path(),
    );
    let (stdout, stderr) = text(&result);
    assert!(result.status.success(), "{stdout}\n{stderr}");
    let page = read(dest.join("content/modules/code/README.md"));
    assert!(page.contains("```rust\nfn body() {}\n```"), "{page}");
    assert!(page.contains("```rust\nfn tail() {}\n```"), "{page}");
    assert!(page.contains("```rust\nuse std::io;\n```"), "{page}");
    assert!(page.contains("```rust\nfn main() {}\n```"), "{page}");
    assert!(!page.contains("ANCHOR"), "{page}");
    assert!(!page.contains("fn hidden"), "{page}");
    assert!(page.contains("#[derive(Debug)]\nstruct Shown;"), "{page}");
    // An include that leaves the book's src is not read, and is listed.
    assert!(!page.contains("SECRET"), "{page}");
    assert!(
        stdout.contains("not translated: `{{#include ../../secret.txt}}`"),
        "{stdout}"
    );
    assert!(stdout.contains("preprocessor `katex`"), "{stdout}");
    assert!(stdout.contains("output.html.additional-css"), "{stdout}");
    assert!(stdout.contains("edit-url-template"), "{stdout}");
    // mdBook's site-url is a path; pathbook's must be a full address, so it is listed instead.
    assert!(
        stdout.contains("`output.html.site-url = \"/rusty/\"`"),
        "{stdout}"
    );
    let toml = read(dest.join("book.toml"));
    assert!(
        toml.contains("[output.html]\ngit-repository-url = \"https://github.com/o/rusty\"\nedit-url-template = \"https://github.com/o/rusty/edit/main/{path}\"\n"),
        "{toml}"
    );
    let build = run(&["build"], &dest);
    assert!(build.status.success(), "{:?}", text(&build));
}
