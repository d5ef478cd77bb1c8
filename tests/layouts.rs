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

#[test]
fn single_file_modules_with_front_matter_are_modules_and_the_matter_is_never_printed() {
    let root = fixture("single-file-modules");
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let (code, stdout, stderr) = build_into(&root, &site);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    // The keys no page shows are named, with their file, rather than lost in silence.
    let all = format!("{stdout}{stderr}");
    assert!(
        all.contains("front matter not shown on the site: `id`, `outcomes`, `track`"),
        "{all}"
    );
    assert!(
        all.contains("front matter not shown on the site: `weight`"),
        "{all}"
    );
    assert_eq!(all.matches("warning").count(), 2, "{all}");
    let intro = read(site.join("modules/intro/index.html"));
    // The YAML block's keys and values are data, not text of the page.
    for printed in ["ds-01", "track: core", "outcomes", "name the stages"] {
        assert!(!intro.contains(printed), "{printed} printed: {intro}");
    }
    assert!(
        intro.contains("<title>Introduction to Data Science"),
        "{intro}"
    );
    assert!(
        intro.contains(r#"content="What the field is and where it came from.""#),
        "the front matter's description is the page's: {intro}"
    );
    assert!(
        intro.contains(r#"href="../cleaning/index.html""#),
        "{intro}"
    );
    // TOML front matter's title wins over the first heading.
    let cleaning = read(site.join("modules/cleaning/index.html"));
    assert!(cleaning.contains("<title>Cleaning Data ·"), "{cleaning}");
    assert!(!cleaning.contains("weight = 2"), "{cleaning}");
    let path = read(site.join("paths/data-science/index.html"));
    assert!(path.contains("Introduction to Data Science"), "{path}");
}

#[test]
fn an_html_h1_or_a_first_lower_heading_is_the_title_and_bad_front_matter_is_a_warning() {
    let temp = copy_fixture("single-file-modules");
    std::fs::write(
        temp.path().join("modules/intro.md"),
        "<h1 align=\"center\">\n  <img src=\"https://img.shields.io/badge/x-y-blue\"> Intro &amp; Overview\n</h1>\n\nText.\n",
    )
    .unwrap();
    std::fs::write(
        temp.path().join("modules/cleaning.md"),
        "---\ntitle: [unclosed\n---\n\n## Cleaning\n\nText.\n",
    )
    .unwrap();
    let result = run(&["check", ".", "--format", "json"], temp.path());
    let (stdout, _) = text(&result);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let codes: Vec<(&str, &str, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [("bad-front-matter", "modules/cleaning.md", 1)],
        "{json}"
    );
    let site = temp.path().join("out");
    let (code, stdout, stderr) = build_into(temp.path(), &site);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let intro = read(site.join("modules/intro/index.html"));
    assert!(intro.contains("<title>Intro &amp; Overview ·"), "{intro}");
    let cleaning = read(site.join("modules/cleaning/index.html"));
    assert!(cleaning.contains("<title>Cleaning ·"), "{cleaning}");
    assert!(!cleaning.contains("unclosed"), "{cleaning}");
}

#[test]
fn choose_over_one_group_chooses_items_and_an_empty_linked_module_still_gets_a_page() {
    let temp = copy_fixture("paths-at-root");
    std::fs::create_dir_all(temp.path().join("modules/placeholder")).unwrap();
    std::fs::write(temp.path().join("modules/placeholder/README.md"), "").unwrap();
    std::fs::write(
        temp.path().join("learning-paths/specialize.md"),
        "# Specialize\n\n## Specialized Areas (Choose 1-2) (6-8 weeks)\n\n### Areas\n\n\
         1. [Linear algebra](../modules/linear-algebra/)\n\
         2. [Probability](../modules/probability/)\n\
         3. [Coming soon](../modules/placeholder/)\n",
    )
    .unwrap();
    let site = temp.path().join("out");
    let (code, stdout, stderr) = build_into(temp.path(), &site);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(!stderr.contains("too-few"), "{stderr}");
    assert!(
        stderr.contains("warning[empty-module]"),
        "an empty module is a warning, not a refusal: {stderr}"
    );
    let phase = read(site.join("paths/specialize/specialized-areas/index.html"));
    assert!(phase.contains("Pick 1 to 2 of these 3 modules."), "{phase}");
    let placeholder = read(site.join("modules/placeholder/index.html"));
    assert!(
        placeholder.contains("This module has no content yet."),
        "{placeholder}"
    );
    // With two groups the same heading chooses among them, and a third is missing: a warning.
    std::fs::write(
        temp.path().join("learning-paths/specialize.md"),
        "# Specialize\n\n## Specialized Areas (Choose 3)\n\n### Maths\n\n\
         1. [Linear algebra](../modules/linear-algebra/)\n\n### Chance\n\n\
         1. [Probability](../modules/probability/)\n",
    )
    .unwrap();
    let result = run(&["check", "."], temp.path());
    let (stdout, _) = text(&result);
    assert_eq!(result.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("warning[too-few-tracks]"), "{stdout}");
    let result = run(&["check", ".", "--deny-warnings"], temp.path());
    assert_eq!(result.status.code(), Some(1));
}

/// The words of `text` as a reader sees them: Markdown's punctuation and link targets
/// left out, lowercased.
fn words(text: &str) -> std::collections::BTreeSet<String> {
    let without_targets = regex::Regex::new(r"\]\([^)]*\)")
        .unwrap()
        .replace_all(text, "]");
    without_targets
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[test]
fn phases_of_resources_show_every_word_on_the_path_and_phase_pages() {
    let root = fixture("resource-phases");
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let (code, stdout, stderr) = build_into(&root, &site);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let source = read(root.join("paths/ml-roadmap.md"));
    let tags = regex::Regex::new(r"(?s)<[^>]*>").unwrap();
    let mut published = std::collections::BTreeSet::new();
    for page in [
        "paths/ml-roadmap/index.html",
        "paths/ml-roadmap/phase-1-mathematical-foundations/index.html",
        "paths/ml-roadmap/phase-2-programming/index.html",
    ] {
        let html = read(site.join(page));
        let text = tags.replace_all(&html, " ").replace("&amp;", "&");
        published.extend(words(&text));
        // An image's alt text is published in its attribute.
        for alt in attribute_values(&html, "alt") {
            published.extend(words(&alt));
        }
    }
    let missing: Vec<_> = words(&source).difference(&published).cloned().collect();
    assert_eq!(
        missing,
        Vec::<String>::new(),
        "words of the path on none of its pages"
    );
    // Phase 1's page holds its own resources, with their links, and no empty module list.
    let phase = read(site.join("paths/ml-roadmap/phase-1-mathematical-foundations/index.html"));
    assert!(
        phase.contains(r#"href="https://www.khanacademy.org/math/multivariable-calculus""#),
        "{phase}"
    );
    assert!(
        phase.contains("<strong>Linear Algebra Essentials</strong>"),
        "{phase}"
    );
    assert!(!phase.contains("0 modules"), "{phase}");
    let path = read(site.join("paths/ml-roadmap/index.html"));
    assert!(path.contains("skip what you already know"), "{path}");
    assert!(site.join("paths/ml-roadmap/roadmap.png").is_file() || path.contains("roadmap.png"));
}

#[test]
fn a_path_items_own_link_text_is_shown_when_it_differs_from_the_module_title() {
    let temp = copy_fixture("paths-at-root");
    std::fs::write(
        temp.path().join("learning-paths/capstones.md"),
        "# Capstones\n\n## Phase 1: Projects (4 weeks)\n\n\
         1. [Capstone 1](../modules/probability/)\n\
         2. [Capstone 2](../modules/probability/)\n\
         3. [Probability](../modules/probability/)\n",
    )
    .unwrap();
    let site = temp.path().join("out");
    let (code, stdout, stderr) = build_into(temp.path(), &site);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    // Chips on the path page, cards on the phase page.
    let chip = regex::Regex::new(r#"data-module="probability">([^<]*)"#).unwrap();
    let card = regex::Regex::new(r#"href="[^"]*modules/probability/index.html">([^<]*)"#).unwrap();
    for page in [
        "paths/capstones/index.html",
        "paths/capstones/phase-1-projects/index.html",
    ] {
        let html = read(site.join(page));
        let labels: Vec<String> = chip
            .captures_iter(&html)
            .chain(card.captures_iter(&html))
            .map(|c| c[1].trim().to_string())
            .collect();
        for label in ["Capstone 1", "Capstone 2", "Probability"] {
            assert!(labels.iter().any(|l| l == label), "{page}: {labels:?}");
        }
    }
}
