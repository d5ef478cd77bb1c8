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

pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod discover;
pub mod duration;
pub mod external;
pub mod highlight;
pub mod import_mdbook;
pub mod links;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pathmap;
pub mod pipeline;
pub mod render;
pub mod sanitize;
pub mod search;
pub mod serve;
pub mod slug;
pub mod source;
pub mod suggest;
pub mod templates;
pub mod validate;
