//! `pathbook build` on the shipped site and on fixtures, asserting on the pages it writes.

mod common;
use common::*;

fn build_repo_site() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("site");
    let result = run(
        &["build", ".", "--dest-dir", dest.to_str().unwrap()],
        &repo(),
    );
    let (stdout, stderr) = text(&result);
    assert!(result.status.success(), "build failed:\n{stdout}\n{stderr}");
    assert!(stdout.starts_with("built "), "{stdout}");
    out
}

#[test]
fn building_into_an_empty_folder_leaves_nothing_beside_it() {
    let parent = tempfile::tempdir().unwrap();
    let dest = parent.path().join("book");
    std::fs::create_dir(&dest).unwrap();
    for _ in 0..2 {
        let result = run(
            &["build", ".", "--dest-dir", dest.to_str().unwrap()],
            &repo(),
        );
        let (stdout, stderr) = text(&result);
        assert!(result.status.success(), "{stdout}\n{stderr}");
    }
    let names: Vec<String> = std::fs::read_dir(parent.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["book"], "the folder it was given was left behind");
    assert!(dest.join("index.html").is_file());
}

#[test]
fn timings_name_every_stage() {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("site");
    let result = run(
        &[
            "build",
            "--timings",
            ".",
            "--dest-dir",
            dest.to_str().unwrap(),
        ],
        &repo(),
    );
    let (stdout, stderr) = text(&result);
    assert!(result.status.success(), "{stdout}\n{stderr}");
    for stage in [
        "load+parse",
        "model",
        "validate",
        "plan",
        "render+write",
        "module pages",
        "search index",
        "writing",
        "of which highlighting",
    ] {
        assert!(stderr.contains(stage), "no {stage} in:\n{stderr}");
    }
    let result = run(&["check", "--timings", "."], &repo());
    let (_, stderr) = text(&result);
    assert!(result.status.success(), "{stderr}");
    assert!(stderr.contains("timings: load+parse"), "{stderr}");
}

#[test]
fn shipped_site_has_every_page() {
    let out = build_repo_site();
    let site = out.path().join("site");
    let modules = [
        "machine-learning-basics",
        "deep-learning-foundations",
        "mlops-basics",
        "model-deployment",
        "model-training-tuning",
        "data-processing-visualization",
        "llm-applications",
        "computer-vision",
        "nlp-transformers",
    ];
    for page in [
        "index.html",
        "404.html",
        "modules/index.html",
        "paths/ml-engineer/index.html",
        "paths/ml-engineer/core-ml-engineering-foundations/index.html",
        "paths/ml-engineer/advanced-ml-systems/index.html",
        "paths/ml-engineer/specialization-tracks/index.html",
        "paths/ml-engineer/specialization-tracks/large-scale-ml-systems/index.html",
        "paths/ml-engineer/specialization-tracks/computer-vision-systems/index.html",
        "paths/ml-engineer/specialization-tracks/nlp-systems/index.html",
        "static/pathbook.css",
        "static/highlight.css",
    ] {
        assert!(site.join(page).is_file(), "missing {page}");
    }
    for slug in modules {
        let html = read(site.join(format!("modules/{slug}/index.html")));
        assert!(
            html.contains("Machine Learning Engineer Learning Path"),
            "{slug} lacks its backlink"
        );
        assert!(
            html.contains("class=\"hl-"),
            "{slug} has no highlighted code"
        );
    }
    let index = read(site.join("modules/index.html"));
    for slug in modules {
        assert!(
            index.contains(&format!("{slug}/index.html")),
            "modules index lacks {slug}"
        );
    }
}

