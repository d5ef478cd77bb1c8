//! Link resolution (`pathbook::links::resolve`) against a small index, for any page and
//! any destination. A local result must be a file the index holds, so no link can reach
//! outside the content root; the relative URL between two output pages must stay inside
//! the site.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pathbook::discover::{FileIndex, parent_of};
use pathbook::links::{self, Resolved};
use std::collections::BTreeSet;
use std::sync::OnceLock;

const FILES: &[&str] = &[
    "paths/p.md",
    "modules/a/README.md",
    "modules/a/img/x.png",
    "modules/b/index.md",
    "modules/B c/README.md",
    "modules/über/README.md",
    "README.md",
];

fn index() -> &'static FileIndex {
    static INDEX: OnceLock<FileIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = FileIndex::default();
        let mut dirs = BTreeSet::from([String::new()]);
        for file in FILES {
            let mut parent = parent_of(file);
            while !parent.is_empty() {
                dirs.insert(parent.to_string());
                parent = parent_of(parent);
            }
            index.files.insert(file.to_string());
        }
        index.dirs = dirs;
        index.rebuild_case_map();
        index
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (selector, dest) = match input.char_indices().nth(1) {
        Some((at, _)) => (input.as_bytes()[0], &input[at..]),
        None => (0, input),
    };
    let from = FILES[selector as usize % FILES.len()];
    let index = index();
    match links::resolve(from, dest, index) {
        Resolved::Local { rel, .. } => {
            assert!(
                index.is_file(&rel),
                "{dest:?} from {from} -> {rel:?}, not in the index"
            );
        }
        Resolved::Problem(problem) => {
            assert!(!problem.message.is_empty());
        }
        Resolved::External | Resolved::SamePage { .. } => {}
    }
    if let Some(joined) = links::join_inside_root(parent_of(from), dest) {
        assert!(
            !joined.split('/').any(|p| p == ".."),
            "{dest:?} -> {joined:?}"
        );
    }
    let (path, _) = links::split_fragment(dest);
    let _ = links::has_scheme(path);
    // Output pages are `/`-separated paths; the URL between two never climbs above the
    // site root.
    let to = dest.trim_start_matches('/');
    if !to.is_empty() && !to.split('/').any(|p| p.is_empty() || p == "." || p == "..") {
        let url = links::relative_url(from, to);
        let depth = parent_of(from).split('/').filter(|p| !p.is_empty()).count();
        let ups = url.split('/').take_while(|p| *p == "..").count();
        assert!(ups <= depth, "{from} -> {to}: {url} leaves the site");
    }
    let _ = links::root_prefix(from);
});
