//! Front matter: a YAML block between `---` lines or a TOML block between `+++` lines at the
//! very start of a Markdown file. It is parsed, never printed: the keys pathbook knows set
//! the title, summary, order and duration; every other key is kept for templates.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Yaml,
    Toml,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub summary: Option<String>,
    pub order: Option<i64>,
    pub weight: Option<i64>,
    /// As a path heading writes it: "4 weeks", "2-3 hours".
    pub duration: Option<String>,
    pub prerequisites: Vec<String>,
    /// Every other key (`id`, `track`, `outcomes`...), for templates.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl FrontMatter {
    /// `description`, else `summary`: both name the text a listing shows under the title.
    pub fn summary_text(&self) -> Option<&str> {
        self.description
            .as_deref()
            .or(self.summary.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// Keys that are read but reach no page yet, so `check` can name them rather than the
    /// author's data vanishing: `summary` beside a `description`, the ordering and planning
    /// keys, and every key pathbook does not know.
    pub fn unshown_keys(&self) -> Vec<&str> {
        let mut keys = Vec::new();
        if self.description.is_some() && self.summary.is_some() {
            keys.push("summary");
        }
        for (key, set) in [
            ("order", self.order.is_some()),
            ("weight", self.weight.is_some()),
            ("duration", self.duration.is_some()),
            ("prerequisites", !self.prerequisites.is_empty()),
        ] {
            if set {
                keys.push(key);
            }
        }
        keys.extend(self.extra.keys().map(String::as_str));
        keys
    }

    /// `order`, else `weight`: both name a sort position.
    pub fn position(&self) -> Option<i64> {
        self.order.or(self.weight)
    }
}

/// The block's text parsed; an error says why in the words of the parser, with the line
/// inside the block where it knows it.
pub fn parse(syntax: Syntax, text: &str) -> Result<FrontMatter, String> {
    if text.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    match syntax {
        Syntax::Yaml => serde_yaml_ng::from_str(text).map_err(|err| err.to_string()),
        Syntax::Toml => toml::from_str(text).map_err(|err| err.message().trim().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_keys_are_read_and_unknown_ones_kept() {
        let matter = parse(
            Syntax::Yaml,
            "id: m1\ntitle: Intro to ML\ntrack: core\noutcomes:\n  - fit a line\nduration: 2 weeks\nprerequisites: [python]\n",
        )
        .unwrap();
        assert_eq!(matter.title.as_deref(), Some("Intro to ML"));
        assert_eq!(matter.duration.as_deref(), Some("2 weeks"));
        assert_eq!(matter.prerequisites, ["python"]);
        assert_eq!(matter.extra["id"], "m1");
        assert_eq!(matter.extra["outcomes"][0], "fit a line");
        assert_eq!(
            matter.unshown_keys(),
            ["duration", "prerequisites", "id", "outcomes", "track"]
        );
    }

    #[test]
    fn toml_keys_are_read() {
        let matter = parse(Syntax::Toml, "title = \"T\"\nweight = 3\nsummary = \"S\"\n").unwrap();
        assert_eq!(matter.title.as_deref(), Some("T"));
        assert_eq!(matter.position(), Some(3));
        assert_eq!(matter.summary_text(), Some("S"));
    }

    #[test]
    fn a_wrong_type_is_an_error_not_a_panic() {
        assert!(parse(Syntax::Yaml, "title: [a, b]\n").is_err());
        assert!(parse(Syntax::Yaml, "title: \"unclosed\n").is_err());
    }
}
