//! The CI recipes in `examples/`, the pre-commit hook and the user guide in `docs/`: every
//! recipe parses, every `pathbook ...` command it runs names a real subcommand with real
//! flags and succeeds on a clean project, and `pathbook check docs/` is clean.

mod common;
use common::*;
use serde_yaml_ng::Value;
use std::path::{Path, PathBuf};

/// A `pathbook ...` command line found in a recipe, split into words.
#[derive(Debug, Clone)]
struct Invocation {
    file: String,
    words: Vec<String>,
}

impl Invocation {
    /// The subcommand: the first word after `pathbook` that is not a global option.
    fn subcommand(&self) -> &str {
        let mut words = self.words.iter().skip(1);
        while let Some(word) = words.next() {
            match word.as_str() {
                "--color" => {
                    words.next();
                }
                w if w.starts_with('-') => {}
                w => return w,
            }
        }
        panic!("{}: no subcommand in `{}`", self.file, self.words.join(" "))
    }

    /// Every option word (`--format`, `-d`), without any `=value`.
    fn flags(&self) -> Vec<&str> {
        self.words
            .iter()
            .skip(1)
            .filter(|w| w.starts_with('-'))
            .map(|w| w.split('=').next().unwrap())
            .collect()
    }

    /// The value given to `--long`/`-short`, if any.
    fn value_of(&self, long: &str, short: &str) -> Option<&str> {
        let mut words = self.words.iter();
        while let Some(word) = words.next() {
            if word == long || word == short {
                return words.next().map(String::as_str);
            }
            if let Some(value) = word.strip_prefix(&format!("{long}=")) {
                return Some(value);
            }
        }
        None
    }

    fn line(&self) -> String {
        self.words.join(" ")
    }
}

fn rel(path: &Path) -> String {
    path.strip_prefix(repo())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn yaml_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(repo().join("examples"))
        .into_iter()
        .map(|e| e.expect("walk examples/").into_path())
        .filter(|p| {
            p.extension()
                .is_some_and(|ext| ext == "yml" || ext == "yaml")
        })
        .collect();
    files.push(repo().join(".pre-commit-hooks.yaml"));
    files.sort();
    files
}

fn parse_yaml(path: &Path) -> Value {
    let text = read(path);
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{}: not valid YAML: {e}", rel(path)))
}

/// Splits one shell word list, honouring single and double quotes (enough for recipes).
fn shell_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for ch in text.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '\'' | '"') => {
                quote = Some(ch);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            (None, c) => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(current);
    }
    words
}

/// Every `pathbook ...` command in a shell script: lines are joined at trailing
/// backslashes, comments dropped, and each line split at `&&`, `||`, `;` and `|`.
fn pathbook_commands(file: &str, script: &str) -> Vec<Invocation> {
    let separators = regex::Regex::new(r"&&|\|\||;|\|").unwrap();
    let joined = script.replace("\\\n", " ");
    let mut found = Vec::new();
    for line in joined.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        for segment in separators.split(line) {
            let segment = segment
                .trim()
                .trim_start_matches(['(', '{'])
                .trim_end_matches([')', '}'])
                .trim();
            let mut words = Vec::new();
            let mut skip_next = false;
            for word in shell_words(segment) {
                if skip_next {
                    skip_next = false;
                    continue;
                }
                // Redirections are the shell's business, not pathbook's.
                if matches!(word.as_str(), ">" | ">>" | "2>" | "2>>" | "<") {
                    skip_next = true;
                    continue;
                }
                if word.starts_with('>') || word.starts_with("2>") {
                    continue;
                }
                words.push(word);
            }
            if words.first().map(String::as_str) == Some("pathbook") {
                found.push(Invocation {
                    file: file.to_string(),
                    words,
                });
            }
        }
    }
    found
}

