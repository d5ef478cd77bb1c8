//! pathbook turns learning paths and their module READMEs into a static site, checks
//! their links, and previews them live. Data flows one way:
//!
//! ```text
//! book.toml → config::Config
//! content/  → load (discover, while read + markdown::parse run in parallel) → load::Project
//!           → model::build → model::Site {paths → phases → groups/tracks → module refs; modules}
//!           → validate::validate → Vec<Diagnostic>          (`check` stops here;
//!             `check --external` adds external::check, which fetches http(s) links)
//!           → render::Plan (what is published; a key per job) → render::Renderer::run(Job)
//!             (Tera + syntect), each file handed to a render::Sink as it is made
//!           → output::Staging, swapped in by output::write_atomically (`build`, reusing
//!             unchanged jobs' files) | serve::Snapshot renders pages on request (`serve`)
//! ```
//!
//! Where each step lives:
//!
//! ```text
//! cli.rs            the commands; the only place that picks an exit code
//! pipeline.rs       load → model → validate → plan, shared by build, check and serve
//! timings.rs        time per stage, for --verbose
//! config.rs         book.toml
//! discover.rs       the content's files; load.rs reads them, markdown/ parses them
//! markdown/         extract (links, headings) for checking; html (+ raw_html) for pages
//! model.rs          paths, phases, groups, tracks and modules
//! validate.rs       the findings `check` reports (links.rs resolves links, slug.rs ids)
//! external.rs       `check --external`
//! render/           mod.rs: Renderer and Sink; plan.rs: jobs and what each may reuse;
//!                   urls.rs: where files go; context.rs: template contexts; nav.rs:
//!                   sidebars; pages/: one file per page kind; print.rs: the print page;
//!                   pathmap.rs: the path's SVG map
//! search/           the search index (mod.rs) and the documents it indexes (pages.rs)
//! templates.rs      Tera templates and the theme's static files; highlight.rs: syntect
//! reuse.rs          what a build may take from the previous one: job keys, the jobs file
//! output.rs         the staging folder, the swap, the file manifest
//! serve/            the live preview: http.rs, watch.rs
//! ```

pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod discover;
pub mod duration;
pub mod external;
pub mod frontmatter;
pub mod highlight;
pub mod import_mdbook;
pub mod links;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod reuse;
pub mod sanitize;
pub mod search;
pub mod serve;
pub mod slug;
pub mod source;
pub mod suggest;
pub mod templates;
pub mod timings;
pub mod validate;
