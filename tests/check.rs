//! `pathbook check`: every rule, every format, every exit code, on real files.

mod common;
use common::*;
use serde_json::Value;

fn check_json(dir: &std::path::Path, extra: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec!["check", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let result = run(&args, dir);
    let (stdout, stderr) = text(&result);
    let json: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (result.status.code(), json)
}

fn findings(json: &Value) -> Vec<(String, String, u64, u64, String)> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn every_rule_fires_at_the_right_place() {
    let (code, json) = check_json(&fixture("broken"), &[]);
    assert_eq!(code, Some(1));
    let found = findings(&json);
    let alpha = "content/modules/alpha/README.md";
    let expected = [
        ("missing-file", alpha, 6, 17, "error"),
        ("missing-fragment", alpha, 7, 21, "error"),
        ("missing-fragment", alpha, 8, 23, "error"),
        ("case-mismatch", alpha, 9, 23, "error"),
        ("case-mismatch", alpha, 10, 27, "warning"),
        ("outside-root", alpha, 11, 17, "error"),
        ("empty-link", alpha, 12, 10, "error"),
        ("schemeless-url", alpha, 13, 15, "error"),
        ("missing-file", alpha, 15, 26, "error"),
        (
            "duplicate-title",
            "content/modules/beta/README.md",
            1,
            1,
            "warning",
        ),
        (
            "empty-module",
            "content/modules/empty/README.md",
            1,
            1,
            "warning",
        ),
        (
            "missing-title",
            "content/modules/untitled/README.md",
            1,
            1,
            "warning",
        ),
        ("bad-duration", "content/paths/broken.md", 3, 1, "warning"),
        ("missing-module", "content/paths/broken.md", 5, 4, "error"),
        // One `###` group under `(Choose 2)`: choose 2 of its items, and it lists one.
        (
            "too-few-choices",
            "content/paths/broken.md",
            9,
            1,
            "warning",
        ),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(c, f, l, col, s)| {
            (
                c.to_string(),
                f.to_string(),
                *l as u64,
                *col as u64,
                s.to_string(),
            )
        })
        .collect();
    assert_eq!(found, expected);
    assert_eq!(json["version"], 1);
    assert_eq!(json["errors"], 9);
    assert_eq!(json["warnings"], 6);
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics[0]["target"], "../betta/README.md");
    assert_eq!(diagnostics[0]["help"], "did you mean `../beta/README.md`?");
    assert_eq!(
        diagnostics[2]["help"],
        "did you mean `#real-heading-on-beta`?"
    );
    assert_eq!(
        diagnostics[3]["help"],
        "the file is spelled `../beta/README.md`"
    );
    assert_eq!(diagnostics[4]["help"], "write `#real-heading`");
}

#[test]
fn output_is_identical_from_run_to_run() {
    let args = ["check", ".", "--format", "json"];
    let first = run(&args, &fixture("broken"));
    let second = run(&args, &fixture("broken"));
    // Two empty outputs are equal too: the runs must have reported the fixture's findings.
    let (stdout, stderr) = text(&first);
    let json: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout:?}\n{stderr}"));
    assert!(findings(&json).len() > 10, "{json}");
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn human_format_is_rustc_style_with_a_summary() {
    let result = run(&["check"], &fixture("broken"));
    let (stdout, _) = text(&result);
    assert!(stdout.contains("error[missing-file]: `../betta/README.md` does not exist\n --> content/modules/alpha/README.md:6:17\n"), "{stdout}");
    assert!(stdout.contains("6 | - missing file: [x](../betta/README.md)\n  |                 ^^^^^^^^^^^^^^^^^^^^^^^\n"), "{stdout}");
    assert!(stdout.contains("= help: did you mean `../beta/README.md`?"));
    assert!(!stdout.contains('\x1b'), "colour when not a terminal");
    assert!(
        stdout
            .trim_end()
            .ends_with("checked 5 files, 15 links: 9 errors, 6 warnings"),
        "{stdout}"
    );
}

#[test]
fn github_format_emits_workflow_commands() {
    let result = run(&["check", "--format", "github"], &fixture("broken"));
    let (stdout, _) = text(&result);
    assert_eq!(result.status.code(), Some(1));
    // Paths are from the repository root (tests/ci_formats.rs checks that); here, only
    // the end of the path.
    assert!(stdout.contains("content/modules/alpha/README.md,line=6,col=17,title=pathbook missing-file::`../betta/README.md` does not exist%0Ahelp: did you mean `../beta/README.md`?\n"), "{stdout}");
    assert!(stdout.contains("content/modules/untitled/README.md,line=1,col=1,"));
}

