//! Learning-path parsing (`pathbook::model::parse_path`): phases, groups, tracks, module
//! items, topics and durations from arbitrary Markdown, with the module folder name taken
//! from the input too. Checks that durations add up without overflow and that phase and
//! group slugs are unique within the path, as their page URLs must be.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pathbook::load::Doc;
use pathbook::source::SourceFile;
use std::collections::HashSet;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    // The first line, if short, is the modules folder; the rest is the path file.
    let (modules_dir, text) = match input.split_once('\n') {
        Some((first, rest)) if first.len() < 32 => (first, rest),
        _ => ("modules", input),
    };
    let source = SourceFile::new(
        "content/paths/p.md".into(),
        "paths/p.md".into(),
        text.to_string(),
    );
    let parsed = pathbook::markdown::parse(&source.text);
    let doc = Doc { source, parsed };
    let path = pathbook::model::parse_path("paths/p.md", &doc, modules_dir);

    let mut phase_slugs = HashSet::new();
    for phase in &path.phases {
        assert!(
            phase_slugs.insert(phase.slug.as_str()),
            "duplicate phase slug {:?}",
            phase.slug
        );
        let mut group_slugs = HashSet::new();
        for group in &phase.groups {
            assert!(
                group_slugs.insert(group.slug.as_str()),
                "duplicate group slug {:?}",
                group.slug
            );
        }
        if let Some(duration) = &phase.duration {
            let _ = duration.to_string();
        }
    }
    if let Some(total) = &path.total {
        let _ = total.to_string();
    }
    let _ = path.module_order();
});
