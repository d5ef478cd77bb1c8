//! Script execution: content never runs script in a learner's browser, with sanitizing on.

use super::*;
use crate::data_safety::snapshot;

/// Opening tags (name and attributes) in `html`, with the insides of `<script>` blocks
/// skipped. A scanner of its own, sharing nothing with pathbook's.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let tag =
        regex::Regex::new(r#"<([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>"#).unwrap();
    let attr = regex::Regex::new(r#"([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?"#)
        .unwrap();
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(m) = tag.captures(rest) {
        let whole = m.get(0).unwrap();
        let name = m[1].to_ascii_lowercase();
        let attrs = attr
            .captures_iter(&m[2])
            .map(|a| {
                let value = a
                    .get(2)
                    .or(a.get(3))
                    .or(a.get(4))
                    .map_or("", |v| v.as_str());
                (a[1].to_ascii_lowercase(), decode(value))
            })
            .collect();
        found.push((name.clone(), attrs));
        rest = &rest[whole.end()..];
        if name == "script" {
            let end = rest
                .to_ascii_lowercase()
                .find("</script")
                .unwrap_or(rest.len());
            rest = &rest[end..];
        }
    }
    found
}

/// Character references as a browser decodes them in attribute values.
fn decode(value: &str) -> String {
    let entity = regex::Regex::new(r"&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);?").unwrap();
    entity
        .replace_all(value, |c: &regex::Captures| {
            let name = &c[1];
            let code = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok()
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse().ok()
            } else {
                match name {
                    "lt" => Some('<' as u32),
                    "gt" => Some('>' as u32),
                    "amp" => Some('&' as u32),
                    "quot" => Some('"' as u32),
                    "apos" => Some('\'' as u32),
                    "colon" => Some(':' as u32),
                    "Tab" => Some(9),
                    "NewLine" => Some(10),
                    _ => None,
                }
            };
            code.and_then(char::from_u32)
                .map_or_else(|| c[0].to_string(), |ch| ch.to_string())
        })
        .into_owned()
}

/// The scheme a browser would see in a URL attribute, lowercased.
fn scheme(url: &str) -> Option<String> {
    let compact: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = compact.split_once(':')?;
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// Everything in the built site that would run script from content, or let content
/// restyle or frame the page. `theme_scripts` are the theme's own `<script>` tags, from a
/// build of the same templates on benign content.
fn executable_content(site: &Path, theme_scripts: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    for (rel, bytes) in snapshot(site) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&bytes);
        for (name, attrs) in tags(&html) {
            let shown = format!("{rel}: <{name} {attrs:?}>");
            if name == "script" {
                let signature = script_signature(&attrs);
                if !theme_scripts.contains(&signature) {
                    problems.push(format!("script not from the theme: {shown}"));
                }
            }
            if matches!(
                name.as_str(),
                "iframe"
                    | "frame"
                    | "object"
                    | "embed"
                    | "applet"
                    | "form"
                    | "base"
                    | "style"
                    | "math"
                    | "template"
                    | "frameset"
            ) {
                problems.push(format!("forbidden tag: {shown}"));
            }
            if name == "meta" && attrs.iter().any(|(n, _)| n == "http-equiv") {
                problems.push(format!("meta refresh: {shown}"));
            }
            for (attr, value) in &attrs {
                if attr.starts_with("on") {
                    problems.push(format!("event handler: {shown}"));
                }
                if attr == "style" && !value.starts_with("text-align:") {
                    problems.push(format!("style attribute: {shown}"));
                }
                if matches!(
                    attr.as_str(),
                    "href"
                        | "src"
                        | "action"
                        | "formaction"
                        | "xlink:href"
                        | "data"
                        | "poster"
                        | "srcset"
                        | "background"
                        | "ping"
                ) && let Some(scheme) = scheme(value)
                {
                    let image = name == "img"
                        && attr == "src"
                        && scheme == "data"
                        && value.trim().to_ascii_lowercase().starts_with("data:image/");
                    if matches!(scheme.as_str(), "javascript" | "vbscript" | "data") && !image {
                        problems.push(format!("{scheme}: URL: {shown}"));
                    }
                }
            }
        }
        // JSON in script blocks must still be JSON: content that closed the block early
        // would have broken out of it.
        let mut rest: &str = &html;
        while let Some(at) = rest.find("<script type=\"application/json\"") {
            let body = &rest[at..];
            let start = body.find('>').unwrap() + 1;
            let end = body.find("</script>").unwrap();
            if let Err(err) = serde_json::from_str::<serde_json::Value>(&body[start..end]) {
                problems.push(format!("{rel}: JSON script block broken: {err}"));
            }
            rest = &body[end..];
        }
    }
    problems
}

