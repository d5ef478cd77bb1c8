//! book.toml (`pathbook::config::Config::parse`): any text either parses into a config
//! whose folders stay inside the project, or gives an error whose line and column, when
//! given, point into the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pathbook::config::Config;
use std::path::{Component, Path};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::parse(text, "book.toml".into()) {
        Ok(config) => {
            for dir in [&config.book.src, &config.paths.dir, &config.modules.dir] {
                let path = Path::new(dir.as_str());
                assert!(!path.is_absolute(), "absolute folder {dir:?} accepted");
                assert!(
                    !path.components().any(|c| c == Component::ParentDir),
                    "folder {dir:?} leaves the project"
                );
            }
            let _ = config.paths_dir();
            let _ = config.modules_dir();
            let _ = config.content_dir(Path::new("."));
        }
        Err(err) => {
            if let Some(line) = err.line {
                assert!(
                    line >= 1 && line <= text.lines().count().max(1) + 1,
                    "line {line} outside the text"
                );
            }
            let _ = err.to_string();
        }
    }
});
