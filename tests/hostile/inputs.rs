//! Nasty input: a clear error naming the file, never a panic.

use super::*;
use crate::data_safety::assert_no_file_contains;

#[test]
fn invalid_utf8_names_the_file_line_and_byte_offset() {
    let project = Project::new();
    project.write(
        "content/modules/alpha/README.md",
        b"# Alpha\n\nText \xff\xfe more\n".as_slice(),
    );
    let (check, build) = project.check_and_build(1);
    for out in [&check.stdout, &build.stderr] {
        assert!(out.contains("error[invalid-utf8]"), "{out}");
        assert!(out.contains("first bad byte at offset 14"), "{out}");
        assert!(out.contains("content/modules/alpha/README.md:3:6"), "{out}");
    }
    let json = project.run(&["check", "--format", "json"]);
    assert!(
        json.stdout.contains("\"code\": \"invalid-utf8\""),
        "{}",
        json.stdout
    );
}

#[test]
fn a_bom_and_crlf_line_endings_work_and_keep_line_numbers() {
    let project = Project::new();
    project.write(
        "content/modules/alpha/README.md",
        "\u{feff}# Alpha\r\n\r\nAlpha text.\r\n\r\n## Setup\r\n\r\nSee [gone](missing.md) and [Beta](../beta/README.md#usage).\r\n",
    );
    let check = project.run(&["check"]);
    assert_eq!(check.code, Some(1), "{}", check.all());
    assert!(
        check.stdout.contains("content/modules/alpha/README.md:7:5"),
        "{}",
        check.stdout
    );
    // The caret line shows the source line without its `\r`.
    assert!(
        check
            .stdout
            .contains("7 | See [gone](missing.md) and [Beta](../beta/README.md#usage).\n"),
        "{}",
        check.stdout
    );
    project.write(
        "content/modules/alpha/README.md",
        "\u{feff}# Alpha\r\n\r\nAlpha text.\r\n\r\n## Setup\r\n\r\nSee [Beta](../beta/README.md#usage).\r\n",
    );
    project.check_and_build(0);
    let html = project.read_out("modules/alpha/index.html");
    assert!(html.contains("<title>Alpha"), "BOM leaked into the title");
    assert!(html.contains("id=\"setup\""), "heading id lost");
    assert!(!html.contains('\u{feff}'), "BOM in the page");
}

/// A README of realistic Markdown (prose, lists, quotes, tables, code, links, a little
/// HTML) repeated to 20 MB.
fn twenty_megabytes() -> String {
    let mut text = String::from("# Alpha\n\n## Setup\n\n");
    let mut part = 0;
    while text.len() < 20 * 1024 * 1024 {
        text.push_str(&format!(
            "## Part {part}\n\nLorem ipsum dolor sit amet, *consectetur* adipiscing elit, sed do `eiusmod` tempor\n\
             incididunt ut labore et dolore magna aliqua. See [Beta](../beta/README.md#usage) and\n\
             [this part](#part-{part}).\n\n- Duis aute irure dolor in reprehenderit in voluptate velit.\n\
             - Excepteur sint occaecat cupidatat non proident.\n  - Nested **bold** item, <kbd>Ctrl</kbd>.\n\n\
             > Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium.\n\n\
             | a | b |\n|---|---|\n| 1 | 2 |\n\n```python\ndef f(x):\n    return x * {part}\n```\n\n{}\n\n",
            "Nemo enim ipsam voluptatem quia voluptas sit aspernatur aut odit aut fugit. ".repeat(12)
        ));
        part += 1;
    }
    text
}

#[test]
fn a_20_megabyte_readme_is_checked_and_built() {
    let project = Project::new();
    let text = twenty_megabytes();
    project.write("content/modules/alpha/README.md", &text);
    let check = project.run_within(&["check"], Duration::from_secs(60));
    assert_eq!(check.code, Some(0), "{}", check.all());
    let build = project.run_within(&["build"], Duration::from_secs(120));
    assert_eq!(build.code, Some(0), "{}", build.all());
    let html = project.read_out("modules/alpha/index.html");
    assert!(html.contains("id=\"part-9999\""), "last parts missing");
    eprintln!(
        "20 MB README ({} bytes): check {:.2} s, build {:.2} s",
        text.len(),
        check.elapsed.as_secs_f64(),
        build.elapsed.as_secs_f64()
    );
}