/// A `<script>` tag's attributes with the page's `../` prefixes removed, so the theme's
/// script is recognised at any depth.
fn script_signature(attrs: &[(String, String)]) -> String {
    let attrs: Vec<(String, String)> = attrs
        .iter()
        .map(|(n, v)| (n.clone(), v.trim_start_matches("../").to_string()))
        .collect();
    format!("{attrs:?}")
}

fn theme_scripts(site: &Path) -> Vec<String> {
    let mut scripts = Vec::new();
    for (rel, bytes) in snapshot(site) {
        if rel.ends_with(".html") {
            for (name, attrs) in tags(&String::from_utf8_lossy(&bytes)) {
                let signature = script_signature(&attrs);
                if name == "script" && !scripts.contains(&signature) {
                    scripts.push(signature);
                }
            }
        }
    }
    scripts
}

const XSS: &str = "<script>alert(1)</script>";

#[test]
fn content_values_reaching_templates_are_escaped() {
    let baseline = Project::new();
    assert_eq!(baseline.run(&["build"]).code, Some(0));
    let theme = theme_scripts(&baseline.join("book"));
    assert!(
        !theme.is_empty(),
        "the theme has no scripts to compare with"
    );

    let project = Project::new();
    // A module folder whose name is markup (no `/`, so it is a valid file name).
    let evil_slug = "x\"><img src=x onerror=alert(1)>";
    project.write(
        "book.toml",
        format!(
            "[book]\ntitle = \"{XSS}\"\ndescription = \"\\\"><script>alert(1)</script>\"\nauthors = [\"{XSS}\"]\n"
        ),
    );
    project.write(
        "content/paths/p.md",
        format!(
            "# Path {XSS}\n\n## Overview\nIntro {XSS} text.\n\n## Phase {XSS} (2 weeks)\n\n\
             ### Group <img src=x onerror=alert(1)>\n\n\
             1. [Alpha {XSS}](../modules/alpha/README.md)\n    - Topic {XSS}\n    - Topic `</script><script>alert(1)</script>`\n\
             2. [Beta](../modules/beta/README.md)\n    - Topic <svg onload=alert(1)>\n\
             3. [Evil](<../modules/{evil_slug}/README.md>)\n\n\
             ## Choose {XSS} (Choose 1) (1 week)\n\n### Track \"><script>alert(1)</script>\n\n\
             1. [Beta](../modules/beta/README.md)\n\n### Other track\n\n1. [Alpha](../modules/alpha/README.md)\n"
        ),
    );
    project.write(
        "content/modules/alpha/README.md",
        format!(
            "# <script>alert(1)</script>\n\nSummary {XSS} here.\n\n## Heading {XSS}\n\n## `</script>` in code\n\n\
             [link](<\"><script>alert(1)</script>>) [Beta](../beta/README.md#usage)\n"
        ),
    );
    project.write(
        format!("content/modules/{evil_slug}/README.md").as_str(),
        format!("# Evil {XSS}\n\nText.\n"),
    );
    let build = project.run(&["build"]);
    // Broken links (the markup link target) are reported; the site must still be inert.
    assert!(matches!(build.code, Some(0) | Some(1)), "{}", build.all());
    if build.code == Some(1) {
        project.write(
            "book.toml",
            format!(
                "[book]\ntitle = \"{XSS}\"\ndescription = \"\\\"><script>alert(1)</script>\"\n[build]\non-broken-links = \"warn\"\n"
            ),
        );
        let build = project.run(&["build"]);
        assert_eq!(build.code, Some(0), "{}", build.all());
    }
    let site = project.join("book");
    let problems = executable_content(&site, &theme);
    assert!(problems.is_empty(), "{problems:#?}");
    // The values did reach the pages, as text.
    let alpha = common::read(site.join("modules/alpha/index.html"));
    assert!(
        alpha.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "title not shown as text"
    );
    let shown_as_text = snapshot(&site).into_iter().any(|(rel, bytes)| {
        rel.ends_with(".html")
            && String::from_utf8_lossy(&bytes)
                .contains("Topic &lt;/script&gt;&lt;script&gt;alert(1)")
    });
    assert!(shown_as_text, "topic not shown as text on any page");
    assert!(
        site.join(format!("modules/{evil_slug}/index.html"))
            .is_file()
    );
}

