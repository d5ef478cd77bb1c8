//! The built site as a learner uses it, in headless Chromium: search, progress, track
//! choices, export and import, the path map, dark mode, axe-core on every page type, and the
//! site opened from `file://`. The shipped ML Engineer site is built once per test into a
//! temporary folder and served by a small static server on loopback.
//!
//! Screenshots of the main page types (light and dark, desktop and phone widths) are kept in
//! `target/screenshots/` for a person to look at.

#[path = "common/browser.rs"]
mod browser;
mod common;

use browser::Browser;
use common::*;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

const PATH: &str = "paths/ml-engineer/index.html";
const CORE: &str = "paths/ml-engineer/core-ml-engineering-foundations/index.html";
const TRACKS: &str = "paths/ml-engineer/specialization-tracks/index.html";
const TRACK: &str = "paths/ml-engineer/specialization-tracks/nlp-systems/index.html";
const MODULE: &str = "modules/mlops-basics/index.html";
const PRINT: &str = "paths/ml-engineer/print.html";

struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
    port: u16,
}

impl Site {
    fn url(&self, page: &str) -> String {
        format!("http://127.0.0.1:{}/{page}", self.port)
    }

    fn file_url(&self, page: &str) -> String {
        format!("file://{}/{page}", self.root.display())
    }
}

/// Builds the shipped site with the real binary and serves it over loopback HTTP.
fn site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let result = run(
        &["build", ".", "--dest-dir", root.to_str().unwrap()],
        &repo(),
    );
    assert!(result.status.success(), "build failed: {:?}", text(&result));
    let root = root.canonicalize().unwrap();
    let port = serve(&root);
    Site {
        _dir: dir,
        root,
        port,
    }
}

/// Serves a built folder on a free loopback port, from a thread, for the whole test.
fn serve(root: &Path) -> u16 {
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let served = root.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = served.clone();
            std::thread::spawn(move || serve_one(stream, &root));
        }
    });
    port
}

/// One HTTP/1.1 request, answered from the built folder (`Connection: close`).
fn serve_one(mut stream: TcpStream, root: &Path) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
    }
    let target = request.split(' ').nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let path = percent_decode(path);
    let mut file = root.join(path.trim_start_matches('/'));
    if path.split('/').any(|p| p == "..") {
        file = root.join("missing");
    }
    if file.is_dir() {
        file = file.join("index.html");
    }
    let (status, body, file) = match std::fs::read(&file) {
        Ok(bytes) => ("200 OK", bytes, file),
        Err(_) => (
            "404 Not Found",
            std::fs::read(root.join("404.html")).unwrap_or_default(),
            root.join("404.html"),
        ),
    };
    let kind = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

fn key(browser: &mut Browser, key: &str, code: &str, key_code: u32) {
    for kind in ["keyDown", "keyUp"] {
        browser.call(
            "Input.dispatchKeyEvent",
            json!({"type": kind, "key": key, "code": code, "windowsVirtualKeyCode": key_code}),
        );
    }
}

fn type_text(browser: &mut Browser, text: &str) {
    browser.call("Input.insertText", json!({ "text": text }));
}

fn wait(browser: &mut Browser, condition: &str) {
    browser.wait_until(condition, WAIT);
}

fn reload(browser: &mut Browser) {
    browser.eval("window.__before_reload = true");
    browser.call("Page.reload", json!({}));
    wait(
        browser,
        "!window.__before_reload && document.readyState === 'complete'",
    );
}

/// `data-done/data-total` of the first progress bar matching `selector`.
fn bar(browser: &mut Browser, selector: &str) -> (i64, i64) {
    let value = browser.eval(&format!(
        "(() => {{ const el = document.querySelector('{selector}'); return el && !el.hidden ? [+el.dataset.done, +el.dataset.total] : null; }})()"
    ));
    assert!(value.is_array(), "no visible progress bar `{selector}`");
    (value[0].as_i64().unwrap(), value[1].as_i64().unwrap())
}

fn click(browser: &mut Browser, selector: &str) {
    let found = browser.eval(&format!(
        "(() => {{ const el = document.querySelector('{selector}'); if (!el) return false; el.dispatchEvent(new MouseEvent('click', {{bubbles: true, cancelable: true, view: window}})); return true; }})()"
    ));
    assert_eq!(found, json!(true), "nothing matches `{selector}`");
}

