//! One parser configuration and one extraction pass, shared by every consumer: the model
//! reads titles and module items from it, the checker reads links and anchors, and the
//! renderer uses the same heading ids, so what is checked is what is published.

mod escape;
mod extract;
pub mod html;
pub mod raw_html;

pub use extract::{DocLink, Extract, Heading, LinkKind, LinkedItem, ParsedDoc, parse, parse_for};

use pulldown_cmark::Options;

/// The one set of Markdown extensions pathbook understands. Smart punctuation stays off:
/// it would change heading text, and so the ids that links depend on.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}