#[test]
fn lists_and_block_quotes_nested_10000_deep() {
    let project = Project::new();
    // `- - - item` opens a list in a list on one line, so 10,000 levels take 20 KB; the
    // same by indentation would be a 100 MB file. Lines of both kinds, and block quotes.
    let mut alpha = String::from("# Alpha\n\n## Setup\n\n");
    alpha.push_str(&"- ".repeat(10_000));
    alpha.push_str("bullets [Beta](../beta/README.md)\n\n");
    alpha.push_str(&"1. ".repeat(10_000));
    alpha.push_str("numbers\n\n");
    for depth in 0..200 {
        alpha.push_str(&"  ".repeat(depth));
        alpha.push_str("- indented [Beta](../beta/README.md#usage)\n");
    }
    project.write("content/modules/alpha/README.md", &alpha);
    let mut beta = String::from("# Beta\n\n## Usage\n\n");
    beta.push_str(&"> ".repeat(10_000));
    beta.push_str("deep [Alpha](../alpha/README.md)\n\n");
    beta.push_str(&"> - ".repeat(5_000));
    beta.push_str("mixed\n");
    project.write("content/modules/beta/README.md", &beta);
    // The path nests module items 10,000 deep too: the model walks every level.
    let path = format!(
        "# Hostile Path\n\n## Basics (2 weeks)\n\n{}[Alpha](../modules/alpha/README.md)\n\n\
         2. [Beta](../modules/beta/README.md)\n    - {}topic\n",
        "1. ".repeat(10_000),
        "- ".repeat(10_000)
    );
    project.write("content/paths/p.md", &path);
    let (check, build) = project.check_and_build(0);
    let html = project.read_out("modules/beta/index.html");
    assert!(html.contains("mixed"), "deepest text lost");
    assert!(
        project
            .read_out("modules/alpha/index.html")
            .contains("numbers")
    );
    eprintln!(
        "10,000-deep nesting: check {:.2} s, build {:.2} s",
        check.elapsed.as_secs_f64(),
        build.elapsed.as_secs_f64()
    );
}

#[test]
fn a_one_megabyte_line_reports_the_right_column() {
    let project = Project::new();
    let mut line = String::new();
    while line.len() < 1024 * 1024 {
        line.push_str("word *em* [l](#setup) `c` <b>x</b> ");
    }
    let column = line.chars().count() + 1;
    line.push_str("[broken](nope.md)");
    project.write(
        "content/modules/alpha/README.md",
        format!("# Alpha\n\n## Setup\n\n{line}\n"),
    );
    let (check, _) = project.check_and_build(1);
    assert!(check.stdout.contains("error[missing-file]"), "no error");
    assert!(
        check
            .stdout
            .contains(&format!("content/modules/alpha/README.md:5:{column}")),
        "wrong position"
    );
    eprintln!("1 MB line: check {:.2} s", check.elapsed.as_secs_f64());
}

#[test]
fn a_link_with_100000_parent_steps_is_outside_the_root() {
    let project = Project::new();
    let up = "../".repeat(100_000);
    project.write(
        "content/modules/alpha/README.md",
        format!(
            "# Alpha\n\n## Setup\n\n[up]({up}etc/passwd)\n\n![img]({up}x.png)\n\n<a href=\"{up}y\">y</a>\n"
        ),
    );
    let (check, build) = project.check_and_build(1);
    assert_eq!(check.stdout.matches("error[outside-root]").count(), 3);
    assert!(build.stderr.contains("error[outside-root]"));
}

#[test]
fn nul_bytes_are_text_not_terminators() {
    let project = Project::new();
    project.write(
        "content/modules/alpha/README.md",
        "# Al\0pha\n\nText with \0 a NUL.\n\n## Set\0up\n\n[x](a\0b.md) [Beta](../beta/README.md#usage)\n",
    );
    // NUL becomes U+FFFD, as CommonMark requires, one character for one: positions hold.
    let (check, _) = project.check_and_build(1);
    assert!(
        check
            .stdout
            .contains("error[missing-file]: `a\u{fffd}b.md` does not exist"),
        "{}",
        check.stdout
    );
    assert!(check.stdout.contains("content/modules/alpha/README.md:7:1"));
    project.write(
        "content/modules/alpha/README.md",
        "# Al\0pha\n\nText with \0 a NUL.\n\n## Set\0up\n\n[Beta](../beta/README.md#usage)\n",
    );
    project.check_and_build(0);
    let html = project.read_out("modules/alpha/index.html");
    assert!(!html.contains('\0'), "a NUL byte reached the page");
    assert!(html.contains("Text with"), "text after the NUL lost");
}

