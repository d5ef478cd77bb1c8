//! What GitHub renders, as a learner sees it in Chromium: alerts styled per kind, formulas
//! as MathML, a mermaid diagram drawn from `file://` with no network, an emoji heading whose
//! fragment works, and axe-core clean on the page in both themes.

#[path = "common/browser.rs"]
mod browser;
mod common;

use browser::Browser;
use common::*;
use serde_json::json;
use std::time::Duration;

const SHOWCASE: &str = "modules/showcase/index.html";

fn build_fixture() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let result = run(
        &["build", ".", "--dest-dir", site.to_str().unwrap()],
        &repo().join("tests/fixtures/rendering"),
    );
    assert!(result.status.success(), "build failed: {:?}", text(&result));
    let site = site.canonicalize().unwrap();
    (dir, site)
}

fn axe(browser: &mut Browser) -> Vec<String> {
    let file = repo().join("target/axe/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&file).unwrap_or_else(|_| {
        panic!(
            "axe-core is missing at {}: run `bash scripts/test.sh`, which installs it",
            file.display()
        )
    });
    browser.call(
        "Runtime.evaluate",
        json!({"expression": source, "returnByValue": false}),
    );
    let found = browser.eval(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => `${v.id} (${v.impact}): ${v.help}: ` + v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | ')))",
    );
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_construct_renders_in_the_browser_from_disk_and_passes_axe() {
    let (_dir, site) = build_fixture();
    let page = format!("file://{}/{SHOWCASE}", site.display());
    let mut browser = Browser::launch(1100, 900);
    browser.goto(&page);

    // The diagram is drawn by the vendored script, loaded from beside pathbook.js.
    browser.wait_until(
        "!!document.querySelector('pre.mermaid svg g')",
        Duration::from_secs(30),
    );
    let labels = browser.eval(
        "[...document.querySelectorAll('pre.mermaid svg .nodeLabel')].map(n => n.textContent.trim()).sort()",
    );
    assert_eq!(labels, json!(["Data", "Deploy", "Model"]));
    assert_eq!(
        browser.eval("[...document.scripts].filter(s => s.src.endsWith('mermaid.min.js')).length"),
        json!(1)
    );

    // MathML with its structure: E = mc^2 inline, a display sum, a ```math square root.
    let inline = browser.eval(
        "(() => { const m = document.querySelector('.prose math'); const sup = m.querySelector('msup'); return [m.getAttribute('display'), sup.children[0].textContent, sup.children[1].textContent, m.querySelector('annotation').textContent]; })()",
    );
    assert_eq!(inline, json!(["inline", "c", "2", "E = mc^2"]));
    assert_eq!(
        browser.eval("document.querySelectorAll('math[display=block]').length"),
        json!(2)
    );
    assert_eq!(
        browser.eval("!!document.querySelector('math[display=block] msqrt') && !!document.querySelector('math[display=block] mfrac')"),
        json!(true)
    );
    // A formula is laid out as one: MathML Core gives <math> a box of its own.
    assert_eq!(
        browser.eval("document.querySelector('.prose mfrac').getBoundingClientRect().height > 0"),
        json!(true)
    );
    assert!(
        browser
            .eval("document.querySelector('.prose').textContent")
            .as_str()
            .unwrap()
            .contains("a price of $5 or\n$10 stays text")
    );

    // Each alert kind: its title and its own colour on the rule and the title.
    let alerts = browser.eval(
        "['note','tip','important','warning','caution'].map(k => { const a = document.querySelector('.markdown-alert-' + k); const t = a.querySelector('.markdown-alert-title'); const s = getComputedStyle(a); return [t.textContent.trim(), s.borderLeftColor, getComputedStyle(t).color, s.borderLeftWidth, !!t.querySelector('svg path')]; })",
    );
    let alerts = alerts.as_array().unwrap();
    let titles: Vec<_> = alerts.iter().map(|a| a[0].as_str().unwrap()).collect();
    assert_eq!(titles, ["Note", "Tip", "Important", "Warning", "Caution"]);
    let mut colours: Vec<_> = alerts.iter().map(|a| a[1].as_str().unwrap()).collect();
    for alert in alerts {
        assert_eq!(alert[1], alert[2], "rule and title share the kind's colour");
        assert_eq!(alert[3], json!("4px"));
        assert_eq!(alert[4], json!(true), "each title has its icon");
    }
    colours.dedup();
    assert_eq!(
        colours.len(),
        5,
        "each kind has its own colour: {colours:?}"
    );

    // The emoji heading shows the emoji and its GitHub id is a working fragment.
    let heading = browser.eval(
        "(() => { const h = document.getElementById('movie_camera-videos-and-links'); return h && h.firstChild.textContent; })()",
    );
    assert_eq!(heading, json!("🎥 Videos and links"));
    browser
        .eval("document.querySelector('a[href=\"#movie_camera-videos-and-links\"]').click(); true");
    browser.wait_until(
        "location.hash === '#movie_camera-videos-and-links' && document.querySelector(':target') && document.querySelector(':target').id === 'movie_camera-videos-and-links' && document.getElementById('movie_camera-videos-and-links').getBoundingClientRect().top >= 0 && document.getElementById('movie_camera-videos-and-links').getBoundingClientRect().top < innerHeight && scrollY > 0",
        Duration::from_secs(10),
    );
    // The table of contents and the title show the emoji, not the shortcode.
    assert_eq!(
        browser.eval("document.body.textContent.includes(':movie_camera:') || document.body.textContent.includes(':rocket:')"),
        json!(false)
    );
    // Bare addresses are links.
    assert_eq!(
        browser.eval("[...document.querySelectorAll('.prose a')].map(a => a.getAttribute('href')).filter(h => h.startsWith('http'))"),
        json!(["https://www.youtube.com/watch?v=dQw4w9WgXcQ", "http://www.example.org"])
    );

    let mut problems = Vec::new();
    let mut node_fills = Vec::new();
    for theme in ["light", "dark"] {
        browser.eval(&format!(
            "document.documentElement.setAttribute('data-theme', '{theme}'); true"
        ));
        // The diagram is drawn again in the theme's palette.
        browser.wait_until(
            "(() => { const r = document.querySelector('pre.mermaid svg .node rect, pre.mermaid svg .node path'); return !!r && document.querySelector('pre.mermaid[data-processed]') !== null; })()",
            Duration::from_secs(20),
        );
        std::thread::sleep(Duration::from_millis(300));
        node_fills.push(browser.eval(
            "getComputedStyle(document.querySelector('pre.mermaid svg .node rect, pre.mermaid svg .node path')).fill",
        ));
        for violation in axe(&mut browser) {
            problems.push(format!("{theme}: {violation}"));
        }
        browser.screenshot(&repo().join(format!("target/screenshots/rendering-{theme}.png")));
        if theme == "light" {
            // One picture per construct for docs/rendering.md (copied to docs/img/ by hand).
            for (name, from, to) in [
                ("alerts", "#alerts", ".markdown-alert-caution"),
                ("math", "#math", "div.math-display"),
                ("diagram", "pre.mermaid", "pre.mermaid"),
                (
                    "emoji-autolinks",
                    "#movie_camera-videos-and-links",
                    "#movie_camera-videos-and-links + p",
                ),
            ] {
                clip(
                    &mut browser,
                    from,
                    to,
                    &repo().join(format!("target/screenshots/rendering-{name}.png")),
                );
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert_ne!(
        node_fills[0], node_fills[1],
        "the dark theme redraws the diagram"
    );

    // A page without a diagram never loads the diagram script.
    browser.goto(&format!(
        "file://{}/paths/showcase/index.html",
        site.display()
    ));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        browser.eval("performance.getEntriesByType('resource').filter(r => r.name.includes('mermaid')).length"),
        json!(0)
    );
}

/// A picture of the page from the top of `from` to the bottom of `to`, in page coordinates.
fn clip(browser: &mut Browser, from: &str, to: &str, path: &std::path::Path) {
    browser.eval("scrollTo({top: 0, behavior: 'instant'}); true");
    let rect = browser.eval(&format!(
        "(() => {{ const a = document.querySelector('{from}').getBoundingClientRect(); const b = document.querySelector('{to}').getBoundingClientRect(); return [a.left + scrollX - 12, a.top + scrollY - 8, b.right - a.left + 24, b.bottom - a.top + 16]; }})()"
    ));
    let result = browser.call(
        "Page.captureScreenshot",
        json!({"format": "png", "captureBeyondViewport": true, "clip": {"x": rect[0], "y": rect[1], "width": rect[2], "height": rect[3], "scale": 1}}),
    );
    let bytes = decode_base64(result["data"].as_str().unwrap());
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' => 62,
            _ => 63,
        }
    };
    let clean: Vec<u8> = text.bytes().filter(|b| *b != b'=').collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= value(c) << (18 - 6 * i);
        }
        out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8][..chunk.len() - 1]);
    }
    out
}