/// The scripts of a value that is either one string or a list of strings.
fn scripts_in(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Sequence(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// GitHub Actions: every `run:` of every step of every job.
fn github_commands(file: &str, workflow: &Value) -> Vec<(String, Invocation)> {
    let jobs = workflow["jobs"]
        .as_mapping()
        .unwrap_or_else(|| panic!("{file}: no jobs"));
    let mut found = Vec::new();
    for (name, job) in jobs {
        let name = name.as_str().unwrap().to_string();
        for step in job["steps"].as_sequence().into_iter().flatten() {
            for script in scripts_in(&step["run"]) {
                for invocation in pathbook_commands(file, &script) {
                    found.push((name.clone(), invocation));
                }
            }
        }
    }
    found
}

/// GitLab CI: `script`, `before_script` and `after_script` of every job and of `default`.
fn gitlab_commands(file: &str, pipeline: &Value) -> Vec<(String, Invocation)> {
    let mut found = Vec::new();
    for (name, job) in pipeline.as_mapping().unwrap() {
        let name = name.as_str().unwrap().to_string();
        if !job.is_mapping() {
            continue;
        }
        for key in ["before_script", "script", "after_script"] {
            for script in scripts_in(&job[key]) {
                for invocation in pathbook_commands(file, &script) {
                    found.push((name.clone(), invocation));
                }
            }
        }
    }
    found
}

/// pre-commit: each hook's entry with its args.
fn hook_commands(file: &str, hooks: &Value) -> Vec<Invocation> {
    let mut found = Vec::new();
    for hook in hooks.as_sequence().expect("a list of hooks") {
        let mut entry = hook["entry"].as_str().expect("hook entry").to_string();
        for arg in hook["args"].as_sequence().into_iter().flatten() {
            entry.push(' ');
            entry.push_str(arg.as_str().unwrap());
        }
        found.extend(pathbook_commands(file, &entry));
    }
    found
}

fn netlify() -> toml::Table {
    let path = repo().join("examples/netlify.toml");
    read(&path)
        .parse::<toml::Table>()
        .unwrap_or_else(|e| panic!("examples/netlify.toml: not valid TOML: {e}"))
}

fn netlify_commands() -> Vec<Invocation> {
    let config = netlify();
    let command = config["build"]["command"]
        .as_str()
        .expect("[build] command");
    pathbook_commands("examples/netlify.toml", command)
}

/// Every pathbook command every recipe runs.
fn all_commands() -> Vec<Invocation> {
    let mut all = Vec::new();
    for path in yaml_files() {
        let file = rel(&path);
        let value = parse_yaml(&path);
        if file == ".pre-commit-hooks.yaml" {
            all.extend(hook_commands(&file, &value));
        } else if value.get("jobs").is_some() {
            all.extend(github_commands(&file, &value).into_iter().map(|(_, i)| i));
        } else {
            all.extend(gitlab_commands(&file, &value).into_iter().map(|(_, i)| i));
        }
    }
    all.extend(netlify_commands());
    all
}

fn help_of(subcommand: &str) -> String {
    let output = run(&[subcommand, "--help"], &repo());
    let (stdout, stderr) = text(&output);
    assert!(
        output.status.success(),
        "`pathbook {subcommand} --help` failed: is `{subcommand}` a subcommand?\n{stderr}"
    );
    stdout
}

fn help_mentions(help: &str, flag: &str) -> bool {
    let pattern = format!(r"(?m)(^|[\s,]){}([\s,=<]|$)", regex::escape(flag));
    regex::Regex::new(&pattern).unwrap().is_match(help)
}

/// A clean project (the variants fixture without its orphan module) to run commands in.
fn clean_project() -> tempfile::TempDir {
    let temp = copy_fixture("variants");
    std::fs::remove_dir_all(temp.path().join("content/modules/lonely")).unwrap();
    temp
}

#[test]
fn every_recipe_parses() {
    let files = yaml_files();
    assert!(
        files.len() >= 3,
        "expected the GitHub and GitLab recipes and the hook: {files:?}"
    );
    for path in &files {
        let value = parse_yaml(path);
        assert!(value.is_mapping() || value.is_sequence(), "{}", rel(path));
    }
    netlify();
}

#[test]
fn every_recipe_runs_pathbook() {
    let all = all_commands();
    for file in [
        "examples/github/pathbook.yml",
        "examples/gitlab/.gitlab-ci.yml",
        "examples/netlify.toml",
        ".pre-commit-hooks.yaml",
    ] {
        assert!(
            all.iter().any(|i| i.file == file),
            "no `pathbook ...` command found in {file}"
        );
    }
}

#[test]
fn every_subcommand_and_flag_in_the_recipes_exists() {
    let mut helps = std::collections::BTreeMap::new();
    for invocation in all_commands() {
        let subcommand = invocation.subcommand().to_string();
        let help = helps
            .entry(subcommand.clone())
            .or_insert_with(|| help_of(&subcommand));
        for flag in invocation.flags() {
            assert!(
                help_mentions(help, flag),
                "{}: `{}` uses {flag}, which `pathbook {subcommand} --help` does not list:\n{help}",
                invocation.file,
                invocation.line()
            );
        }
    }
}

#[test]
fn every_recipe_command_succeeds_on_a_clean_project() {
    for invocation in all_commands() {
        if invocation.subcommand() == "serve" {
            continue; // runs until stopped; its flags are covered by the --help test
        }
        let project = clean_project();
        let args: Vec<&str> = invocation.words[1..].iter().map(String::as_str).collect();
        let output = run(&args, project.path());
        let (stdout, stderr) = text(&output);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}: `{}` failed:\n{stdout}\n{stderr}",
            invocation.file,
            invocation.line()
        );
        if invocation.subcommand() == "build" {
            let dest = invocation.value_of("--dest-dir", "-d").unwrap_or("book");
            assert!(
                project.path().join(dest).join("index.html").is_file(),
                "{}: `{}` wrote no {dest}/index.html",
                invocation.file,
                invocation.line()
            );
        }
        if invocation.value_of("--format", "--format") == Some("github") {
            assert!(
                stdout.lines().last().unwrap_or("").starts_with("checked "),
                "{stdout}"
            );
        }
    }
}