/// Known XSS payloads (OWASP filter-evasion style), each after a marker so the test can
/// tell that the page was rendered with it.
const XSS_PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.test/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<img src=\"jav\tascript:alert('XSS');\">",
    "<img src=\"jav&#x09;ascript:alert('XSS');\">",
    "<img src=\" &#14;  javascript:alert('XSS');\">",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    "<a href=\"javascript:alert(1)\">js</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">js</a>",
    "<a href=\"&#106;avascript:alert(1)\">js</a>",
    "<a href=\"javascript&colon;alert(1)\">js</a>",
    "<a href=\"vbscript:msgbox(1)\">vb</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>",
    "<a href=\" javascript:alert(1)\">space</a>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">XSS</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "<button formaction=\"javascript:alert(1)\">x</button>",
    "<input type=\"image\" src=\"x\" onerror=\"alert(1)\">",
    "<input onfocus=alert(1) autofocus>",
    "<style>@import 'https://evil.test/x.css';</style>",
    "<div style=\"position:fixed;top:0;left:0;width:100%;height:100%\">cover</div>",
    "<div style=\"background:url(javascript:alert(1))\">bg</div>",
    "<link rel=\"stylesheet\" href=\"https://evil.test/x.css\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"https://evil.test/\">",
    "<marquee onstart=alert(1)>m</marquee>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<audio src=x onerror=alert(1)>",
    "<a href=\"#\" onclick=\"alert(1)\" onmouseover=alert(1)>hover</a>",
    "<div/onmouseover='alert(1)'>slash</div>",
    "<img \"\"\"><script>alert(1)</script>\">",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "<template><script>alert(1)</script></template>",
    "<textarea></textarea><script>alert(1)</script>",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<table background=\"javascript:alert(1)\"><tr><td>t</td></tr></table>",
    "<isindex action=javascript:alert(1) type=image>",
    "<a href=\"java\nscript:alert(1)\">newline</a>",
    "<img src=\"data:text/html,<script>alert(1)</script>\">",
];

/// Markdown (not raw HTML) that produces script-capable markup with no tag written.
const MARKDOWN_PAYLOADS: &[&str] = &[
    "[md](javascript:alert(1))",
    "[md](JAVASCRIPT:alert(1))",
    "[md](vbscript:msgbox(1))",
    "[md](<javascript:alert(1)>)",
    "![md](javascript:alert(1))",
    "![md](data:text/html,<script>alert(1)</script>)",
    "<javascript:alert(1)>",
    "[ref][r]\n\n[r]: javascript:alert(1)",
    "## Attrs {onclick=alert(1) .x style=position:fixed}",
];

/// The HTML READMEs really use, which must come through unchanged in substance.
const BENIGN_HTML: &str = r#"<p align="center"><a href="https://example.org/"><img src="logo.png" alt="Logo" width="120"></a></p>

<div align="right"><span id="custom-anchor">anchor</span></div>

<details>
<summary>Click to expand</summary>

Press <kbd>Ctrl</kbd>+<kbd>C</kbd>; E = mc<sup>2</sup>; H<sub>2</sub>O.<br>
Second line.

</details>