/// Types a query into the search box (focused with `/`) and waits for results.
fn search(browser: &mut Browser, query: &str) -> Vec<Value> {
    key(browser, "/", "Slash", 191);
    wait(
        browser,
        "document.activeElement && document.activeElement.id === 'search-input'",
    );
    browser.eval("document.getElementById('search-input').value = ''; true");
    type_text(browser, query);
    wait(
        browser,
        "!document.getElementById('search-results').hidden && document.querySelectorAll('.search-result').length > 0",
    );
    browser
        .eval(
            "[...document.querySelectorAll('.search-result')].map(a => ({href: a.getAttribute('href'), text: a.innerText}))",
        )
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn search_finds_feature_stores_and_a_body_word_and_enter_opens_the_result() {
    let site = site();
    let mut browser = Browser::launch(1280, 900);
    browser.goto(&site.url("index.html"));
    // Nothing of the index is loaded before the box is used.
    assert_eq!(
        browser.eval("performance.getEntriesByType('resource').filter(e => e.name.includes('/search/')).length"),
        json!(0)
    );

    let results = search(&mut browser, "feature stores");
    let first = &results[0];
    assert!(
        first["href"]
            .as_str()
            .unwrap()
            .ends_with("modules/data-processing-visualization/index.html#feature-stores"),
        "{results:#?}"
    );
    assert!(
        first["text"].as_str().unwrap().contains("Feature Stores"),
        "{first}"
    );
    assert!(
        browser
            .eval("document.querySelector('.search-result mark') !== null")
            .as_bool()
            .unwrap(),
        "no highlighted snippet"
    );
    let downloaded = browser.eval(
        "performance.getEntriesByType('resource').filter(e => e.name.includes('/search/')).reduce((n, e) => n + e.transferSize, 0)",
    );
    assert!(
        downloaded.as_f64().unwrap() < 500_000.0,
        "search downloaded {downloaded} bytes"
    );
    // The results' records came from groups of pages, each downloaded once, though the
    // 8 results share a few groups.
    let files = browser.eval(
        "performance.getEntriesByType('resource').map(e => new URL(e.name).pathname).filter(p => p.includes('/search/'))",
    );
    let files: Vec<&str> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().rsplit("/search/").next().unwrap())
        .collect();
    let groups = files.iter().filter(|f| f.starts_with("g/")).count();
    assert!(
        (1..results.len()).contains(&groups),
        "{} results from {groups} groups: {files:?}",
        results.len()
    );
    let mut unique = files.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), files.len(), "{files:?}");
    assert!(
        files
            .iter()
            .all(|f| f == &"index.js" || f.starts_with("t/") || f.starts_with("g/")),
        "{files:?}"
    );

    // Arrows move through the results, Escape closes them.
    key(&mut browser, "ArrowDown", "ArrowDown", 40);
    wait(
        &mut browser,
        "document.activeElement.classList.contains('search-result')",
    );
    key(&mut browser, "Escape", "Escape", 27);
    wait(
        &mut browser,
        "document.getElementById('search-results').hidden && document.activeElement.id === 'search-input'",
    );

    // A word found only in a module's body; Enter opens the first result.
    let results = search(&mut browser, "tokenizer");
    assert!(
        results[0]["href"]
            .as_str()
            .unwrap()
            .contains("modules/nlp-transformers/index.html"),
        "{results:#?}"
    );
    browser.eval("document.getElementById('search-input').focus(); true");
    key(&mut browser, "Enter", "Enter", 13);
    wait(
        &mut browser,
        "location.pathname.endsWith('/modules/nlp-transformers/index.html') && document.readyState === 'complete'",
    );

    // As you type: a prefix finds the whole word.
    let results = search(&mut browser, "kubefl");
    assert!(
        results
            .iter()
            .any(|r| r["href"].as_str().unwrap().contains("mlops-basics")),
        "{results:#?}"
    );
}

