//! The commands around the core: mdBook import, shell completions, the man page, version.

mod common;
use common::*;

fn write(path: &std::path::Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn an_mdbook_imports_into_a_project_that_builds_and_checks_clean() {
    let temp = tempfile::tempdir().unwrap();
    let book = temp.path().join("mybook");
    write(
        &book.join("book.toml"),
        "[book]\ntitle = \"My Rust Notes\"\nauthors = [\"Ann\"]\nsrc = \"src\"\n",
    );
    write(
        &book.join("src/SUMMARY.md"),
        "# Summary\n\n[Introduction](intro.md)\n\n# Getting Started\n\n- [Installation](install/README.md)\n  - [On Linux](install/linux.md)\n- [Hello World](hello.md)\n\n# Going Further\n\n- [Ownership](ownership.md)\n- [Not Written Yet]()\n",
    );
    write(
        &book.join("src/intro.md"),
        "# Introduction\n\nStart with [installing](install/README.md#requirements).\n\n![logo](images/logo.png)\n",
    );
    write(
        &book.join("src/install/README.md"),
        "# Installation\n\n## Requirements\n\nSee [Linux](linux.md) and [ownership](../ownership.md#moves).\n",
    );
    write(
        &book.join("src/install/linux.md"),
        "# On Linux\n\nBack to [installation](README.md).\n",
    );
    write(
        &book.join("src/hello.md"),
        "# Hello World\n\n```rust\nfn main() { println!(\"hi\"); }\n```\n",
    );
    write(
        &book.join("src/ownership.md"),
        "# Ownership\n\n## Moves\n\nValues move. ![diagram](images/logo.png)\n",
    );
    write(&book.join("src/images/logo.png"), "PNG");

    let dest = temp.path().join("imported");
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
    assert!(stdout.starts_with("imported "), "{stdout}");

    let path = read(dest.join("content/paths/my-rust-notes.md"));
    assert!(path.contains("## Getting Started\n1. [Installation](../modules/installation/README.md)\n    - On Linux\n"), "{path}");
    assert!(path.contains("## Going Further"), "{path}");
    assert!(dest.join("content/modules/installation/linux.md").is_file());
    assert!(dest.join("content/assets/images/logo.png").is_file());
    assert!(
        read(dest.join("content/modules/installation/README.md"))
            .contains("../ownership/README.md#moves")
    );

    let check = run(&["check", "--format", "json"], &dest);
    let (stdout, _) = text(&check);
    assert!(check.status.success(), "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["errors"], 0, "{stdout}");
    let build = run(&["build"], &dest);
    assert!(build.status.success(), "{:?}", text(&build));
    let (_, broken) = crawl(&dest.join("book"));
    assert!(broken.is_empty(), "{broken:#?}");
    assert!(dest.join("book/modules/hello-world/index.html").is_file());

    // Importing again over the same folder refuses rather than overwriting.
    let again = run(
        &[
            "import-mdbook",
            book.to_str().unwrap(),
            "--dest",
            dest.to_str().unwrap(),
        ],
        temp.path(),
    );
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn completions_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef pathbook"),
        ("fish", "complete -c pathbook"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let result = run(&["completions", shell], &repo());
        let (stdout, _) = text(&result);
        assert!(result.status.success(), "{shell}");
        assert!(
            stdout.contains(marker),
            "{shell}: {}",
            &stdout[..stdout.len().min(200)]
        );
        assert!(
            stdout.contains("import-mdbook"),
            "{shell} lacks subcommands"
        );
    }
}

#[test]
fn man_page_and_version() {
    let result = run(&["man"], &repo());
    let (stdout, _) = text(&result);
    assert!(result.status.success());
    assert!(
        stdout.starts_with(".ie") || stdout.contains(".TH pathbook"),
        "{}",
        &stdout[..200]
    );
    assert!(stdout.contains("check"));
    let version = run(&["--version"], &repo());
    let (stdout, _) = text(&version);
    let re = regex::Regex::new(r"^pathbook \d+\.\d+\.\d+ \([0-9a-f]{7,}|unknown\)").unwrap();
    assert!(re.is_match(&stdout), "{stdout}");
}

/// `cargo install --path .` as the README says, reusing this build's compiled dependencies
/// (`--debug`, the shared target folder) so the test takes seconds, not minutes.
#[test]
fn cargo_install_from_the_repository_works() {
    let root = tempfile::tempdir().unwrap();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| repo().join("target"));
    let status = std::process::Command::new(env!("CARGO"))
        .args([
            "install",
            "--path",
            ".",
            "--debug",
            "--locked",
            "--offline",
            "--quiet",
            "--root",
        ])
        .arg(root.path())
        .current_dir(repo())
        .env("CARGO_TARGET_DIR", target)
        .status()
        .expect("run cargo install");
    assert!(status.success());
    let installed = root.path().join("bin/pathbook");
    let version = std::process::Command::new(&installed)
        .arg("--version")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("pathbook "));
    let temp = tempfile::tempdir().unwrap();
    assert!(
        std::process::Command::new(&installed)
            .arg("init")
            .current_dir(temp.path())
            .status()
            .unwrap()
            .success()
    );
    assert!(
        std::process::Command::new(&installed)
            .arg("build")
            .current_dir(temp.path())
            .status()
            .unwrap()
            .success()
    );
}