#[test]
fn warnings_pass_unless_denied() {
    let (code, json) = check_json(&fixture("variants"), &[]);
    assert_eq!(code, Some(0));
    assert_eq!(
        findings(&json),
        vec![(
            "orphan-module".to_string(),
            "content/modules/lonely/README.md".to_string(),
            1,
            1,
            "warning".to_string()
        )]
    );
    let (code, _) = check_json(&fixture("variants"), &["--deny-warnings"]);
    assert_eq!(code, Some(1));
}

#[test]
fn any_folder_of_markdown_is_checked_with_gitignore_honoured() {
    let dir = fixture("plain");
    // `.git` cannot be committed inside a fixture, so make it here.
    let temp = copy_fixture("plain");
    std::fs::create_dir_all(temp.path().join(".git")).unwrap();
    std::fs::write(temp.path().join(".git/skip.md"), "[broken](nowhere.md)\n").unwrap();
    let (code, json) = check_json(temp.path(), &[]);
    assert_eq!(code, Some(1), "{json}");
    assert_eq!(
        findings(&json),
        vec![(
            "missing-fragment".to_string(),
            "README.md".to_string(),
            12,
            3,
            "error".to_string()
        )]
    );
    assert_eq!(json["files_checked"], 4);
    let (code, json) = check_json(&dir, &["--exclude", "README.md"]);
    assert_eq!(code, Some(0), "{json}");
}

#[test]
fn environment_failures_exit_2() {
    let temp = tempfile::tempdir().unwrap();
    let missing = temp.path().join("nope");
    let result = run(&["check", missing.to_str().unwrap()], temp.path());
    assert_eq!(result.status.code(), Some(2));
    std::fs::write(temp.path().join("book.toml"), "this is not toml").unwrap();
    let result = run(&["check"], temp.path());
    let (_, stderr) = text(&result);
    assert_eq!(result.status.code(), Some(2));
    assert!(stderr.contains("book.toml:1:"), "{stderr}");
    let result = run(&["check", "--no-such-flag"], temp.path());
    assert_eq!(result.status.code(), Some(2));
}

#[test]
fn the_shipped_site_checks_clean() {
    let result = run(&["check", "--deny-warnings"], &repo());
    let (stdout, _) = text(&result);
    assert!(result.status.success(), "{stdout}");
}

/// Any heading id that `build` renders is accepted by `check` when a link names it.
#[test]
fn rendered_heading_ids_are_accepted_by_check() {
    let headings = [
        "CI/CD for ML",
        "x.509 Certificates",
        "Über Größe",
        "日本語の見出し",
        "🚀 Launch",
        "⚠️ Warning",
        "C++ & Rust",
        "snake_case name",
        "Intro",
        "Intro",
        "Intro 1",
        "`code()` in heading",
        "Ünïcödé — dash",
        "Emoji 👩‍💻 sequence",
        "Trailing space   ",
        "A -- B",
        "Ελληνικά",
        "Кириллица",
        "עברית",
        "हिन्दी",
    ];
    let temp = tempfile::tempdir().unwrap();
    let module = temp.path().join("content/modules/m");
    std::fs::create_dir_all(&module).unwrap();
    std::fs::create_dir_all(temp.path().join("content/paths")).unwrap();
    let mut readme = String::from("# M\n\n");
    for heading in headings {
        readme.push_str(&format!("## {heading}\n\ntext\n\n"));
    }
    std::fs::write(module.join("README.md"), &readme).unwrap();
    std::fs::write(
        temp.path().join("content/paths/p.md"),
        "# P\n\n## Phase\n- [M](../modules/m/README.md)\n",
    )
    .unwrap();
    assert!(run(&["build"], temp.path()).status.success());
    let html = read(temp.path().join("book/modules/m/index.html"));
    let prose = &html[html.find("class=\"prose\"").unwrap()..];
    let ids: Vec<String> = attribute_values(prose, "id");
    assert_eq!(ids.len(), headings.len(), "{ids:?}");
    let mut links = String::from("# P\n\n## Phase\n- [M](../modules/m/README.md)\n\n");
    for id in &ids {
        links.push_str(&format!(
            "- [x](../modules/m/README.md#{})\n",
            id.replace(' ', "%20")
        ));
    }
    std::fs::write(temp.path().join("content/paths/p.md"), links).unwrap();
    let result = run(&["check", "--format", "json"], temp.path());
    let (stdout, _) = text(&result);
    assert!(result.status.success(), "{stdout}");
}