#[test]
fn path_page_shows_three_phases_totalling_28_to_36_weeks() {
    let out = build_repo_site();
    let html = read(out.path().join("site/paths/ml-engineer/index.html"));
    assert!(html.contains("28-36 weeks"), "total missing");
    for (id, duration) in [
        ("core-ml-engineering-foundations-12-16-weeks", "12-16 weeks"),
        ("advanced-ml-systems-8-10-weeks", "8-10 weeks"),
        ("specialization-tracks-choose-2-8-10-weeks", "8-10 weeks"),
    ] {
        let at = html
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("phase {id} missing"));
        assert!(html[at..].contains(duration));
    }
    assert_eq!(html.matches("class=\"timeline-phase\"").count(), 3);
    // Prose sections are rendered as written.
    for heading in [
        "Overview",
        "Prerequisites",
        "Essential Skills",
        "Recommended Projects",
        "Career Development",
    ] {
        assert!(
            html.contains(&format!(">{heading}</h2>")),
            "prose section {heading} missing"
        );
    }
    let home = read(out.path().join("site/index.html"));
    assert!(
        home.contains("28-36 weeks") && home.contains("3 phases"),
        "home lacks path facts"
    );
}

#[test]
fn tracks_page_lists_three_tracks_with_choose_2() {
    let out = build_repo_site();
    let html = read(
        out.path()
            .join("site/paths/ml-engineer/specialization-tracks/index.html"),
    );
    assert!(html.contains("choose 2"), "no choose 2");
    for track in [
        "Large-Scale ML Systems",
        "Computer Vision Systems",
        "NLP Systems",
    ] {
        assert!(html.contains(track), "track {track} missing");
    }
    for url in [
        "large-scale-ml-systems/index.html",
        "computer-vision-systems/index.html",
        "nlp-systems/index.html",
    ] {
        assert!(html.contains(url), "no link to {url}");
    }
    let track = read(
        out.path()
            .join("site/paths/ml-engineer/specialization-tracks/nlp-systems/index.html"),
    );
    assert!(track.contains("NLP &amp; Transformers") && track.contains("Transformer optimization"));
}

#[test]
fn every_internal_link_and_fragment_in_the_shipped_site_resolves() {
    let out = build_repo_site();
    let (checked, broken) = crawl(&out.path().join("site"));
    assert!(checked > 300, "crawled only {checked} links");
    assert!(broken.is_empty(), "broken links: {broken:#?}");
}

#[test]
fn module_pages_carry_topics_backlinks_toc_and_neighbours() {
    let out = build_repo_site();
    let html = read(out.path().join("site/modules/mlops-basics/index.html"));
    for topic in [
        "ML lifecycle management",
        "Experiment tracking",
        "Model registry",
        "Pipeline automation",
    ] {
        assert!(html.contains(topic), "topic {topic} missing");
    }
    assert!(html.contains("paths/ml-engineer/core-ml-engineering-foundations/index.html"));
    assert!(html.contains("class=\"toc\"") || html.contains("nav class=\"toc"));
    assert!(html.contains("rel=\"prev\"") && html.contains("rel=\"next\""));
    assert!(html.contains("aria-current=\"page\""));
    // Links between modules point at generated pages, fragments kept.
    assert!(!html.contains("README.md"), "unrewritten README link");
}

#[test]
fn each_sidebar_marks_the_page_being_read_and_no_other() {
    let out = build_repo_site();
    let site = out.path().join("site");
    let sidebar = |page: &str| {
        let html = read(site.join(page));
        let start = html.find("<nav class=\"sidebar\"").expect("a sidebar");
        let end = start + html[start..].find("</nav>").unwrap();
        html[start..end].to_string()
    };
    for (page, own_href) in [
        (
            "modules/mlops-basics/index.html",
            "../../modules/mlops-basics/index.html",
        ),
        (
            "modules/computer-vision/index.html",
            "../../modules/computer-vision/index.html",
        ),
        (
            "paths/ml-engineer/index.html",
            "../../paths/ml-engineer/index.html",
        ),
        (
            "paths/ml-engineer/advanced-ml-systems/index.html",
            "../../../paths/ml-engineer/advanced-ml-systems/index.html",
        ),
    ] {
        let nav = sidebar(page);
        assert_eq!(nav.matches("aria-current").count(), 1, "{page}: {nav}");
        assert!(
            nav.contains(&format!("href=\"{own_href}\" aria-current=\"page\"")),
            "{page} does not mark its own link: {nav}"
        );
    }
    // Pages that share a sidebar still mark only themselves.
    assert!(
        !sidebar("modules/computer-vision/index.html")
            .contains("mlops-basics/index.html\" aria-current")
    );
}