#[test]
fn symlinks_are_reported_and_never_followed_out_of_the_root() {
    use std::os::unix::fs::symlink;
    let project = Project::new();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "# TOP SECRET\n").unwrap();
    std::fs::write(outside.path().join("secret.png"), "TOP SECRET").unwrap();
    let modules = project.join("content/modules");
    symlink(
        outside.path().join("secret.md"),
        modules.join("alpha/secret.md"),
    )
    .unwrap();
    symlink(
        outside.path().join("secret.png"),
        modules.join("alpha/secret.png"),
    )
    .unwrap();
    symlink(outside.path(), modules.join("outside")).unwrap();
    symlink("loop-b", modules.join("loop-a")).unwrap();
    symlink("loop-a", modules.join("loop-b")).unwrap();
    symlink("..", modules.join("alpha/up")).unwrap();
    // A link inside the root to a file inside the root is fine.
    symlink("../beta/README.md", modules.join("alpha/beta.md")).unwrap();
    project.write(
        "content/modules/alpha/README.md",
        "# Alpha\n\n## Setup\n\n[s](secret.md) ![p](secret.png) [o](../outside/secret.md) [l](../loop-a) [u](up/beta/README.md) [b](beta.md#usage)\n",
    );
    let (check, build) = project.check_and_build(1);
    for out in [&check.stdout, &build.stderr] {
        for (file, why) in [
            ("alpha/secret.md", "symlink points outside the content root"),
            (
                "alpha/secret.png",
                "symlink points outside the content root",
            ),
            ("outside", "symlink points outside the content root"),
            ("loop-a", "broken symlink"),
            ("loop-b", "broken symlink"),
            ("alpha/up", "symlink to a folder is not followed"),
        ] {
            let at = out
                .find(&format!("content/modules/{file}:1:1"))
                .unwrap_or_else(|| panic!("{file} not reported:\n{out}"));
            let headline = out[..at].rsplit("warning[skipped-file]").next().unwrap();
            assert!(headline.contains(why), "{file}: expected `{why}`:\n{out}");
        }
        assert_eq!(out.matches("error[missing-file]").count(), 5, "{out}");
    }
    // With broken links allowed, the build goes ahead and still copies nothing from outside.
    project.write(
        "book.toml",
        "[book]\ntitle = \"Hostile\"\n[build]\non-broken-links = \"warn\"\n",
    );
    let build = project.run(&["build"]);
    assert_eq!(build.code, Some(0), "{}", build.all());
    assert_no_file_contains(&project.join("book"), "TOP SECRET");
    assert!(project.join("book/modules/alpha/index.html").is_file());
}

