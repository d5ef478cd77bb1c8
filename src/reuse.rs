//! What a build may take from the previous one. Each rendering job (see `render::Plan`)
//! gets a key: a hash of everything its files depend on. The build records each job's key
//! and files in `.pathbook-jobs`; the next build reuses a job's files when its key is
//! unchanged, and skips writing altogether when every key is ([`unchanged_site`]).
//!
//! Two hashes, one for each purpose:
//! - on disk (keys, the jobs file, the file manifest): xxh3, which reads every byte of a
//!   site at about 20 GB/s and does not change with the Rust version; see [`DiskHasher`];
//! - in memory (hash tables): foldhash, where only speed matters.

use crate::model::Site;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// Which files each rendering job made, under which key.
pub const JOBS_FILE: &str = ".pathbook-jobs";

/// The job name under which a build records the files it copies (images and the like).
pub const COPIES_JOB: &str = "copies";

/// The hash of everything that goes to disk.
pub type DiskHasher = xxhash_rust::xxh3::Xxh3;

/// A text's hash, for keys.
pub fn fingerprint(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

/// A written file's length and hash, for the file manifest that lets the next build
/// hard-link what did not change.
pub fn file_fingerprint(bytes: &[u8]) -> (u64, u64) {
    (bytes.len() as u64, xxhash_rust::xxh3::xxh3_64(bytes))
}

/// Each job's key and files, as a build records them.
pub type JobRecords = HashMap<String, (u64, Vec<String>)>;

/// The jobs the build in `dir` recorded; none when it recorded nothing readable.
pub fn read_jobs(dir: &Path) -> JobRecords {
    std::fs::read(dir.join(JOBS_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// The jobs file's bytes.
pub fn jobs_json(jobs: &BTreeMap<String, (u64, Vec<String>)>) -> serde_json::Result<Vec<u8>> {
    serde_json::to_vec(jobs)
}

/// When the build in `dest` was made from exactly these jobs with these keys and every
/// file it made is `intact`, the site would not change: returns its files.
pub fn unchanged_site(
    dest: &Path,
    keys: &BTreeMap<String, u64>,
    intact: impl Fn(&str) -> bool,
) -> Option<Vec<String>> {
    let jobs = read_jobs(dest);
    if jobs.len() != keys.len() {
        return None;
    }
    let mut files = Vec::new();
    for (name, key) in keys {
        let (old_key, made) = jobs.get(name)?;
        if old_key != key {
            return None;
        }
        files.extend(made.iter().cloned());
    }
    files.iter().all(|rel| intact(rel)).then_some(files)
}

/// What one job's files depend on beyond what every job does (see [`Keys`]): the texts
/// of some documents and the cards of some modules.
#[derive(Default)]
pub struct Inputs<'a> {
    /// Content paths of the Markdown files the job renders or indexes.
    pub docs: Vec<&'a str>,
    /// Slugs of the modules whose cards (summary, reading time) the job shows.
    pub cards: Vec<&'a str>,
}

/// The hashes job keys are made of, computed once per build.
pub struct Keys {
    /// What every page may show of the whole site.
    site: u64,
    /// Each Markdown file's text, hashed.
    docs: HashMap<String, u64>,
    /// Each module's card, hashed.
    cards: HashMap<String, u64>,
}

/// What every job depends on besides its own [`Inputs`].
pub struct SiteInputs<'a> {
    pub site: &'a Site,
    /// The templates' sources, hashed.
    pub templates: u64,
    /// The theme's static files, names and bytes.
    pub static_files: &'a [(String, Vec<u8>)],
    /// The Markdown pages the site publishes.
    pub pages: &'a std::collections::BTreeSet<String>,
    /// The files it copies.
    pub assets: &'a std::collections::BTreeSet<String>,
    /// Each module's card, by slug: its summary and reading time.
    pub cards: HashMap<String, (Option<&'a String>, usize)>,
}

impl Keys {
    pub fn new(inputs: SiteInputs<'_>) -> Keys {
        use rayon::prelude::*;
        let SiteInputs {
            site,
            templates,
            static_files,
            pages,
            assets,
            cards,
        } = inputs;
        let docs: HashMap<String, u64> = site
            .project
            .docs
            .par_iter()
            .map(|(rel, doc)| (rel.clone(), fingerprint(&doc.source.text)))
            .collect();
        let mut hasher = DiskHasher::new();
        // A new pathbook may render differently: its executable's size and time stand in
        // for its version.
        env!("CARGO_PKG_VERSION").hash(&mut hasher);
        if let Some(metadata) = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.metadata().ok())
        {
            metadata.len().hash(&mut hasher);
            metadata.modified().ok().hash(&mut hasher);
        }
        std::fs::read(site.project.project_dir.join("book.toml"))
            .ok()
            .hash(&mut hasher);
        templates.hash(&mut hasher);
        static_files.hash(&mut hasher);
        site.project.index.files.hash(&mut hasher);
        // Every page shows the paths' structure (sidebars) and the modules' titles.
        for path in &site.paths {
            docs.get(&path.rel).hash(&mut hasher);
        }
        for module in site.modules.values() {
            module.slug.hash(&mut hasher);
            module.exists.hash(&mut hasher);
            site.module_title(&module.slug).hash(&mut hasher);
        }
        // Which pages and files are published follows every document's links.
        pages.hash(&mut hasher);
        assets.hash(&mut hasher);
        Keys {
            site: hasher.finish(),
            docs,
            cards: cards
                .into_iter()
                .map(|(slug, card)| {
                    let mut hasher = DiskHasher::new();
                    card.hash(&mut hasher);
                    (slug, hasher.finish())
                })
                .collect(),
        }
    }

    /// The key of the job named `name` with these inputs: when it equals the previous
    /// build's, the job's files are reused instead of rendered.
    pub fn job_key(&self, name: &str, inputs: &Inputs) -> u64 {
        let mut hasher = DiskHasher::new();
        self.site.hash(&mut hasher);
        name.hash(&mut hasher);
        for slug in &inputs.cards {
            self.cards.get(*slug).hash(&mut hasher);
        }
        for rel in &inputs.docs {
            self.docs.get(*rel).hash(&mut hasher);
        }
        hasher.finish()
    }
}

/// The key of the copied files: their output names and their sources' sizes and times
/// (copies are not read, so their bytes are not hashed).
pub fn copies_key(copies: &[(&String, &PathBuf)]) -> u64 {
    let mut hasher = DiskHasher::new();
    for (rel, source) in copies {
        rel.hash(&mut hasher);
        let metadata = source.metadata().ok();
        metadata.as_ref().map(|m| m.len()).hash(&mut hasher);
        metadata.and_then(|m| m.modified().ok()).hash(&mut hasher);
    }
    hasher.finish()
}