#[test]
fn github_workflow_checks_pull_requests_and_deploys_main_to_pages() {
    let file = "examples/github/pathbook.yml";
    let workflow = parse_yaml(&repo().join(file));
    let on = &workflow["on"];
    assert!(
        on.get("pull_request").is_some(),
        "{file}: not run on pull requests"
    );
    let branches: Vec<&str> = on["push"]["branches"]
        .as_sequence()
        .expect("push branches")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        branches.contains(&"main"),
        "{file}: not run on pushes to main"
    );

    let commands = github_commands(file, &workflow);
    let (check_job, _) = commands
        .iter()
        .find(|(_, i)| {
            i.subcommand() == "check" && i.value_of("--format", "--format") == Some("github")
        })
        .unwrap_or_else(|| panic!("{file}: no `pathbook check --format github`"));
    let condition = workflow["jobs"][check_job.as_str()]["if"]
        .as_str()
        .unwrap_or("");
    assert!(
        condition.contains("pull_request"),
        "{file}: the check job should run on pull requests, has `if: {condition}`"
    );

    let (build_job, build) = commands
        .iter()
        .find(|(_, i)| i.subcommand() == "build")
        .unwrap_or_else(|| panic!("{file}: no `pathbook build`"));
    let dest = build.value_of("--dest-dir", "-d").unwrap_or("book");
    let steps = workflow["jobs"][build_job.as_str()]["steps"]
        .as_sequence()
        .unwrap();
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact@"))
        })
        .unwrap_or_else(|| panic!("{file}: the build job does not upload a Pages artifact"));
    assert_eq!(
        upload["with"]["path"].as_str(),
        Some(dest),
        "{file}: uploads a different folder than pathbook builds"
    );

    let deploy = workflow["jobs"]
        .as_mapping()
        .unwrap()
        .values()
        .find(|job| {
            job["steps"].as_sequence().into_iter().flatten().any(|s| {
                s["uses"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("actions/deploy-pages@"))
            })
        })
        .unwrap_or_else(|| panic!("{file}: no actions/deploy-pages step"));
    assert_eq!(deploy["permissions"]["pages"].as_str(), Some("write"));
    assert_eq!(deploy["permissions"]["id-token"].as_str(), Some("write"));
    assert_eq!(deploy["needs"].as_str(), Some(build_job.as_str()));
}

#[test]
fn gitlab_pipeline_checks_merge_requests_and_publishes_public() {
    let file = "examples/gitlab/.gitlab-ci.yml";
    let pipeline = parse_yaml(&repo().join(file));
    let commands = gitlab_commands(file, &pipeline);
    let (check_job, _) = commands
        .iter()
        .find(|(_, i)| i.subcommand() == "check")
        .unwrap_or_else(|| panic!("{file}: no `pathbook check`"));
    let rules = serde_yaml_ng::to_string(&pipeline[check_job.as_str()]["rules"]).unwrap();
    assert!(
        rules.contains("merge_request_event"),
        "{file}: the check job should run in merge-request pipelines: {rules}"
    );
    let pages = &pipeline["pages"];
    assert!(
        pages.is_mapping(),
        "{file}: GitLab publishes only a job named `pages`"
    );
    let build = commands
        .iter()
        .find(|(job, i)| job == "pages" && i.subcommand() == "build")
        .map(|(_, i)| i)
        .unwrap_or_else(|| panic!("{file}: the pages job does not run `pathbook build`"));
    assert_eq!(build.value_of("--dest-dir", "-d"), Some("public"));
    let artifacts: Vec<&str> = pages["artifacts"]["paths"]
        .as_sequence()
        .expect("pages artifacts")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        artifacts.contains(&"public"),
        "{file}: pages must publish public/"
    );
}