<picture>
  <source media="(prefers-color-scheme: dark)" srcset="logo.png">
  <img src="logo.png" alt="Themed logo">
</picture>

<table><tr><th>Key</th><td>Value</td></tr></table>

<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">

| left | center |
|:-----|:------:|
| a    | b      |

- [x] done
- [ ] to do

```python
def f(x):
    return x
```
"#;

/// A site whose module `alpha` holds the benign README HTML and every payload, each as a
/// block and inline, after a marker. Returns the project and the theme's own scripts.
fn payload_site(sanitize: bool) -> (Project, Vec<String>) {
    let baseline = Project::new();
    assert_eq!(baseline.run(&["build"]).code, Some(0));
    let theme = theme_scripts(&baseline.join("book"));

    let project = Project::new();
    let mut readme = String::from("# Alpha\n\n## Setup\n\n");
    readme.push_str(BENIGN_HTML);
    for (i, payload) in XSS_PAYLOADS.iter().chain(MARKDOWN_PAYLOADS).enumerate() {
        readme.push_str(&format!(
            "\nMARKER{i} block\n\n{payload}\n\ninline MARKER{i}x {payload} after\n\n"
        ));
    }
    readme.push_str("\nEND-OF-PAGE [Beta](../beta/README.md#usage)\n");
    project.write("content/modules/alpha/README.md", &readme);
    project.write("content/modules/alpha/logo.png", "png");
    project.write(
        "book.toml",
        format!("[book]\ntitle = \"Hostile\"\n[build]\non-broken-links = \"warn\"\n[output.html]\nsanitize = {sanitize}\n"),
    );
    let build = project.run(&["build"]);
    assert_eq!(build.code, Some(0), "{}", build.all());
    (project, theme)
}

#[test]
fn the_scanner_sees_the_payloads_when_sanitizing_is_off() {
    // Guards the test below against passing vacuously: the same corpus, unsanitized, must
    // trip every kind of check the scanner makes.
    let (project, theme) = payload_site(false);
    let problems = executable_content(&project.join("book"), &theme);
    for kind in [
        "script not from the theme",
        "event handler",
        "javascript: URL",
        "vbscript: URL",
        "data: URL",
        "forbidden tag: modules/alpha/index.html: <iframe",
        "forbidden tag: modules/alpha/index.html: <style",
        "forbidden tag: modules/alpha/index.html: <form",
        "forbidden tag: modules/alpha/index.html: <base",
        "meta refresh",
        "style attribute",
    ] {
        assert!(
            problems.iter().any(|p| p.starts_with(kind)),
            "scanner missed `{kind}`: {problems:#?}"
        );
    }
}

#[test]
fn raw_html_xss_payloads_render_inert_and_readme_html_survives() {
    let (project, theme) = payload_site(true);
    let site = project.join("book");
    let problems = executable_content(&site, &theme);
    assert!(problems.is_empty(), "{problems:#?}");

    let html = common::read(site.join("modules/alpha/index.html"));
    for i in 0..XSS_PAYLOADS.len() + MARKDOWN_PAYLOADS.len() {
        assert!(
            html.contains(&format!("MARKER{i} block")),
            "payload {i} swallowed the page"
        );
    }
    assert!(html.contains("END-OF-PAGE"), "the page was cut short");
    for kept in [
        r#"<p align="center"><a href="https://example.org/"><img src="logo.png" alt="Logo" width="120"></a></p>"#,
        r#"<div align="right"><span id="custom-anchor">anchor</span></div>"#,
        "<summary>Click to expand</summary>",
        "<kbd>Ctrl</kbd>+<kbd>C</kbd>",
        "mc<sup>2</sup>",
        "H<sub>2</sub>O",
        "<br>",
        r#"<source media="(prefers-color-scheme: dark)" srcset="logo.png">"#,
        r#"<img src="logo.png" alt="Themed logo">"#,
        "<th>Key</th><td>Value</td>",
        r#"<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">"#,
        r#"<th style="text-align: center">center</th>"#,
        r#"<input disabled="" type="checkbox" checked="">"#,
        r#"<pre class="code""#,
        r#"data-lang="python"><code class="language-python"><span class="hl-"#,
        r#"<h2 id="setup">"#,
        "<details>",
    ] {
        assert!(html.contains(kept), "README HTML lost: {kept}");
    }
    assert!(
        site.join("modules/alpha/logo.png").is_file(),
        "image not copied"
    );
}