/// Whether the tests run as root, for whom file permissions do not block reads.
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[test]
fn an_unreadable_file_is_an_error_naming_it() {
    use std::os::unix::fs::PermissionsExt;
    let project = Project::new();
    let file = project.join("content/modules/alpha/README.md");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    // chmod 000 does not stop root, and the tests run as root in CI. Root without the
    // capabilities that bypass permission checks (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH)
    // is stopped like anyone else, so as root the binary runs under `setpriv` with both
    // dropped from its bounding set: the real "permission denied" path, not a stand-in.
    let runs: Vec<Command> = if running_as_root() {
        let setpriv = Command::new("setpriv").arg("--version").output();
        if setpriv.is_err() {
            eprintln!("skipped: running as root and `setpriv` (util-linux) is missing");
            return;
        }
        ["check", "build"]
            .iter()
            .map(|cmd| {
                let mut c = Command::new("setpriv");
                c.args(["--bounding-set=-dac_override,-dac_read_search", "--"])
                    .arg(env!("CARGO_BIN_EXE_pathbook"))
                    .arg(cmd)
                    .env("NO_COLOR", "1")
                    .current_dir(project.root());
                c
            })
            .collect()
    } else {
        vec![project.command(&["check"]), project.command(&["build"])]
    };
    for command in runs {
        let out = run_limited(command, QUICK);
        assert_no_panic(&out, "unreadable file");
        assert_eq!(out.code, Some(1), "{}", out.all());
        let all = out.all();
        assert!(all.contains("error[unreadable-file]"), "{all}");
        assert!(all.contains("Permission denied"), "{all}");
        assert!(all.contains("content/modules/alpha/README.md:1:1"), "{all}");
    }
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn a_fifo_or_a_folder_named_like_markdown_is_never_read() {
    let project = Project::new();
    let fifo = project.join("content/modules/alpha/notes.md");
    let made = Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
    std::fs::create_dir_all(project.join("content/modules/alpha/folder.md")).unwrap();
    // Reading the FIFO would block forever: the run must finish, with a warning.
    let (check, _) = project.check_and_build(0);
    assert!(
        check
            .stdout
            .contains("warning[skipped-file]: not read: not a regular file"),
        "{}",
        check.stdout
    );
    assert!(check.stdout.contains("content/modules/alpha/notes.md:1:1"));
    // A module whose README.md is a folder has no README.
    std::fs::remove_file(project.join("content/modules/beta/README.md")).unwrap();
    std::fs::create_dir_all(project.join("content/modules/beta/README.md")).unwrap();
    let (check, _) = project.check_and_build(1);
    assert!(
        check.stdout.contains("error[missing-module]"),
        "{}",
        check.stdout
    );
}

#[test]
fn file_names_with_spaces_unicode_and_differing_case() {
    let project = Project::new();
    project.write(
        "content/modules/my module/README.md",
        "# My Module\n\nText.\n",
    );
    project.write(
        "content/modules/über/README.md",
        "# Über\n\n![Bild](Bild%20eins.png) ![Bild](<Bild eins.png>)\n",
    );
    project.write("content/modules/über/Bild eins.png", "png");
    project.write("content/modules/Case/README.md", "# Upper Case\n\nText.\n");
    project.write("content/modules/case/README.md", "# Lower Case\n\nText.\n");
    let path = format!(
        "{PATH_MD}3. [Mine](../modules/my%20module/README.md)\n4. [Spaces](<../modules/my module/README.md>)\n5. [Uber](../modules/über/README.md)\n6. [Upper](../modules/Case/README.md)\n7. [Lower](../modules/case/README.md)\n"
    );
    project.write("content/paths/p.md", &path);
    project.check_and_build(0);
    for page in [
        "modules/my module/index.html",
        "modules/über/index.html",
        "modules/über/Bild eins.png",
        "modules/Case/index.html",
        "modules/case/index.html",
    ] {
        assert!(project.join("book").join(page).is_file(), "missing {page}");
    }
    assert!(
        project
            .read_out("modules/Case/index.html")
            .contains("Upper Case")
    );
    assert!(
        project
            .read_out("modules/case/index.html")
            .contains("Lower Case")
    );
    // A link whose case matches neither spelling is an error with the real spelling.
    project.write(
        "content/paths/p.md",
        format!("{path}8. [Wrong](../modules/CASE/README.md)\n"),
    );
    let (check, _) = project.check_and_build(1);
    assert!(
        check.stdout.contains("error[case-mismatch]"),
        "{}",
        check.stdout
    );
    assert!(
        check.stdout.contains("content/paths/p.md:17:4"),
        "{}",
        check.stdout
    );
    assert!(
        check.stdout.contains("the file is spelled `../modules/"),
        "{}",
        check.stdout
    );
    // Inside a module, a wrong-case file link is a case-mismatch naming the real file.
    project.write(
        "content/modules/alpha/README.md",
        "# Alpha\n\n![x](../Über/bild%20eins.png)\n",
    );
    let check = project.run(&["check"]);
    assert!(
        check.stdout.contains("error[case-mismatch]"),
        "{}",
        check.stdout
    );
}

#[test]
fn empty_files() {
    let project = Project::new();
    project.write("content/modules/beta/README.md", "");
    project.write("content/paths/empty.md", "");
    project.write("content/modules/alpha/notes.md", "");
    // The empty module is a warning; the exit code is alpha's link to `beta#usage`.
    let (check, _) = project.check_and_build(1);
    assert!(
        check
            .stdout
            .contains("warning[empty-module]: module `beta` has an empty README")
    );
    assert!(check.stdout.contains("content/modules/beta/README.md:1:1"));
    // An empty path or page is not an error on its own.
    project.write("content/modules/beta/README.md", BETA_MD);
    project.check_and_build(0);
    assert!(project.join("book/paths/empty/index.html").is_file());
}

#[test]
fn a_path_with_no_headings_takes_its_title_from_the_file_name() {
    let project = Project::new();
    project.write(
        "content/paths/no-headings.md",
        "Just prose and a list, no headings.\n\n1. [Alpha](../modules/alpha/README.md)\n",
    );
    project.check_and_build(0);
    let html = project.read_out("paths/no-headings/index.html");
    assert!(html.contains("<title>no headings"), "no fallback title");
}

#[test]
fn a_book_toml_that_is_not_toml() {
    let project = Project::new();
    project.write("book.toml", "[book\ntitle = \"x\"\n");
    let (check, build) = project.check_and_build(2);
    for out in [&check.stderr, &build.stderr] {
        assert!(out.contains("book.toml:1:6"), "{out}");
        assert!(out.contains("unclosed table"), "{out}");
    }
    project.write("book.toml", b"\xff\xfe\0".as_slice());
    let (check, _) = project.check_and_build(2);
    assert!(check.stderr.contains("book.toml"), "{}", check.stderr);
    assert!(check.stderr.contains("UTF-8"), "{}", check.stderr);
}

#[test]
fn a_book_toml_with_wrong_types() {
    let project = Project::new();
    project.write("book.toml", "[book]\ntitle = 1\n");
    let (check, build) = project.check_and_build(2);
    for out in [&check.stderr, &build.stderr] {
        assert!(out.contains("book.toml:2:9"), "{out}");
        assert!(
            out.contains("invalid type: integer `1`, expected a string"),
            "{out}"
        );
    }
    project.write("book.toml", "[build]\non-broken-links = \"sometimes\"\n");
    let (check, _) = project.check_and_build(2);
    assert!(check.stderr.contains("book.toml:2:"), "{}", check.stderr);
    assert!(check.stderr.contains("sometimes"), "{}", check.stderr);
}

#[test]
fn a_book_toml_with_unknown_keys() {
    let project = Project::new();
    project.write(
        "book.toml",
        "[book]\ntitle = \"x\"\n\n[build]\nbuid-dir = \"x\"\n",
    );
    let (check, build) = project.check_and_build(2);
    for out in [&check.stderr, &build.stderr] {
        assert!(out.contains("book.toml:5:1"), "{out}");
        assert!(out.contains("unknown field `buid-dir`"), "{out}");
        assert!(out.contains("did you mean `build-dir`?"), "{out}");
    }
}

#[test]
fn a_template_with_a_syntax_error_names_the_template_and_line() {
    let project = Project::new();
    project.write(
        "templates/module.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<p>ok</p>\n{% if %}\n{% endblock %}\n",
    );
    let build = project.run(&["build"]);
    assert_eq!(build.code, Some(2), "{}", build.all());
    assert!(build.stderr.contains("module.html"), "{}", build.stderr);
    assert!(
        build.stderr.contains("4:7"),
        "no line:column:\n{}",
        build.stderr
    );
    // `check` does not render, so templates do not stop it.
    assert_eq!(project.run(&["check"]).code, Some(0));
}

#[test]
fn a_template_with_an_undefined_variable_names_the_template() {
    let project = Project::new();
    project.write(
        "templates/module.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ no_such_variable.field }}\n{% endblock %}\n",
    );
    let build = project.run(&["build"]);
    assert_eq!(build.code, Some(2), "{}", build.all());
    // Tera reports no line for a render error; it names the template and the variable.
    assert!(build.stderr.contains("'module.html'"), "{}", build.stderr);
    assert!(
        build.stderr.contains("no_such_variable.field"),
        "{}",
        build.stderr
    );
    assert!(!project.join("book").exists(), "a failed build left a site");
}

#[test]
fn a_readme_with_old_mac_line_endings_has_its_title_body_and_links() {
    let project = Project::new();
    project.write(
        "content/modules/alpha/README.md",
        "# Alpha\r\rFirst paragraph.\r\rSee [gone](missing.md).\r",
    );
    let out = project.run(&["check"]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(
        out.all().contains("content/modules/alpha/README.md:5:5"),
        "{}",
        out.all()
    );
    project.write(
        "content/modules/alpha/README.md",
        "# Alpha\r\rFirst paragraph.\r\rSee [Beta](../beta/README.md).\r",
    );
    let build = project.run(&["build"]);
    assert_eq!(build.code, Some(0), "{}", build.all());
    let page = project.read_out("modules/alpha/index.html");
    assert!(page.contains("<h1"), "{page}");
    assert!(page.contains("<p>First paragraph.</p>"), "{page}");
    assert!(!page.contains("Alpha\r"), "{page}");
}

#[test]
fn a_book_toml_that_never_ends_is_refused_not_read_into_memory() {
    let project = Project::new();
    std::fs::remove_file(project.join("book.toml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", project.join("book.toml")).unwrap();
    for command in ["check", "build"] {
        let out = project.run(&[command]);
        assert_eq!(out.code, Some(2), "{command}: {}", out.all());
        assert!(out.stderr.contains("book.toml"), "{}", out.stderr);
        assert!(
            out.stderr.contains("larger than the limit"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn javascript_addresses_in_book_toml_are_refused() {
    let project = Project::new();
    for key in ["git-repository-url", "edit-url-template", "site-url"] {
        project.write(
            "book.toml",
            format!("[output.html]\n{key} = \"javascript:alert(1)//{{path}}\"\n"),
        );
        let out = project.run(&["build"]);
        assert_eq!(out.code, Some(2), "{key}: {}", out.all());
        assert!(
            out.stderr.contains(&format!(
                "`output.html.{key}` must be an http or https address"
            )),
            "{}",
            out.stderr
        );
        assert!(!project.join("book").exists());
    }
}
