//! Rendering GitHub's constructs, checked on the built pages and in `check`'s findings.
//! (tests/rendering_browser.rs shows the same pages in a real browser.)

mod common;
use common::*;

fn build(fixture: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let result = run(
        &["build", ".", "--dest-dir", site.to_str().unwrap()],
        &repo().join("tests/fixtures").join(fixture),
    );
    assert!(result.status.success(), "build failed: {:?}", text(&result));
    (dir, site)
}

#[test]
fn the_showcase_builds_with_every_construct_and_no_raw_syntax_left() {
    let (_dir, site) = build("rendering");
    let page = read(site.join("modules/showcase/index.html"));
    // Scripts off, the diagram's source is readable text.
    assert!(
        page.contains(
            "<pre class=\"mermaid\" data-diagram=\"mermaid\">graph TD\n  Data --&gt; Model\n"
        ),
        "{page}"
    );
    // The script ships with the site and no page names it: pathbook.js loads it where a
    // diagram is.
    assert!(site.join("static/mermaid.min.js").is_file());
    for entry in walkdir::WalkDir::new(&site) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            assert!(!read(entry.path()).contains("mermaid.min.js"));
        }
    }
    for kind in ["note", "tip", "important", "warning", "caution"] {
        assert!(
            page.contains(&format!(
                "<div class=\"markdown-alert markdown-alert-{kind}\">"
            )),
            "{kind}"
        );
    }
    assert!(!page.contains("[!NOTE]"), "{page}");
    assert!(page.contains("<mfrac>"), "{page}");
    assert!(!page.contains("$E = mc^2$") && !page.contains("\\sqrt{x^2 + 1}\n</code>"));
    assert!(page.contains("a price of $5 or\n$10 stays text"), "{page}");
    assert!(
        page.contains("<h2 id=\"movie_camera-videos-and-links\">🎥 Videos and links"),
        "{page}"
    );
    assert!(page.contains("<title>Showcase 🚀"), "{page}");
    assert!(
        page.contains("<a href=\"http://www.example.org\">www.example.org</a>,"),
        "{page}"
    );
    // The search index carries the emoji too, not the shortcode.
    let index: String = walkdir::WalkDir::new(site.join("search"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned())
        .collect();
    assert!(index.contains("Showcase 🚀"), "{index}");
    assert!(!index.contains(":rocket:"));
}

#[test]
fn check_reports_formulas_shown_as_written_and_schemeless_addresses() {
    let fixture = repo().join("tests/fixtures/rendering-errors");
    let result = run(&["check", "--format", "json"], &fixture);
    let (stdout, stderr) = text(&result);
    let report: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stdout}\n{stderr}"));
    let found: Vec<(String, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("math-syntax".to_string(), 3),
            ("math-syntax".to_string(), 5),
            ("schemeless-url".to_string(), 9),
            ("missing-file".to_string(), 9),
        ],
        "{stdout}"
    );
    // The formulas alone do not stop a build: the page shows them as written.
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    let readme = project.join("content/modules/broken/README.md");
    std::fs::create_dir_all(readme.parent().unwrap()).unwrap();
    std::fs::copy(fixture.join("book.toml"), project.join("book.toml")).unwrap();
    let text_without_links: String = read(fixture.join("content/modules/broken/README.md"))
        .lines()
        .filter(|line| !line.contains("]("))
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(&readme, text_without_links).unwrap();
    let built = run(&["build"], &project);
    assert!(built.status.success(), "{:?}", text(&built));
    let page = read(project.join("book/modules/broken/index.html"));
    assert!(page.contains("$\\frac{a}$ stays as written"), "{page}");
    assert!(page.contains("\\begin{matrix} a"), "{page}");
}

#[test]
fn the_serve_overlay_carries_the_help_line_the_terminal_prints() {
    let temp = copy_fixture("rendering");
    let server = Server::start(temp.path(), &[]);
    let version = server.status()["version"].as_str().unwrap().to_string();
    let readme = temp.path().join("content/modules/showcase/README.md");
    let text_before = read(&readme);
    std::fs::write(
        &readme,
        format!("{text_before}\nFollow [me](linkedin.com/in/someone).\n"),
    )
    .unwrap();
    let status = server.wait_for_new_version(&version);
    let problem = status["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "schemeless-url")
        .unwrap_or_else(|| panic!("{status}"))
        .clone();
    let help = problem["help"].as_str().unwrap();
    assert_eq!(help, "write `https://linkedin.com/in/someone`");
    let check = run(&["check"], temp.path());
    let (stdout, stderr) = text(&check);
    let terminal = format!("{stdout}{stderr}");
    assert!(terminal.contains(&format!("= help: {help}")), "{terminal}");
}

#[test]
fn a_site_without_a_diagram_does_not_ship_the_diagram_script() {
    let (_dir, site) = build("variants");
    assert!(site.join("static/pathbook.js").is_file());
    assert!(!site.join("static/mermaid.min.js").exists());
}