#[test]
fn sanitize_false_keeps_html_as_written() {
    let project = Project::new();
    project.write(
        "book.toml",
        "[book]\ntitle = \"Hostile\"\n[output.html]\nsanitize = false\n",
    );
    project.write(
        "content/modules/alpha/README.md",
        "# Alpha\n\n<div style=\"color: red\" class=\"callout\" onclick=\"track()\">trusted</div>\n\n<script>console.log('trusted author')</script>\n\n[Beta](../beta/README.md#usage)\n",
    );
    project.check_and_build(0);
    let html = project.read_out("modules/alpha/index.html");
    assert!(
        html.contains(
            "<div style=\"color: red\" class=\"callout\" onclick=\"track()\">trusted</div>"
        ),
        "HTML changed"
    );
    assert!(html.contains("<script>console.log('trusted author')</script>"));
}

#[test]
fn markup_in_folder_names_and_titles_stays_text_on_print_and_progress_data() {
    let baseline = Project::new();
    assert_eq!(baseline.run(&["build"]).code, Some(0));
    let theme = theme_scripts(&baseline.join("book"));
    let project = Project::new();
    let evil_slug = "x\"><img src=x onerror=alert(1)>";
    project.write(
        "content/paths/p.md",
        "# Path `<!--<script>`\n\n## Phase `<!--<script>` (1 week)\n\n\
             1. [Alpha](../modules/alpha/README.md)\n\
             2. [Evil](../modules/x%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E/README.md)\n\
             3. [Beta](../modules/beta/README.md)\n",
    );
    project.write(
        &format!("content/modules/{evil_slug}/README.md"),
        "# Evil\n\n## Part\n\nSee [part](#part).\n",
    );
    let build = project.run(&["build"]);
    assert_eq!(build.code, Some(0), "{}", build.all());
    let site = project.join("book");
    let problems = executable_content(&site, &theme);
    assert!(problems.is_empty(), "{problems:#?}");
    let path_page = common::read(site.join("paths/p/index.html"));
    // In a `<script>` block `<!--<script>` makes the browser look past `</script>` for its
    // end, swallowing the pager, footer and script: it must not appear raw anywhere.
    assert!(
        !path_page.contains("<!--<script>"),
        "raw `<!--<script>` in the page"
    );
    assert!(
        path_page.contains("</footer>"),
        "the progress data swallowed the page"
    );
    assert!(
        common::read(site.join("paths/p/print.html")).contains("&lt;img src=x onerror"),
        "the folder name is shown as text on the print page"
    );
}

#[test]
fn files_named_like_a_script_url_stay_relative_links() {
    let baseline = Project::new();
    assert_eq!(baseline.run(&["build"]).code, Some(0));
    let theme = theme_scripts(&baseline.join("book"));
    let project = Project::new();
    project.write("content/modules/alpha/javascript:alert(1)", "data");
    project.write(
        "content/modules/alpha/README.md",
        format!("{ALPHA_MD}\nSee [the file](./javascript:alert(1)).\n"),
    );
    project.write("content/javascript:alert(2).md", "# Root page\n\nText.\n");
    let build = project.run(&["build"]);
    assert_eq!(build.code, Some(0), "{}", build.all());
    let site = project.join("book");
    let problems = executable_content(&site, &theme);
    assert!(problems.is_empty(), "{problems:#?}");
    let alpha = common::read(site.join("modules/alpha/index.html"));
    assert!(alpha.contains("href=\"./javascript:alert(1)\""), "{alpha}");
    for (rel, bytes) in snapshot(&site) {
        if rel.starts_with("search/") {
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains("\"javascript:"),
                "{rel}: a search result is a script URL"
            );
        }
    }
}
