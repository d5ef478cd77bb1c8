//! Terminal and CI logs: nothing from content reaches human output unescaped.

use super::*;

/// What a CI runner or a terminal would act on: a line that starts a GitHub workflow
/// command, or a control character (ESC starts terminal sequences, BEL rings).
fn assert_log_safe(out: &Outcome, what: &str) {
    let all = out.all();
    for line in all.lines() {
        assert!(
            !line.trim_start().starts_with("::"),
            "{what}: a line starts a workflow command: {line:?}"
        );
    }
    assert!(
        !all.chars().any(|c| c.is_control() && c != '\n'),
        "{what}: a control character reached the output: {all:?}"
    );
}

#[test]
fn file_names_and_links_with_line_breaks_and_escapes_are_shown_escaped() {
    let project = Project::new();
    let evil = "x\n::add-mask::secret\u{1b}[2J\u{7}.md";
    project.write(
        &format!("content/modules/alpha/{evil}"),
        "# Evil\n\nSee [gone](nowhere\u{1b}]0;title\u{7}.md) and <a href=\"a&#10;::warning::b.md\">x</a>.\n",
    );
    project.write(
        "content/modules/alpha/README.md",
        format!("{ALPHA_MD}\nSee [evil](<{}>).\n", evil.replace('\n', "%0A")),
    );
    for command in ["check", "build"] {
        let out = project.run(&[command]);
        assert!(
            out.all().contains("::add-mask::"),
            "{command}: {}",
            out.all()
        );
        assert_log_safe(&out, command);
    }
}