/// The variants fixture with one template of the theme replaced (or added).
fn variants_with_template(name: &str, text: &str) -> tempfile::TempDir {
    let temp = copy_fixture("variants");
    std::fs::create_dir_all(temp.path().join("templates")).unwrap();
    std::fs::write(temp.path().join("templates").join(name), text).unwrap();
    temp
}

#[test]
fn a_theme_can_replace_the_sidebar() {
    let temp = variants_with_template(
        "nav.html",
        "<nav class=\"sidebar\"><a href=\"{{ root }}{{ nav.url }}\">{{ nav.title }} (custom)</a></nav>",
    );
    let result = run(&["build"], temp.path());
    assert!(result.status.success(), "{:?}", text(&result));
    let path_dir = std::fs::read_dir(temp.path().join("book/paths"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let html = read(path_dir.join("index.html"));
    assert!(html.contains("(custom)</a></nav>"), "{html}");
    assert!(html.contains("aria-current=\"page\">"), "{html}");
}

#[test]
fn build_output_has_no_reload_code() {
    let out = build_repo_site();
    for entry in walkdir::WalkDir::new(out.path().join("site")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = read(entry.path());
            assert!(
                !html.contains("__pathbook_live"),
                "{} has live reload",
                entry.path().display()
            );
        }
    }
}

#[test]
fn variant_paths_build_with_sensible_phases() {
    let temp = copy_fixture("variants");
    let result = run(&["build"], temp.path());
    let (stdout, stderr) = text(&result);
    assert!(result.status.success(), "{stdout}\n{stderr}");
    let site = temp.path().join("book");
    let page = |rel: &str| read(site.join(rel));

    let groups = page("paths/group-durations/index.html");
    assert!(groups.contains("5-6 weeks"), "group durations not summed");
    let core = page("paths/core-modules/index.html");
    assert!(core.contains("Phase 1: Mathematics") && core.contains("Phase 2: Modelling"));
    assert!(core.contains("12+ weeks"), "open-ended total");
    assert!(
        site.join("paths/core-modules/phase-1-mathematics/index.html")
            .is_file()
    );
    let numbered = page("paths/numbered-phases/index.html");
    assert!(numbered.contains("choose 1-2"));
    assert!(
        site.join("paths/numbered-phases/tracks/theory-track/index.html")
            .is_file()
    );
    let reading = page("paths/reading-list/index.html");
    assert!(reading.contains("Pattern Recognition") && !reading.contains("timeline-phase"));

    // Modules shared by several paths know every use.
    let algebra = page("modules/algebra/index.html");
    for path in [
        "Group Durations Path",
        "Core Modules Path",
        "No Durations Path",
    ] {
        assert!(algebra.contains(path), "algebra lacks backlink to {path}");
    }
    // Ids follow GitHub: duplicates numbered, custom ids kept.
    assert!(algebra.contains("id=\"matrices-1\"") && algebra.contains("id=\"my-anchor\""));
    // A lesson linked from a module is rendered at its own place; images are copied.
    assert!(
        algebra.contains("href=\"lesson-1.html#first-steps\""),
        "lesson link not rewritten"
    );
    assert!(site.join("modules/algebra/lesson-1.html").is_file());
    assert!(site.join("modules/algebra/diagram.svg").is_file());
    // Folder links become the folder's page.
    let models = page("modules/models/index.html");
    assert!(
        models.contains("href=\"../probability/index.html#random-variables\""),
        "{models}"
    );
    // Edit links, canonical URLs and the sitemap use book.toml.
    assert!(
        algebra
            .contains("https://git.example.org/course/edit/main/content/modules/algebra/README.md")
    );
    assert!(algebra.contains("https://learn.example.org/courses/modules/algebra/"));
    assert!(
        page("sitemap.xml")
            .contains("<loc>https://learn.example.org/courses/paths/core-modules/</loc>")
    );
    let (_, broken) = crawl(&site);
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn init_then_build_works_in_an_empty_folder() {
    let temp = tempfile::tempdir().unwrap();
    let init = run(&["init"], temp.path());
    assert!(init.status.success(), "{:?}", text(&init));
    let build = run(&["build"], temp.path());
    assert!(build.status.success(), "{:?}", text(&build));
    let check = run(&["check", "--deny-warnings"], temp.path());
    assert!(check.status.success(), "{:?}", text(&check));
    assert!(
        temp.path()
            .join("book/modules/first-steps/index.html")
            .is_file()
    );
    let (_, broken) = crawl(&temp.path().join("book"));
    assert!(broken.is_empty(), "{broken:#?}");
    // A second init refuses to overwrite.
    assert_eq!(run(&["init"], temp.path()).status.code(), Some(2));
}

#[test]
fn broken_links_fail_the_build_and_keep_the_previous_site() {
    let temp = copy_fixture("variants");
    assert!(run(&["build"], temp.path()).status.success());
    let before = read(temp.path().join("book/modules/algebra/index.html"));
    std::fs::write(
        temp.path().join("content/modules/algebra/README.md"),
        "# Algebra\n\n[broken](../nowhere/README.md)\n",
    )
    .unwrap();
    let result = run(&["build"], temp.path());
    let (_, stderr) = text(&result);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/modules/algebra/README.md:3:1"),
        "{stderr}"
    );
    assert_eq!(
        read(temp.path().join("book/modules/algebra/index.html")),
        before
    );

    // `on-broken-links = "warn"` downgrades them.
    let toml = read(temp.path().join("book.toml"));
    std::fs::write(
        temp.path().join("book.toml"),
        format!("{toml}\n[build]\non-broken-links = \"warn\"\n"),
    )
    .unwrap();
    let result = run(&["build"], temp.path());
    assert!(result.status.success(), "{:?}", text(&result));
}

#[test]
fn unknown_config_keys_are_errors_with_line_and_suggestion() {
    let temp = copy_fixture("variants");
    std::fs::write(
        temp.path().join("book.toml"),
        "[book]\ntitle = \"x\"\n\n[build]\nbuid-dir = \"out\"\n",
    )
    .unwrap();
    let result = run(&["build"], temp.path());
    let (_, stderr) = text(&result);
    assert_eq!(result.status.code(), Some(2));
    assert!(stderr.contains("book.toml:5:1"), "{stderr}");
    assert!(stderr.contains("did you mean `build-dir`?"), "{stderr}");
}

#[test]
fn clean_removes_only_what_pathbook_built() {
    let temp = copy_fixture("variants");
    assert!(run(&["build"], temp.path()).status.success());
    assert!(run(&["clean"], temp.path()).status.success());
    assert!(!temp.path().join("book").exists());
    std::fs::create_dir(temp.path().join("book")).unwrap();
    std::fs::write(temp.path().join("book/mine.txt"), "not pathbook's").unwrap();
    assert_eq!(run(&["clean"], temp.path()).status.code(), Some(2));
    assert!(temp.path().join("book/mine.txt").exists());
    // And build refuses to replace it too.
    assert_eq!(run(&["build"], temp.path()).status.code(), Some(2));
    assert!(temp.path().join("book/mine.txt").exists());
}

#[test]
fn templates_and_static_files_can_be_overridden() {
    let temp = copy_fixture("variants");
    std::fs::create_dir_all(temp.path().join("templates")).unwrap();
    std::fs::create_dir_all(temp.path().join("static")).unwrap();
    std::fs::write(
        temp.path().join("templates/404.html"),
        "{% extends \"base.html\" %}{% block content %}<p>Custom lost page</p>{% endblock content %}",
    )
    .unwrap();
    std::fs::write(
        temp.path().join("static/pathbook.css"),
        "body { color: rebeccapurple }",
    )
    .unwrap();
    assert!(run(&["build"], temp.path()).status.success());
    assert!(read(temp.path().join("book/404.html")).contains("Custom lost page"));
    assert_eq!(
        read(temp.path().join("book/static/pathbook.css")),
        "body { color: rebeccapurple }"
    );

    std::fs::write(temp.path().join("templates/page.html"), "{% if %}").unwrap();
    let result = run(&["build"], temp.path());
    let (_, stderr) = text(&result);
    assert_eq!(result.status.code(), Some(2));
    assert!(stderr.contains("page.html"), "{stderr}");
}

#[test]
fn a_template_that_includes_itself_is_an_error_not_a_crash() {
    let temp = variants_with_template(
        "module.html",
        "{% extends \"base.html\" %}{% block content %}{% include \"part.html\" %}{% endblock content %}",
    );
    std::fs::write(
        temp.path().join("templates/part.html"),
        "{% include \"module.html\" %}",
    )
    .unwrap();
    let result = run(&["build"], temp.path());
    let (_, stderr) = text(&result);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("includes itself: module.html → part.html → module.html"),
        "{stderr}"
    );
}

