//! `check`'s CI formats on real projects: SARIF, JUnit and GitLab Code Quality validate
//! against their schemas and carry the same findings as JSON; GitHub annotations stay within
//! GitHub's limits and cannot be used to inject workflow commands; baselines.

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

fn schema(name: &str) -> jsonschema::Validator {
    let text = read(repo().join("tests/schemas").join(name));
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn validate(validator: &jsonschema::Validator, document: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

fn check(dir: &Path, format: &str, extra: &[&str]) -> Output {
    let mut args = vec!["check", ".", "--format", format];
    args.extend_from_slice(extra);
    run(&args, dir)
}

/// (code, line, path ending) of every finding, from the JSON format: what every other format
/// must carry too.
fn json_findings(dir: &Path) -> BTreeSet<(String, u64, String)> {
    let out = check(dir, "json", &[]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["file"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The JSON paths are relative to DIR; CI formats' paths are from the repository root, so
/// compare by the DIR-relative tail.
fn tail(path: &str, dir_paths: &BTreeSet<(String, u64, String)>) -> String {
    dir_paths
        .iter()
        .map(|(_, _, p)| p)
        .find(|p| path.ends_with(p.as_str()))
        .cloned()
        .unwrap_or_else(|| path.to_string())
}

fn sarif_findings(
    dir: &Path,
    expected: &BTreeSet<(String, u64, String)>,
) -> BTreeSet<(String, u64, String)> {
    let out = check(dir, "sarif", &[]);
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    validate(&schema("sarif-2.1.0-subset.json"), &sarif, "SARIF");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let mut fingerprints = BTreeSet::new();
    results
        .iter()
        .map(|r| {
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(
                rules[index]["id"], r["ruleId"],
                "ruleIndex points at the rule"
            );
            assert!(
                rules[index]["helpUri"]
                    .as_str()
                    .unwrap()
                    .starts_with("https://")
            );
            assert!(
                fingerprints.insert(r["partialFingerprints"]["pathbookFinding/v1"].to_string())
            );
            let location = &r["locations"][0]["physicalLocation"];
            let uri = percent_decode(location["artifactLocation"]["uri"].as_str().unwrap());
            (
                r["ruleId"].as_str().unwrap().to_string(),
                location["region"]["startLine"].as_u64().unwrap(),
                tail(&uri, expected),
            )
        })
        .collect()
}

fn gitlab_findings(
    dir: &Path,
    expected: &BTreeSet<(String, u64, String)>,
) -> BTreeSet<(String, u64, String)> {
    let out = check(dir, "gitlab", &[]);
    let report: Value = serde_json::from_slice(&out.stdout).expect("Code Quality is JSON");
    validate(&schema("gitlab-code-quality.json"), &report, "Code Quality");
    let issues = report.as_array().unwrap();
    let fingerprints: BTreeSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), issues.len(), "fingerprints are unique");
    issues
        .iter()
        .map(|i| {
            (
                i["check_name"].as_str().unwrap().to_string(),
                i["location"]["lines"]["begin"].as_u64().unwrap(),
                tail(i["location"]["path"].as_str().unwrap(), expected),
            )
        })
        .collect()
}

/// Structural check against the JUnit XSD's required shape (no Rust XSD validator is usable):
/// `testsuites` > `testsuite` (name, tests, failures) > `testcase` (name, classname), counts
/// that match the children, unique test names, well-formed XML.
fn junit_findings(
    dir: &Path,
    expected: &BTreeSet<(String, u64, String)>,
) -> BTreeSet<(String, u64, String)> {
    use quick_xml::events::Event;
    let out = check(dir, "junit", &[]);
    let xml = String::from_utf8(out.stdout).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut stack: Vec<String> = Vec::new();
    let mut found = BTreeSet::new();
    let mut names = BTreeSet::new();
    let mut suite_counts: Option<(usize, usize)> = None;
    let (mut cases, mut failures) = (0, 0);
    let attrs = |e: &quick_xml::events::BytesStart| -> std::collections::HashMap<String, String> {
        e.attributes()
            .map(|a| {
                let a = a.unwrap();
                (
                    a.key.as_ref().to_string(),
                    a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                        .unwrap()
                        .into_owned(),
                )
            })
            .collect()
    };
    loop {
        let event = reader.read_event().expect("well-formed XML");
        let (element, empty) = match &event {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            Event::End(_) => {
                let closed = stack.pop().unwrap();
                if closed == "testsuite" {
                    assert_eq!(
                        suite_counts.take(),
                        Some((cases, failures)),
                        "suite counts match its cases"
                    );
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let e = element.unwrap();
        let name = e.name().as_ref().to_string();
        let a = attrs(&e);
        let parent = stack.last().map(String::as_str);
        match name.as_str() {
            "testsuites" => assert_eq!(parent, None),
            "testsuite" => {
                assert_eq!(parent, Some("testsuites"));
                assert!(a.contains_key("name"));
                suite_counts = Some((a["tests"].parse().unwrap(), a["failures"].parse().unwrap()));
                (cases, failures) = (0, 0);
            }
            "testcase" => {
                assert_eq!(parent, Some("testsuite"));
                assert!(a.contains_key("classname"));
                assert!(
                    names.insert((a["classname"].clone(), a["name"].clone())),
                    "unique test names"
                );
                cases += 1;
                if let Some(line) = a.get("line") {
                    let code = a["name"].split(' ').next().unwrap().to_string();
                    found.insert((code, line.parse().unwrap(), tail(&a["file"], expected)));
                }
            }
            "failure" => {
                assert_eq!(parent, Some("testcase"));
                failures += 1;
            }
            "system-out" => assert_eq!(parent, Some("testcase")),
            other => panic!("unexpected element <{other}>"),
        }
        if !empty {
            stack.push(name);
        }
    }
    assert!(stack.is_empty());
    found
}

fn every_format_agrees(dir: &Path) -> usize {
    let expected = json_findings(dir);
    assert_eq!(sarif_findings(dir, &expected), expected, "SARIF");
    assert_eq!(gitlab_findings(dir, &expected), expected, "GitLab");
    assert_eq!(junit_findings(dir, &expected), expected, "JUnit");
    expected.len()
}

#[test]
fn every_format_validates_and_carries_the_same_findings_on_a_fixture_with_every_code() {
    let n = every_format_agrees(&fixture("broken"));
    assert!(n >= 10, "the fixture has many codes: {n}");
}

#[test]
fn every_format_validates_on_the_shipped_site() {
    every_format_agrees(&repo());
}

/// A folder of Markdown in a git repository of its own.
fn git_repo() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(temp.path())
            .output()
            .unwrap();
        assert!(status.status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    temp
}

#[test]
fn ci_paths_are_from_the_repository_root_when_dir_is_a_sub_folder() {
    let temp = git_repo();
    let docs = temp.path().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("a.md"), "# A\n\n[b](missing.md)\n").unwrap();
    for format in ["github", "sarif", "gitlab", "junit"] {
        let out = check(&docs, format, &[]);
        let (stdout, _) = text(&out);
        assert!(stdout.contains("docs/a.md"), "{format}: {stdout}");
    }
    let out = check(&docs, "github", &[]);
    assert!(
        text(&out)
            .0
            .contains("::error file=docs/a.md,line=3,col=1,"),
        "{}",
        text(&out).0
    );
}

#[test]
fn github_annotations_stay_within_the_limits_and_the_log_and_summary_carry_the_rest() {
    let temp = tempfile::tempdir().unwrap();
    for file in ["a", "b", "c"] {
        let mut text = format!("# {file}\n\n");
        for i in 0..10 {
            text.push_str(&format!("[x](missing-{i}.md)\n\n"));
        }
        std::fs::write(temp.path().join(format!("{file}.md")), text).unwrap();
    }
    let summary = temp.path().join("summary.md");
    let out = bin()
        .args(["check", ".", "--format", "github"])
        .current_dir(temp.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "o/r")
        .env("GITHUB_SHA", "abc")
        .output()
        .unwrap();
    let (stdout, _) = text(&out);
    let annotations: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert_eq!(annotations.len(), 10, "{stdout}");
    for file in ["a.md", "b.md", "c.md"] {
        let n = annotations
            .iter()
            .filter(|l| l.contains(&format!("file={file},")))
            .count();
        assert!(
            (3..=4).contains(&n),
            "one per file before seconds: {file} has {n}"
        );
    }
    assert!(
        stdout.contains("20 more findings not annotated"),
        "{stdout}"
    );
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.contains(": error[missing-file]"))
            .count(),
        30
    );
    let summary = read(&summary);
    assert!(summary.contains("| [`missing-file`]("), "{summary}");
    assert!(summary.contains("| error | 30 |"), "{summary}");
    assert!(
        summary.contains("<details><summary>10 more findings</summary>"),
        "{summary}"
    );
    assert!(
        summary.contains("(<https://github.com/o/r/blob/abc/a.md#L3>)"),
        "{summary}"
    );
}

#[test]
fn no_file_name_or_link_can_inject_a_workflow_command() {
    let temp = tempfile::tempdir().unwrap();
    let hostile_name = "50%,x::warning file=evil.md::pwned\nline.md";
    std::fs::write(
        temp.path().join(hostile_name),
        "# H\n\n[a](%25,b::error::pwned.md)\n",
    )
    .unwrap();
    let summary = temp.path().join("summary.md");
    let out = bin()
        .args(["check", ".", "--format", "github"])
        .current_dir(temp.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let token = stdout
        .lines()
        .find_map(|l| l.strip_prefix("::stop-commands::"))
        .expect("commands are stopped for the plain log")
        .to_string();
    let mut stopped = false;
    let mut annotated = 0;
    for line in stdout.lines() {
        if line == format!("::stop-commands::{token}") {
            stopped = true;
            continue;
        }
        if line == format!("::{token}::") {
            stopped = false;
            continue;
        }
        if stopped {
            continue;
        }
        if let Some(rest) = line.strip_prefix("::error ") {
            annotated += 1;
            // Properties up to the first `::`, then the message: a property never holds a
            // raw `:` or `,` of its own, nor a line break.
            let (properties, message) = rest.split_once("::").unwrap();
            let file = properties
                .strip_prefix("file=")
                .unwrap()
                .split(',')
                .next()
                .unwrap();
            let unescaped = file
                .replace("%0A", "\n")
                .replace("%0D", "\r")
                .replace("%3A", ":")
                .replace("%2C", ",")
                .replace("%25", "%");
            assert_eq!(unescaped, hostile_name);
            assert!(!message.contains('\n') && !message.contains('\r'));
            assert!(
                message.contains("%25"),
                "% in the message is escaped: {message}"
            );
        } else {
            assert!(
                !line.trim_start().starts_with("::")
                    || line.starts_with("::notice title=pathbook check::"),
                "a stray workflow command: {line:?}"
            );
        }
    }
    assert_eq!(annotated, 1, "{stdout}");
    let summary = read(&summary);
    assert!(summary.lines().all(|l| !l.starts_with("::")), "{summary}");
}

#[test]
fn a_baseline_accepts_known_findings_by_content_not_by_line() {
    let temp = tempfile::tempdir().unwrap();
    let page = temp.path().join("a.md");
    std::fs::write(&page, "# A\n\n[old](gone.md)\n").unwrap();
    let baseline = temp.path().join("baseline.json");
    let baseline_arg = baseline.to_str().unwrap();
    let out = run(
        &["check", ".", "--write-baseline", baseline_arg],
        temp.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "writing a baseline reports as usual"
    );
    assert!(read(&baseline).contains("\"code\": \"missing-file\""));

    // Lines inserted above the known finding: still known.
    std::fs::write(&page, "# A\n\nNew intro.\n\nMore.\n\n[old](gone.md)\n").unwrap();
    let out = run(&["check", ".", "--baseline", baseline_arg], temp.path());
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("baseline: 1 known findings not reported, 0 baseline entries now fixed"),
        "{stdout}"
    );

    // A new broken link fails, and only it is reported.
    std::fs::write(&page, "# A\n\n[old](gone.md)\n\n[new](also-gone.md)\n").unwrap();
    let out = run(
        &["check", ".", "--format", "json", "--baseline", baseline_arg],
        temp.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let targets: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets, ["also-gone.md"]);

    // The known one fixed: the baseline entry is reported as fixed.
    std::fs::write(&page, "# A\n\nclean\n").unwrap();
    let out = run(&["check", ".", "--baseline", baseline_arg], temp.path());
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout.contains("0 known findings not reported, 1 baseline entries now fixed"),
        "{stdout}"
    );

    // A damaged baseline is an error naming the file and line, not a panic.
    std::fs::write(
        &baseline,
        "{\n  \"version\": 1,\n  \"findings\": [oops]\n}\n",
    )
    .unwrap();
    let out = run(&["check", ".", "--baseline", baseline_arg], temp.path());
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("baseline.json:3:"), "{stderr}");
}

#[test]
fn ignore_comments_silence_what_they_name_and_stale_ones_are_reported() {
    let out = check(&fixture("ignore"), "json", &[]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, u64, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["target"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let expected = [
        // `pathbook-ignore: missing-fragment` keeps the other code on its line.
        ("missing-file", 11, "absent.md"),
        // After `-end`, findings count again.
        ("missing-file", 19, "after.md"),
        // A next-line ignore over a line with no finding.
        ("unused-ignore", 21, ""),
        // An ignore for another code than the line's finding: unused, and the finding stays.
        ("unused-ignore", 31, ""),
        ("missing-fragment", 32, "#also-nowhere"),
    ]
    .map(|(c, l, t)| (c.to_string(), l, t.to_string()));
    assert_eq!(found, expected);
    // The examples in a code block and an inline code span are neither obeyed nor reported.
    assert!(!found.iter().any(|(_, line, _)| *line == 25 || *line == 29));
    assert_eq!(out.status.code(), Some(1));
}

fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", text(&out).1);
}

#[test]
fn changed_since_checks_changed_files_and_links_into_them_including_a_rename() {
    let temp = git_repo();
    let root = temp.path();
    std::fs::write(root.join("target.md"), "# Target\n\n## Setup\n").unwrap();
    std::fs::write(
        root.join("untouched.md"),
        "# U\n\n[t](target.md#setup)\n\n[old](gone.md)\n",
    )
    .unwrap();
    std::fs::write(root.join("edited.md"), "# E\n\nfine\n").unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "base"]);

    // A rename breaks the link in untouched.md; an edit adds a broken link in edited.md.
    git(root, &["mv", "target.md", "renamed.md"]);
    std::fs::write(root.join("edited.md"), "# E\n\n[new](nowhere.md)\n").unwrap();
    let out = check(root, "json", &["--changed-since", "HEAD"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: BTreeSet<(String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["target"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("edited.md", "nowhere.md"),
        ("untouched.md", "target.md#setup"),
    ]
    .map(|(f, t)| (f.to_string(), t.to_string()))
    .into();
    // `[old](gone.md)` in untouched.md was broken before the change: not this change's doing.
    assert_eq!(found, expected);
    assert_eq!(out.status.code(), Some(1));

    // Outside a repository, and with a bad revision: clear errors, exit 2.
    let plain = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join("a.md"), "# A\n").unwrap();
    let out = check(plain.path(), "human", &["--changed-since", "main"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("is not in a git repository"),
        "{}",
        text(&out).1
    );
    let out = check(root, "human", &["--changed-since", "no-such-ref"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("`no-such-ref` is not a commit"),
        "{}",
        text(&out).1
    );
}

#[test]
fn the_action_is_composite_and_runs_real_check_commands() {
    let action: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&read(repo().join("action.yml"))).unwrap();
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let scripts: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    let help = text(&run(&["check", "--help"], &repo())).0;
    let mut checks = 0;
    for script in &scripts {
        if let Some(command) = script.strip_prefix("pathbook check ") {
            checks += 1;
            for word in command.split_whitespace().filter(|w| w.starts_with("--")) {
                assert!(help.contains(word), "{word} is not a check option");
            }
            let format = command
                .split("--format ")
                .nth(1)
                .unwrap()
                .split(' ')
                .next()
                .unwrap();
            assert!(help.contains(format), "format {format}");
        }
        // Inputs reach scripts through the environment, so an input cannot inject shell.
        assert!(
            !script.contains("${{"),
            "an expression pasted into a script: {script}"
        );
    }
    assert_eq!(checks, 2, "{scripts:?}");
    assert!(steps.iter().any(|s| {
        s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
    }));
    assert!(steps.iter().any(|s| {
        s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("actions/cache@"))
    }));
    for input in ["directory", "args", "sarif"] {
        assert!(
            action["inputs"][input]["description"].is_string(),
            "{input}"
        );
    }

    // The check step's command works on a project as the action runs it (DIR, format, args).
    let out = bin()
        .args(["check", ".", "--format", "github", "--deny-warnings"])
        .current_dir(fixture("plain"))
        .output()
        .unwrap();
    assert!(text(&out).0.contains("checked "), "{}", text(&out).0);
}