#[test]
fn netlify_publishes_what_pathbook_builds() {
    let config = netlify();
    let build = netlify_commands()
        .into_iter()
        .find(|i| i.subcommand() == "build")
        .expect("netlify.toml runs `pathbook build`");
    assert_eq!(
        config["build"]["publish"].as_str(),
        build.value_of("--dest-dir", "-d").or(Some("book"))
    );
}

#[test]
fn pre_commit_hook_checks_changed_markdown() {
    let hooks = parse_yaml(&repo().join(".pre-commit-hooks.yaml"));
    let hook = hooks
        .as_sequence()
        .unwrap()
        .iter()
        .find(|h| h["id"].as_str() == Some("pathbook-check"))
        .expect("a hook with id pathbook-check");
    assert_eq!(hook["entry"].as_str(), Some("pathbook check"));
    assert!(matches!(hook["language"].as_str(), Some("rust" | "system")));
    assert_eq!(hook["pass_filenames"].as_bool(), Some(false));
    assert!(hook["name"].as_str().is_some_and(|n| !n.is_empty()));
    let files = regex::Regex::new(hook["files"].as_str().expect("files pattern")).unwrap();
    for yes in ["README.md", "content/modules/a/README.md", "docs/check.md"] {
        assert!(files.is_match(yes), "{yes} should trigger the hook");
    }
    for no in ["src/main.rs", "book.toml", "notes.md.bak"] {
        assert!(!files.is_match(no), "{no} should not trigger the hook");
    }
}

#[test]
fn recipes_mark_their_placeholder_repository() {
    for file in [
        "examples/github/pathbook.yml",
        "examples/gitlab/.gitlab-ci.yml",
        "examples/netlify.toml",
    ] {
        let text = read(repo().join(file));
        if text.contains("--git") {
            assert!(
                text.contains("PLACEHOLDER"),
                "{file}: installs pathbook from a Git URL without marking it as a placeholder"
            );
        }
    }
}

#[test]
fn the_user_guide_checks_clean() {
    let output = run(
        &["check", "docs", "--format", "json", "--deny-warnings"],
        &repo(),
    );
    let (stdout, stderr) = text(&output);
    let report: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: not JSON:\n{stdout}\n{stderr}"));
    assert_eq!(
        output.status.code(),
        Some(0),
        "pathbook check docs/ is not clean:\n{stdout}\n{stderr}"
    );
    assert_eq!(report["errors"], 0, "{stdout}");
    assert_eq!(report["warnings"], 0, "{stdout}");
    assert!(report["links_checked"].as_u64().unwrap() > 0, "{stdout}");
}

#[test]
fn the_user_guide_index_links_every_page() {
    let docs = repo().join("docs");
    let index = read(docs.join("README.md"));
    let mut pages = 0;
    for entry in std::fs::read_dir(&docs).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") && name != "README.md" {
            pages += 1;
            assert!(
                index.contains(&format!("]({name})")),
                "docs/README.md does not link {name}"
            );
        }
    }
    assert!(pages >= 5, "the user guide has only {pages} pages");
}

#[test]
fn command_extraction_understands_shell_lines() {
    let found = pathbook_commands(
        "t",
        "command -v pathbook || cargo install --git \"$X\" pathbook\n# pathbook in a comment\n\
         pathbook check --format json > report.json || true\n\
         (cd site && pathbook build \\\n  --dest-dir public)",
    );
    let lines: Vec<String> = found.iter().map(Invocation::line).collect();
    assert_eq!(
        lines,
        [
            "pathbook check --format json",
            "pathbook build --dest-dir public"
        ]
    );
    assert_eq!(found[1].value_of("--dest-dir", "-d"), Some("public"));
    assert_eq!(shell_words("a 'b c' \"d\"e"), ["a", "b c", "de"]);
}