/// Every file of a built site with its bytes, by path inside it (pathbook's own
/// bookkeeping files left out).
fn site_files(site: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(site)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .filter(|e| !e.file_name().to_string_lossy().starts_with(".pathbook-"))
        .map(|e| (relative(site, e.path()), std::fs::read(e.path()).unwrap()))
        .collect()
}

/// A rebuild reuses the pages whose inputs did not change; after every kind of edit its
/// site must be exactly what a build into an empty folder writes.
#[test]
fn a_rebuild_after_each_kind_of_edit_equals_a_clean_build() {
    let temp = copy_fixture("variants");
    let root = temp.path().to_path_buf();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let build = |dest: &std::path::Path| {
        let result = run(&["build", ".", "--dest-dir", dest.to_str().unwrap()], &root);
        assert!(result.status.success(), "{:?}", text(&result));
    };
    build(&site);
    let edit = |rel: &str, from: &str, to: &str| edit(&root, rel, from, to);
    type Step<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let steps: Vec<Step> = vec![
        ("nothing", Box::new(|| {})),
        (
            "a module's body, not its summary",
            Box::new(|| {
                edit(
                    "content/modules/models/README.md",
                    "## Regression",
                    "## Regression\n\nMore text.",
                )
            }),
        ),
        (
            "a module's summary, shown on cards",
            Box::new(|| {
                edit(
                    "content/modules/models/README.md",
                    "Fitting functions to data.",
                    "Fitting curves to data, at length.",
                )
            }),
        ),
        (
            "a module's title, shown in every sidebar",
            Box::new(|| {
                edit(
                    "content/modules/models/README.md",
                    "# Models",
                    "# Statistical Models",
                )
            }),
        ),
        (
            "a path's topics",
            Box::new(|| {
                edit(
                    "content/paths/core-modules.md",
                    "    - Regression",
                    "    - Ridge regression",
                )
            }),
        ),
        (
            "a new module, linked from a path",
            Box::new(|| add_linked_module(&root)),
        ),
        (
            "a copied image",
            Box::new(|| {
                std::fs::write(
                    root.join("content/modules/algebra/diagram.svg"),
                    "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>changed</title></svg>\n",
                )
                .unwrap()
            }),
        ),
        (
            "a template",
            Box::new(|| {
                std::fs::create_dir_all(root.join("templates")).unwrap();
                std::fs::write(
                    root.join("templates/404.html"),
                    "{% extends \"base.html\" %}{% block content %}<h1>Gone</h1>{% endblock content %}",
                )
                .unwrap();
            }),
        ),
    ];
    for (index, (step, change)) in steps.into_iter().enumerate() {
        change();
        build(&site);
        let clean = out.path().join(format!("clean-{index}"));
        // A folder left by an earlier step would make this build a rebuild, not a clean one.
        assert!(!clean.exists(), "{step}: {} is not fresh", clean.display());
        build(&clean);
        let (rebuilt, fresh) = (site_files(&site), site_files(&clean));
        assert_eq!(
            rebuilt.keys().collect::<Vec<_>>(),
            fresh.keys().collect::<Vec<_>>(),
            "{step}: different files"
        );
        for (rel, bytes) in &fresh {
            assert!(
                rebuilt[rel] == *bytes,
                "{step}: {rel} differs from a clean build"
            );
        }
    }
}
