//! `book.toml` → [`Config`]. Keys follow mdBook where the meaning is the same; unknown keys
//! are errors naming the key, its line and the closest valid key, because a typo that is
//! silently ignored (`buid-dir`) costs an author far more than a refused build.

use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub book: BookConfig,
    pub paths: DirConfig,
    pub modules: ModulesConfig,
    pub build: BuildConfig,
    pub output: OutputConfig,
    pub check: CheckConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BookConfig {
    pub title: Option<String>,
    pub description: Option<String>,
    pub authors: Vec<String>,
    pub language: String,
    /// The content root; `"."` for a repository whose paths and modules sit at its root.
    pub src: String,
}

impl Default for BookConfig {
    fn default() -> Self {
        BookConfig {
            title: None,
            description: None,
            authors: Vec::new(),
            language: "en".into(),
            src: "content".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DirConfig {
    pub dir: String,
}

impl Default for DirConfig {
    fn default() -> Self {
        DirConfig {
            dir: "paths".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModulesConfig {
    pub dir: String,
}

impl Default for ModulesConfig {
    fn default() -> Self {
        ModulesConfig {
            dir: "modules".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum BrokenLinkPolicy {
    #[default]
    Error,
    Warn,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "kebab-case")]
pub struct BuildConfig {
    pub build_dir: String,
    pub on_broken_links: BrokenLinkPolicy,
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig {
            build_dir: "book".into(),
            on_broken_links: BrokenLinkPolicy::Error,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputConfig {
    pub html: HtmlConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "kebab-case")]
pub struct HtmlConfig {
    pub site_url: Option<String>,
    pub git_repository_url: Option<String>,
    /// `{path}` is replaced by the page's source path relative to the project directory.
    pub edit_url_template: Option<String>,
    /// Strip scripts and event handlers from raw HTML, as GitHub does for READMEs.
    pub sanitize: bool,
    pub search: SearchConfig,
}

impl Default for HtmlConfig {
    fn default() -> Self {
        HtmlConfig {
            site_url: None,
            git_repository_url: None,
            edit_url_template: None,
            sanitize: true,
            search: SearchConfig::default(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    pub enable: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { enable: true }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckConfig {
    /// Link targets matching any of these patterns (regular expressions) are not checked.
    pub exclude: Vec<String>,
}

/// A `book.toml` that could not be used, with where and why.
#[derive(Debug)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub help: Option<String>,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads `book.toml` from `project_dir`; a missing file means every default.
    pub fn load(project_dir: &Path) -> Result<Config, ConfigError> {
        let file = project_dir.join("book.toml");
        let text = match crate::source::read_limited(&file, MAX_CONFIG_BYTES) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| ConfigError {
                file: file.clone(),
                line: None,
                column: None,
                message: "cannot read: the file is not valid UTF-8".into(),
                help: None,
            })?,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Config::default());
            }
            Err(err) => {
                return Err(ConfigError {
                    file,
                    line: None,
                    column: None,
                    message: format!("cannot read: {err}"),
                    help: None,
                });
            }
        };
        Config::parse(&text, file)
    }

    pub fn parse(text: &str, file: PathBuf) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|err| {
            let (line, column) = match err.span() {
                Some(span) => {
                    let before = &text[..span.start.min(text.len())];
                    let line = before.matches('\n').count() + 1;
                    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                    (Some(line), Some(column))
                }
                None => (None, None),
            };
            let message = err.message().trim().to_string();
            ConfigError {
                file: file.clone(),
                line,
                column,
                help: suggest_known_key(&message),
                message,
            }
        })?;
        config.validate(&file)?;
        Ok(config)
    }

    fn validate(&self, file: &Path) -> Result<(), ConfigError> {
        let error = |message: String| ConfigError {
            file: file.to_path_buf(),
            line: None,
            column: None,
            message,
            help: None,
        };
        if let Some(template) = &self.output.html.edit_url_template
            && !template.contains("{path}")
        {
            return Err(error(format!(
                "`output.html.edit-url-template` must contain `{{path}}`, got `{template}`"
            )));
        }
        // These addresses become links on every page: a `javascript:` or `data:` one would
        // be a script link a learner clicks. Only web addresses are taken.
        let html = &self.output.html;
        for (key, url) in [
            ("site-url", &html.site_url),
            ("git-repository-url", &html.git_repository_url),
            ("edit-url-template", &html.edit_url_template),
        ] {
            if let Some(url) = url
                && !is_web_address(url)
            {
                return Err(ConfigError {
                    help: Some("write the full address, starting with `https://`".into()),
                    ..error(format!(
                        "`output.html.{key}` must be an http or https address, got `{url}`"
                    ))
                });
            }
        }
        for pattern in &self.check.exclude {
            if let Err(err) = regex::Regex::new(pattern) {
                return Err(error(format!(
                    "`check.exclude` pattern `{pattern}` is not a valid regular expression: {err}"
                )));
            }
        }
        for (key, dir) in [
            ("book.src", &self.book.src),
            ("paths.dir", &self.paths.dir),
            ("modules.dir", &self.modules.dir),
        ] {
            if Path::new(dir).is_absolute() || dir.split(['/', '\\']).any(|part| part == "..") {
                return Err(error(format!(
                    "`{key}` must be a relative folder inside the project, got `{dir}`"
                )));
            }
        }
        Ok(())
    }

    pub fn content_dir(&self, project_dir: &Path) -> PathBuf {
        project_dir.join(&self.book.src)
    }

    /// A folder name relative to the content root, normalised to `a/b` with no trailing `/`.
    pub fn paths_dir(&self) -> String {
        normalise_dir(&self.paths.dir)
    }

    pub fn modules_dir(&self) -> String {
        normalise_dir(&self.modules.dir)
    }
}

/// `http://` or `https://` followed by a host, with nothing a browser would strip or
/// reinterpret before the scheme.
fn is_web_address(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// The largest `book.toml` read: a real one is a few hundred bytes, and a symlink to
/// `/dev/zero` must be an error, not an exhausted memory.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

fn normalise_dir(dir: &str) -> String {
    dir.split(['/', '\\'])
        .filter(|part| !part.is_empty() && *part != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// serde names the unknown key and the expected ones; turn that into a "did you mean".
fn suggest_known_key(message: &str) -> Option<String> {
    let unknown = message.strip_prefix("unknown field `")?.split('`').next()?;
    let expected = message.split("expected ").nth(1)?;
    let candidates: Vec<&str> = expected
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, key)| key)
        .collect();
    let best = crate::suggest::closest(unknown, candidates.iter().copied())?;
    Some(format!("did you mean `{best}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_keys_take_defaults() {
        let config = Config::parse("[book]\ntitle = \"T\"\n", "book.toml".into()).unwrap();
        assert_eq!(config.book.title.as_deref(), Some("T"));
        assert_eq!(config.book.src, "content");
        assert_eq!(config.build.build_dir, "book");
        assert!(config.output.html.search.enable);
    }

    #[test]
    fn unknown_key_names_line_and_closest_key() {
        let err = Config::parse(
            "[book]\ntitle = \"T\"\n\n[build]\nbuid-dir = \"x\"\n",
            "book.toml".into(),
        )
        .unwrap_err();
        assert_eq!(err.line, Some(5));
        assert!(err.message.contains("buid-dir"), "{}", err.message);
        assert_eq!(err.help.as_deref(), Some("did you mean `build-dir`?"));
    }

    #[test]
    fn wrong_type_is_an_error_with_a_line() {
        let err = Config::parse("[book]\nauthors = \"me\"\n", "book.toml".into()).unwrap_err();
        assert_eq!(err.line, Some(2));
    }

    #[test]
    fn nested_output_keys_parse() {
        let config = Config::parse(
            "[output.html]\nsite-url = \"https://x.test/\"\nedit-url-template = \"https://g/{path}\"\n[output.html.search]\nenable = false\n",
            "book.toml".into(),
        )
        .unwrap();
        assert!(!config.output.html.search.enable);
        assert_eq!(
            config.output.html.site_url.as_deref(),
            Some("https://x.test/")
        );
    }
}
