//! Property tests for link resolution and slugs, and the regression tests left by fuzzing.

use proptest::prelude::*;

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