#[test]
fn ticking_modules_choosing_tracks_reload_export_and_import() {
    let site = site();
    let mut browser = Browser::launch(1280, 900);

    // Tick two modules on their pages, and a promised topic.
    for module in ["mlops-basics", "model-deployment"] {
        browser.goto(&site.url(&format!("modules/{module}/index.html")));
        wait(
            &mut browser,
            "!!document.querySelector('.done-slot-page input')",
        );
        click(&mut browser, ".done-slot-page input");
        wait(
            &mut browser,
            "document.querySelector('.done-slot-page input').checked",
        );
    }
    click(&mut browser, "ul[data-topics-path] input");
    reload(&mut browser);
    assert_eq!(
        browser.eval("[document.querySelector('.done-slot-page input').checked, document.querySelector('ul[data-topics-path] input').checked]"),
        json!([true, true])
    );

    // The phase page and the path page count them.
    browser.goto(&site.url(CORE));
    assert_eq!(bar(&mut browser, ".progress[data-progress=phase]"), (2, 4));
    assert_eq!(
        browser.eval("document.querySelectorAll('.module-card.is-done').length"),
        json!(2)
    );
    browser.goto(&site.url(PATH));
    assert_eq!(bar(&mut browser, ".progress[data-progress=path]"), (2, 9));
    assert_eq!(
        bar(
            &mut browser,
            ".progress[data-progress=phase][data-phase=core-ml-engineering-foundations]"
        ),
        (2, 4)
    );
    assert_eq!(
        browser.eval("[...document.querySelectorAll('.path-map a.map-node.is-done')].map(a => a.dataset.module).sort()"),
        json!(["mlops-basics", "model-deployment"])
    );

    // Ticking a card on the phase page updates the bar at once.
    browser.goto(&site.url(CORE));
    click(
        &mut browser,
        ".module-card[data-module=machine-learning-basics] .done-slot input",
    );
    assert_eq!(bar(&mut browser, ".progress[data-progress=phase]"), (3, 4));
    click(
        &mut browser,
        ".module-card[data-module=machine-learning-basics] .done-slot input",
    );
    assert_eq!(bar(&mut browser, ".progress[data-progress=phase]"), (2, 4));

    // Choose 2 of the 3 tracks: the third is no longer counted, nor choosable.
    browser.goto(&site.url(PATH));
    let tracks = ".progress[data-progress=phase][data-phase=specialization-tracks]";
    assert_eq!(bar(&mut browser, tracks), (0, 3));
    click(
        &mut browser,
        ".track-choice[data-track=large-scale-ml-systems] input",
    );
    click(&mut browser, ".track-choice[data-track=nlp-systems] input");
    assert_eq!(bar(&mut browser, tracks), (0, 2));
    assert_eq!(bar(&mut browser, ".progress[data-progress=path]"), (2, 8));
    assert_eq!(
        browser.eval(
            "document.querySelector('.track-choice[data-track=computer-vision-systems] input').disabled"
        ),
        json!(true)
    );
    reload(&mut browser);
    assert_eq!(bar(&mut browser, ".progress[data-progress=path]"), (2, 8));
    assert_eq!(
        browser.eval("[...document.querySelectorAll('.path-map .map-lane.is-chosen')].map(g => g.dataset.track)"),
        json!(["large-scale-ml-systems", "nlp-systems"])
    );
    // The tracks' phase page follows the same choice.
    browser.goto(&site.url(TRACKS));
    assert_eq!(bar(&mut browser, ".progress[data-progress=phase]"), (0, 2));
    browser.goto(&site.url(TRACK));
    assert_eq!(bar(&mut browser, ".progress[data-progress=track]"), (0, 1));
    assert_eq!(
        browser.eval("document.querySelector('.track-choice input').checked"),
        json!(true)
    );

    // Export, forget everything, import: all of it is back.
    browser.goto(&site.url(PATH));
    browser.eval(
        "window.__exported = null; const original = URL.createObjectURL; URL.createObjectURL = blob => { blob.text().then(t => window.__exported = t); return original.call(URL, blob); }; true",
    );
    click(&mut browser, "[data-progress-export]");
    wait(&mut browser, "typeof window.__exported === 'string'");
    let exported = browser.eval("window.__exported");
    let data: Value = serde_json::from_str(exported.as_str().unwrap()).unwrap();
    assert_eq!(data["format"], "pathbook-progress");
    assert_eq!(
        data["paths"]["ml-engineer"]["done"]["mlops-basics"],
        json!(true)
    );
    browser.eval("localStorage.clear(); true");
    reload(&mut browser);
    assert_eq!(bar(&mut browser, ".progress[data-progress=path]"), (0, 9));
    browser.eval(&format!(
        "(() => {{ const input = document.querySelector('[data-progress-import]'); const t = new DataTransfer(); t.items.add(new File([{}], 'progress.json', {{type: 'application/json'}})); input.files = t.files; input.dispatchEvent(new Event('change', {{bubbles: true}})); return true; }})()",
        serde_json::to_string(exported.as_str().unwrap()).unwrap()
    ));
    wait(
        &mut browser,
        "document.querySelector('.progress[data-progress=path]').dataset.done === '2'",
    );
    assert_eq!(bar(&mut browser, ".progress[data-progress=path]"), (2, 8));
    reload(&mut browser);
    assert_eq!(bar(&mut browser, ".progress[data-progress=path]"), (2, 8));
}

