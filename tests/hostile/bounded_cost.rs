//! Bounded cost: no input makes `check` or `build` take more than linear time or memory.
//! Costs are compared as ratios at two input sizes (twice the input may cost at most 2.5
//! times as much), never as absolute times, so a slow machine does not fail them and a
//! quadratic cost (four times) does.

use super::*;

/// The fastest of three runs of `args` on the project `make(n)` makes: its time and the size
/// of its output.
fn cost(make: &dyn Fn(usize) -> Project, n: usize, args: &[&str]) -> (f64, usize) {
    let project = make(n);
    let runs: Vec<Outcome> = (0..3)
        .map(|_| {
            // A fresh highlight cache for every run: a cached block costs nothing.
            let cache = tempfile::tempdir().unwrap();
            let mut command = project.command(args);
            command.env("XDG_CACHE_HOME", cache.path());
            let out = run_limited(command, Duration::from_secs(120));
            assert_no_panic(&out, &format!("pathbook {}", args.join(" ")));
            out
        })
        .collect();
    let best = runs
        .iter()
        .map(|o| o.elapsed.as_secs_f64())
        .fold(f64::MAX, f64::min);
    (best, runs[0].stdout.len() + runs[0].stderr.len())
}

/// One measurement at a time: two measured runs sharing the cores would time each other.
static MEASURING: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn assert_linear(what: &str, make: &dyn Fn(usize) -> Project, n: usize, args: &[&str]) {
    let _one_at_a_time = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let (small_time, small_output) = cost(make, n, args);
    let (large_time, large_output) = cost(make, 2 * n, args);
    let (time_ratio, output_ratio) = (
        large_time / small_time,
        large_output as f64 / small_output.max(1) as f64,
    );
    assert!(
        time_ratio <= 2.5 && output_ratio <= 2.5,
        "{what}: twice the input took {time_ratio:.2}× the time ({small_time:.2}s → \
         {large_time:.2}s) and printed {output_ratio:.2}× the output ({small_output} → \
         {large_output} bytes)"
    );
}

#[test]
fn broken_links_on_one_long_line_cost_linear_time_and_output() {
    let make = |n: usize| {
        let project = Project::new();
        let line: String = (0..n).map(|i| format!("[l](gone-{i}.md) ")).collect();
        project.write(
            "content/modules/alpha/README.md",
            format!("{ALPHA_MD}\n{line}\n"),
        );
        project
    };
    assert_linear("broken links on one line", &make, 4000, &["check"]);
}

#[test]
fn suggestions_for_long_fragments_cost_linear_time() {
    let make = |n: usize| {
        let project = Project::new();
        let headings: String = (0..6)
            .map(|i| format!("## {}{i}\n\ntext\n\n", "heading ".repeat(n / 8)))
            .collect();
        let links: String = (0..6)
            .map(|i| format!("[x](../beta/README.md#{}{i}x)\n", "headin-".repeat(n / 8)))
            .collect();
        project.write(
            "content/modules/beta/README.md",
            format!("{BETA_MD}\n{headings}"),
        );
        project.write(
            "content/modules/alpha/README.md",
            format!("{ALPHA_MD}\n{links}"),
        );
        project
    };
    assert_linear("misspelled long fragments", &make, 4000, &["check"]);
}

#[test]
fn suggestions_for_many_mistyped_links_into_a_large_folder_cost_linear_time() {
    // Every mistyped link is compared with the folder it points into: n links into a
    // folder of n images was n² distances (5,300 images turned 0.09 s into 19 s).
    let make = |n: usize| {
        let project = Project::new();
        let mut readme = String::from(ALPHA_MD);
        for i in 0..n {
            project.write(&format!("content/modules/alpha/img/i{i:05}.png"), "");
            readme.push_str(&format!("- ![x](img/j{i:05}.png)\n"));
        }
        project.write("content/modules/alpha/README.md", readme);
        project
    };
    assert_linear(
        "mistyped links into a large folder",
        &make,
        1000,
        &["check"],
    );
}

#[test]
fn highlighting_one_long_line_costs_linear_time() {
    let make = |n: usize| {
        let project = Project::new();
        let line = "[a](b) ".repeat(n / 7);
        project.write(
            "content/modules/alpha/README.md",
            format!("{ALPHA_MD}\n```markdown\n{line}\n```\n"),
        );
        project
    };
    assert_linear("a long line in a Markdown block", &make, 24_000, &["build"]);
    // Past the cap the block is plain text (syntect's cost on one line grows faster than
    // the line: 110 KB took 33 s), and every character of it is still on the page.
    let project = make(24_000);
    assert_eq!(project.run(&["build"]).code, Some(0));
    let page = project.read_out("modules/alpha/index.html");
    assert!(
        !page.contains("class=\"hl-"),
        "the long block was highlighted"
    );
    assert_eq!(page.matches("[a](b)").count(), 24_000 / 7);
}

#[test]
fn deeply_nested_raw_html_costs_linear_time_and_is_reported() {
    let make = |n: usize| {
        let project = Project::new();
        project.write(
            "content/modules/alpha/README.md",
            format!(
                "{ALPHA_MD}\n<div>{}deep{}</div>\n",
                "<div>".repeat(n),
                "</div>".repeat(n)
            ),
        );
        project
    };
    assert_linear("nested <div>s", &make, 40_000, &["build"]);
    let project = make(1000);
    let out = project.run(&["check"]);
    assert!(out.all().contains("warning[deep-html]"), "{}", out.all());
    assert_eq!(project.run(&["build"]).code, Some(0));
    let page = project.read_out("modules/alpha/index.html");
    assert!(page.contains("deep"), "the words stay on the page");
}