/// One bad file gives one finding: an unreadable module README is not also "missing".
#[test]
fn an_undecodable_module_readme_is_reported_once() {
    let temp = copy_fixture("variants");
    std::fs::write(
        temp.path().join("content/modules/deploy/README.md"),
        b"# Deploy\n\xff\xfe bad\n",
    )
    .unwrap();
    let (code, json) = check_json(temp.path(), &[]);
    assert_eq!(code, Some(1));
    let codes: Vec<String> = findings(&json).into_iter().map(|f| f.0).collect();
    assert_eq!(codes, ["invalid-utf8", "orphan-module"], "{json}");
}

/// Found checking real course repositories: a folder without a README opens as a file
/// listing on GitHub, files under `.github/` exist though their Markdown is never read, and a
/// raw HTML link is pointed at by its value, on its own line when the tag spans several.
#[test]
fn a_plain_repository_is_checked_as_github_shows_it() {
    let (code, json) = check_json(&fixture("repo"), &[]);
    assert_eq!(code, Some(1), "{json}");
    let found: Vec<(String, u64, u64, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["target"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        // A fragment needs a page: a folder listing has no headings.
        ("missing-file", 6, 37, "slides/#intro"),
        ("missing-file", 13, 10, "img/missing-diagram.png"),
        ("missing-file", 16, 18, "notes/missing.md"),
        ("empty-link", 16, 60, ""),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(c, l, col, t)| (c.to_string(), *l, *col, t.to_string()))
        .collect();
    assert_eq!(found, expected);
    // `.github/ISSUE_TEMPLATE/bug.md` links nowhere but is not read.
    assert_eq!(json["files_checked"], 1);
}

/// In a pathbook project a folder link still needs a page: the site has nothing to show.
#[test]
fn a_site_still_needs_a_readme_in_a_linked_folder() {
    let temp = copy_fixture("variants");
    let page = temp.path().join("content/modules/deploy/README.md");
    let mut text = std::fs::read_to_string(&page).unwrap();
    std::fs::create_dir_all(temp.path().join("content/modules/deploy/files")).unwrap();
    std::fs::write(temp.path().join("content/modules/deploy/files/a.txt"), "a").unwrap();
    text.push_str("\n[files](files/)\n");
    std::fs::write(&page, text).unwrap();
    let (code, json) = check_json(temp.path(), &[]);
    assert_eq!(code, Some(1), "{json}");
    let codes: Vec<String> = findings(&json).into_iter().map(|f| f.0).collect();
    assert_eq!(codes, ["missing-file", "orphan-module"], "{json}");
}

/// `--exclude` globs are relative to DIR however DIR is spelled, and an excluded file is
/// not checked but still exists: a link into it is not a missing file.
#[test]
fn exclude_is_relative_to_dir_in_every_spelling_and_keeps_files_as_targets() {
    let root = fixture("exclude");
    let parent = root.parent().unwrap();
    let absolute = root.to_str().unwrap().to_string();
    let spellings: [(&str, &std::path::Path); 5] = [
        (".", &root),
        ("./", &root),
        ("exclude", parent),
        ("./exclude/", parent),
        (&absolute, parent),
    ];
    for (dir, cwd) in spellings {
        for pattern in ["translations/**", "./translations/**", "translations/"] {
            let result = run(
                &["check", dir, "--format", "json", "--exclude", pattern],
                cwd,
            );
            let (stdout, stderr) = text(&result);
            let json: Value = serde_json::from_str(&stdout)
                .unwrap_or_else(|e| panic!("{dir} {pattern}: {e}: {stdout}\n{stderr}"));
            assert_eq!(result.status.code(), Some(0), "{dir} {pattern}: {json}");
            assert_eq!(json["files_checked"], 2, "{dir} {pattern}: {json}");
            assert_eq!(findings(&json), vec![], "{dir} {pattern}");
        }
    }
    // Without the exclusion the translation's broken link is found: the exclusion is what
    // silenced it, not a fixture without faults.
    let (code, json) = check_json(&root, &[]);
    assert_eq!(code, Some(1), "{json}");
    assert_eq!(json["files_checked"], 3);
    let found = findings(&json);
    assert_eq!(found.len(), 1, "{json}");
    assert_eq!(found[0].0, "missing-file");
    assert_eq!(found[0].1, "translations/fr/README.md");
}