#[test]
fn nothing_breaks_when_storage_is_unavailable() {
    let site = site();
    let mut browser = Browser::launch(1280, 900);
    browser.call(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": "window.__errors = []; window.addEventListener('error', e => window.__errors.push(String(e.message))); Object.defineProperty(window, 'localStorage', {get() { throw new DOMException('denied', 'SecurityError'); }});"}),
    );
    browser.goto(&site.url(CORE));
    click(
        &mut browser,
        ".module-card[data-module=mlops-basics] .done-slot input",
    );
    assert_eq!(bar(&mut browser, ".progress[data-progress=phase]"), (1, 4));
    browser.goto(&site.url(PATH));
    assert!(
        browser
            .eval("!document.querySelector('[data-progress-panel]').hidden")
            .as_bool()
            .unwrap()
    );
    click(&mut browser, ".theme-toggle");
    let _ = search(&mut browser, "feature stores");
    assert_eq!(browser.eval("window.__errors"), json!([]));
}

#[test]
fn path_map_links_lead_to_modules_phases_and_tracks() {
    let site = site();
    let mut browser = Browser::launch(1280, 900);
    browser.goto(&site.url(PATH));
    assert_eq!(
        browser.eval("document.querySelectorAll('.path-map svg a.map-node').length"),
        json!(9)
    );
    assert_eq!(
        browser.eval(
            "document.querySelector('.path-map svg').getAttribute('aria-labelledby') && !!document.querySelector('.path-map svg > title') && !!document.querySelector('.path-map svg > desc')"
        ),
        json!(true)
    );
    // Every link in the map resolves to a page that exists.
    let broken = browser.eval(
        "Promise.all([...document.querySelectorAll('.path-map svg a')].map(a => fetch(new URL(a.getAttribute('href'), location.href)).then(r => r.ok ? null : a.getAttribute('href')))).then(list => list.filter(Boolean))",
    );
    assert_eq!(broken, json!([]));
    assert_eq!(
        browser.eval("document.querySelectorAll('.path-map svg a.map-lane-link').length"),
        json!(3)
    );
    click(
        &mut browser,
        ".path-map a.map-node[data-module=computer-vision]",
    );
    wait(
        &mut browser,
        "location.pathname.endsWith('/modules/computer-vision/index.html') && document.readyState === 'complete'",
    );
    assert_eq!(
        browser.eval("document.querySelector('h1').textContent.trim()"),
        json!("Computer Vision")
    );
    // Keyboard: the nodes are links in the tab order.
    browser.goto(&site.url(PATH));
    browser.eval("document.querySelector('.path-map a.map-node').focus(); true");
    assert_eq!(
        browser.eval("document.activeElement.getAttribute('data-module')"),
        json!("machine-learning-basics")
    );
}

#[test]
fn dark_mode_toggles_and_persists_across_reload() {
    let site = site();
    let mut browser = Browser::launch(1280, 900);
    browser.goto(&site.url(MODULE));
    assert_eq!(
        browser.eval("document.documentElement.getAttribute('data-theme')"),
        Value::Null
    );
    click(&mut browser, ".theme-toggle");
    assert_eq!(
        browser.eval("document.documentElement.getAttribute('data-theme')"),
        json!("dark")
    );
    let background = browser.eval("getComputedStyle(document.body).backgroundColor");
    assert_eq!(background, json!("rgb(13, 17, 23)"));
    reload(&mut browser);
    assert_eq!(
        browser.eval("document.documentElement.getAttribute('data-theme')"),
        json!("dark")
    );
    browser.goto(&site.url(PATH));
    assert_eq!(
        browser.eval("[document.documentElement.getAttribute('data-theme'), document.querySelector('.theme-toggle').getAttribute('aria-pressed')]"),
        json!(["dark", "true"])
    );
    click(&mut browser, ".theme-toggle");
    reload(&mut browser);
    assert_eq!(
        browser.eval("document.documentElement.getAttribute('data-theme')"),
        json!("light")
    );
}

fn axe_source() -> String {
    let file = repo().join("target/axe/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&file).unwrap_or_else(|_| {
        panic!(
            "axe-core is missing at {}: run `bash scripts/test.sh`, which installs it",
            file.display()
        )
    })
}

/// The serious and critical axe-core violations on the current page.
fn axe(browser: &mut Browser, source: &str) -> Vec<String> {
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
fn every_page_type_passes_axe_in_light_and_dark() {
    let source = axe_source();
    let site = site();
    let mut browser = Browser::launch(1280, 900);
    let mut problems = Vec::new();
    for page in [
        "index.html",
        PATH,
        CORE,
        TRACKS,
        TRACK,
        MODULE,
        "modules/index.html",
        PRINT,
        "no-such-page.html",
    ] {
        browser.goto(&site.url(page));
        // Open the search results too, so they are checked.
        if page == "index.html" {
            let _ = search(&mut browser, "feature stores");
        }
        for theme in ["light", "dark"] {
            browser.eval(&format!(
                "document.documentElement.setAttribute('data-theme', '{theme}'); true"
            ));
            for violation in axe(&mut browser, &source) {
                problems.push(format!("{page} ({theme}): {violation}"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_site_opened_from_disk_navigates_and_searches() {
    let site = site();
    let mut browser = Browser::launch(1280, 900);
    browser.goto(&site.file_url("index.html"));
    click(&mut browser, ".path-card h3 a");
    wait(
        &mut browser,
        "location.href.endsWith('/paths/ml-engineer/index.html') && document.readyState === 'complete'",
    );
    click(&mut browser, "a.nav-phase");
    wait(
        &mut browser,
        "location.href.endsWith('/core-ml-engineering-foundations/index.html') && document.readyState === 'complete'",
    );
    let results = search(&mut browser, "feature stores");
    assert!(
        results[0]["href"]
            .as_str()
            .unwrap()
            .contains("data-processing-visualization/index.html#feature-stores"),
        "{results:#?}"
    );
    key(&mut browser, "Enter", "Enter", 13);
    wait(
        &mut browser,
        "location.href.endsWith('/modules/data-processing-visualization/index.html#feature-stores') && document.readyState === 'complete'",
    );
    assert!(
        browser
            .eval("location.protocol === 'file:' && !!document.getElementById('feature-stores')")
            .as_bool()
            .unwrap()
    );
    // Progress works from disk too.
    click(&mut browser, ".done-slot-page input");
    browser.goto(&site.file_url(PATH));
    assert_eq!(bar(&mut browser, ".progress[data-progress=path]"), (1, 9));
    // The whole path on one page: in-page anchors only for modules.
    browser.goto(&site.file_url(PRINT));
    assert_eq!(
        browser.eval("!!document.getElementById('mlops-basics--experiment-tracking') && document.querySelectorAll('.print-module').length"),
        json!(9)
    );
    assert_eq!(
        browser.eval("[...document.querySelectorAll('.print-module a[href]')].filter(a => /README\\.md|modules\\//.test(a.getAttribute('href'))).length"),
        json!(0)
    );
    // Printed: no site chrome, each module on a new page, and a PDF comes out.
    browser.call("Emulation.setEmulatedMedia", json!({"media": "print"}));
    assert_eq!(
        browser.eval("[getComputedStyle(document.querySelector('.topbar')).display, getComputedStyle(document.querySelector('.print-module')).breakBefore]"),
        json!(["none", "page"])
    );
    let pdf = browser.call("Page.printToPDF", json!({}));
    assert!(pdf["data"].as_str().unwrap().len() > 100_000, "a tiny PDF");
}

#[test]
fn screenshots_of_every_page_type_in_light_and_dark_at_desktop_and_phone_widths() {
    let site = site();
    let out = repo().join("target/screenshots");
    let mut browser = Browser::launch(1280, 900);
    for (width, height) in [(1280, 900), (390, 844)] {
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500}),
        );
        for (name, page) in [
            ("home", "index.html"),
            ("path", PATH),
            ("phase", CORE),
            ("track", TRACK),
            ("module", MODULE),
        ] {
            for theme in ["light", "dark"] {
                browser.goto(&site.url(page));
                browser.eval(&format!(
                    "document.documentElement.setAttribute('data-theme', '{theme}'); true"
                ));
                let file = out.join(format!("{name}-{theme}-{width}.png"));
                browser.screenshot(&file);
                assert!(std::fs::metadata(&file).unwrap().len() > 10_000);
            }
        }
        // Search results open over the page.
        browser.goto(&site.url(CORE));
        let _ = search(&mut browser, "feature stores");
        browser.screenshot(&out.join(format!("search-light-{width}.png")));
    }
}

#[test]
fn search_can_be_turned_off_and_is_on_by_default() {
    let temp = copy_fixture("variants");
    assert!(run(&["build"], temp.path()).status.success());
    let book = temp.path().join("book");
    assert!(book.join("search/index.js").is_file());
    assert!(read(book.join("index.html")).contains("id=\"search-input\""));

    let toml = read(temp.path().join("book.toml"));
    std::fs::write(
        temp.path().join("book.toml"),
        format!("{toml}\n[output.html.search]\nenable = false\n"),
    )
    .unwrap();
    let result = run(&["build"], temp.path());
    assert!(result.status.success(), "{:?}", text(&result));
    assert!(!book.join("search").exists(), "index written while off");
    let home = read(book.join("index.html"));
    assert!(
        !home.contains("search-input") && !home.contains("data-search="),
        "search box while off"
    );
}

/// What a browser downloads for search on a big site, for BENCHMARKS.md ("Search index
/// size"). Run on a site built from `bench/gen_corpus.py`:
/// `PATHBOOK_SEARCH_SITE=/tmp/corpus-5000/book cargo test --test learner_browser -- --ignored --nocapture`
#[test]
#[ignore = "measures a large built site named by PATHBOOK_SEARCH_SITE"]
fn search_downloads_on_a_large_site() {
    let root = PathBuf::from(
        std::env::var_os("PATHBOOK_SEARCH_SITE").expect("set PATHBOOK_SEARCH_SITE to a built site"),
    );
    let port = serve(&root);
    let mut browser = Browser::launch(1280, 900);
    println!("| query | results | files | KB downloaded |");
    println!("|---|---|---|---|");
    for query in [
        "feature stores",
        "kubernetes",
        "data",
        "incident response",
        "zero trust networking",
        "tls certificates",
        "stream proc",
        "model",
    ] {
        // A fresh page each time, and sizes that ignore the cache: the first query's cost.
        browser.goto(&format!("http://127.0.0.1:{port}/index.html"));
        let results = search(&mut browser, query);
        let (files, bytes) = {
            let v = browser.eval(
                "(() => { const e = performance.getEntriesByType('resource').filter(e => e.name.includes('/search/')); return [e.length, e.reduce((n, x) => n + x.encodedBodySize, 0)]; })()",
            );
            (v[0].as_u64().unwrap(), v[1].as_u64().unwrap())
        };
        println!(
            "| `{query}` | {} | {files} | {:.1} |",
            results.len(),
            bytes as f64 / 1024.0
        );
        assert!(bytes < 500 * 1024, "{query}: {bytes} bytes");
    }
}

#[test]
fn without_javascript_pages_read_fine_and_show_no_dead_controls() {
    let site = site();
    let mut browser = Browser::launch(1280, 900);
    browser.call(
        "Emulation.setScriptExecutionDisabled",
        json!({"value": true}),
    );
    for page in [PATH, CORE, TRACK, MODULE, PRINT] {
        browser.goto(&site.url(page));
        let visible = browser.eval(
            "[...document.querySelectorAll('.search, [data-print], .progress-panel, .progress, .done-slot, .track-choice, .theme-toggle')].filter(e => e.getClientRects().length > 0).map(e => e.className)",
        );
        assert_eq!(visible, json!([]), "{page}");
        assert!(
            browser
                .eval("document.querySelector('main h1').getBoundingClientRect().height > 0")
                .as_bool()
                .unwrap()
        );
    }
    // The map and the print link need no script.
    browser.goto(&site.url(PATH));
    assert_eq!(
        browser.eval("[document.querySelectorAll('.path-map a.map-node').length, !!document.querySelector('a.print-link')]"),
        json!([9, true])
    );
}
