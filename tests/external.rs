//! `pathbook check --external` against an HTTP server on 127.0.0.1 in this process: broken
//! links, redirect chains, timeouts, retries, HEAD fallback, remote fragments, the cache.
//! Nothing here touches the network beyond loopback.

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Requests seen, as `(method, path)` → count.
type Log = Arc<Mutex<BTreeMap<(String, String), usize>>>;

struct TestServer {
    port: u16,
    log: Log,
}

impl TestServer {
    fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let log: Log = Arc::default();
        let server_log = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let log = server_log.clone();
                std::thread::spawn(move || handle(stream, &log));
            }
        });
        TestServer { port, log }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The requests since the last call, and forget them.
    fn take(&self) -> BTreeMap<(String, String), usize> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

fn handle(mut stream: TcpStream, log: &Log) {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut request_line = head.lines().next().unwrap_or("").split(' ');
    let method = request_line.next().unwrap_or("").to_string();
    let path = request_line.next().unwrap_or("").to_string();
    let seen_before: usize = {
        let mut log = log.lock().unwrap();
        let before = log
            .iter()
            .filter(|((_, p), _)| *p == path)
            .map(|(_, n)| n)
            .sum();
        *log.entry((method.clone(), path.clone())).or_default() += 1;
        before
    };
    let html = |ids: &[&str]| {
        let body: String = ids
            .iter()
            .map(|id| format!("<h2 id=\"{id}\">{id}</h2>\n"))
            .collect();
        format!("<!doctype html><html><body>\n{body}<a name=\"legacy\"></a></body></html>\n")
    };
    let (status, headers, body): (u16, Vec<(&str, &str)>, String) = match path.as_str() {
        "/page" => (200, vec![("Content-Type", "text/html")], html(&["intro"])),
        "/missing" => (404, vec![], "not here".into()),
        "/old" => (301, vec![("Location", "/temp")], String::new()),
        "/temp" => (302, vec![("Location", "/new")], String::new()),
        "/new" => (
            200,
            vec![("Content-Type", "text/html; charset=utf-8")],
            html(&["usage"]),
        ),
        "/hop" => (302, vec![("Location", "/landing")], String::new()),
        "/landing" => (200, vec![("Content-Type", "text/html")], html(&[])),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(3));
            (200, vec![("Content-Type", "text/html")], html(&[]))
        }
        "/nofrag" => (
            200,
            vec![("Content-Type", "text/html")],
            html(&["set-up", "usage"]),
        ),
        "/flaky" if seen_before == 0 => (503, vec![], "try again".into()),
        "/flaky" => (200, vec![("Content-Type", "text/html")], html(&[])),
        "/busy" if seen_before == 0 => (429, vec![("Retry-After", "1")], String::new()),
        "/busy" => (200, vec![("Content-Type", "text/html")], html(&[])),
        "/head-405" if method == "HEAD" => (405, vec![("Allow", "GET")], String::new()),
        "/head-405" => (200, vec![("Content-Type", "text/html")], html(&[])),
        "/data.json" => (
            200,
            vec![("Content-Type", "application/json")],
            "{\"key\": 1}".into(),
        ),
        _ => (404, vec![], "unknown".into()),
    };
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Other",
    };
    let mut response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    response.push_str("\r\n");
    if method != "HEAD" {
        response.push_str(&body);
    }
    let _ = stream.write_all(response.as_bytes());
}

/// Runs the real binary with no proxy settings, so every request goes straight to loopback.
fn check(dir: &Path, extra: &[&str]) -> (Option<i32>, Value, String) {
    let mut args = vec!["check", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let mut command = bin();
    for var in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        command.env_remove(var);
    }
    let output = command
        .args(&args)
        .current_dir(dir)
        .output()
        .expect("run pathbook");
    let (stdout, stderr) = text(&output);
    let json: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (output.status.code(), json, stderr)
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A folder of Markdown linking to every endpoint; the slow link is on the last line so it
/// can be dropped without moving the others.
fn site(server: &TestServer, with_slow: bool) -> String {
    let u = |path: &str| server.url(path);
    let mut guide = [
        "# Guide".to_string(),
        String::new(),
        format!("- [page]({})", u("/page")),
        format!("- [intro]({})", u("/page#intro")),
        format!("- [legacy]({})", u("/page#legacy")),
        format!("- [missing]({})", u("/missing")),
        format!("- [moved]({})", u("/old#usage")),
        format!("- [hop]({})", u("/hop")),
        format!("- [no such id]({})", u("/nofrag#setup")),
        format!("- [flaky]({})", u("/flaky")),
        format!("- [busy]({})", u("/busy")),
        format!("- [no HEAD]({})", u("/head-405")),
        format!("- [data]({})", u("/data.json#key")),
        "- [mail](mailto:someone@example.org)".to_string(),
        format!("- [excluded]({})", u("/excluded/thing")),
        format!(
            "- [placeholder](http://localhost:{}/placeholder)",
            server.port
        ),
        format!("- <{}>", u("/missing")),
    ]
    .join("\n");
    if with_slow {
        guide.push_str(&format!("\n- [slow]({})", u("/slow")));
    }
    guide.push('\n');
    guide
}

/// A finding as `check --format json` reports it: the fields these tests compare.
#[derive(Debug, Clone, PartialEq)]
struct Finding {
    code: String,
    file: String,
    line: u64,
    column: u64,
    severity: String,
    message: String,
    help: Value,
}

fn findings(json: &Value) -> Vec<Finding> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| Finding {
            code: d["code"].as_str().unwrap().to_string(),
            file: d["file"].as_str().unwrap().to_string(),
            line: d["line"].as_u64().unwrap(),
            column: d["column"].as_u64().unwrap(),
            severity: d["severity"].as_str().unwrap().to_string(),
            message: d["message"].as_str().unwrap().to_string(),
            help: d["help"].clone(),
        })
        .collect()
}

fn requests(pairs: &[(&str, &str, usize)]) -> BTreeMap<(String, String), usize> {
    pairs
        .iter()
        .map(|(m, p, n)| ((m.to_string(), p.to_string()), *n))
        .collect()
}

#[test]
fn external_links_are_fetched_once_retried_followed_and_cached() {
    let server = TestServer::start();
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    write(
        &dir.join("book.toml"),
        "[book]\nsrc = \".\"\n\n[check]\nexclude = [\"/excluded/\"]\n",
    );
    write(&dir.join("guide.md"), &site(&server, true));
    write(
        &dir.join("notes/more.md"),
        &format!(
            "# More\n\nAgain: [intro]({}).\n<a href=\"{}\">gone</a>\n",
            server.url("/page#intro"),
            server.url("/missing")
        ),
    );

    // Without --external nothing is fetched.
    let (code, json, stderr) = check(dir, &[]);
    assert_eq!(code, Some(0), "{json:#}\n{stderr}");
    assert_eq!(json["diagnostics"], serde_json::json!([]));
    assert!(server.take().is_empty());

    let u = |path: &str| server.url(path);
    let broken_404 = |file: &str, line, column| Finding {
        code: "external-broken".to_string(),
        file: file.to_string(),
        line,
        column,
        severity: "error".to_string(),
        message: format!("`{}` returned HTTP 404 Not Found", u("/missing")),
        help: Value::Null,
    };
    let slow = Finding {
        code: "external-broken".to_string(),
        file: "guide.md".to_string(),
        line: 18,
        column: 3,
        severity: "error".to_string(),
        message: format!(
            "`{}` could not be fetched: timed out after 1 s (3 attempts)",
            u("/slow")
        ),
        help: Value::from(
            "raise `--timeout`, or add a pattern to `[check] exclude` in book.toml if the site is always slow",
        ),
    };
    let mut expected = vec![
        broken_404("guide.md", 6, 3),
        Finding {
            code: "external-redirect".to_string(),
            file: "guide.md".to_string(),
            line: 7,
            column: 3,
            severity: "warning".to_string(),
            message: format!(
                "`{}` redirects permanently (301) to `{}`",
                u("/old"),
                u("/new")
            ),
            help: Value::from(format!("update the link to `{}`", u("/new#usage"))),
        },
        Finding {
            code: "external-fragment".to_string(),
            file: "guide.md".to_string(),
            line: 9,
            column: 3,
            severity: "error".to_string(),
            message: format!("no id `#setup` in the page at `{}`", u("/nofrag")),
            help: Value::from("did you mean `#set-up`?"),
        },
        broken_404("guide.md", 17, 3),
        slow.clone(),
        // A raw HTML link is reported at its value, after `<a href="`.
        broken_404("notes/more.md", 4, 10),
    ];

    let started = std::time::Instant::now();
    let (code, json, stderr) = check(dir, &["--external", "--timeout", "1", "--cache"]);
    let elapsed = started.elapsed();
    assert_eq!(code, Some(1), "{json:#}\n{stderr}");
    assert_eq!(findings(&json), expected, "{json:#}");
    assert_eq!(json["errors"], 5);
    assert_eq!(json["warnings"], 1);
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics[1]["target"], u("/old#usage"));
    assert_eq!(diagnostics[3]["target"], u("/missing"));
    // Each URL once, whatever the number of links to it: HEAD when only the status
    // matters, GET for fragments and after a refused HEAD; retries and hops on top.
    let first_run = requests(&[
        ("GET", "/page", 1),
        ("HEAD", "/missing", 1),
        ("GET", "/missing", 1),
        ("GET", "/old", 1),
        ("GET", "/temp", 1),
        ("GET", "/new", 1),
        ("HEAD", "/hop", 1),
        ("HEAD", "/landing", 1),
        ("GET", "/nofrag", 1),
        ("HEAD", "/flaky", 2),
        ("HEAD", "/busy", 2),
        ("HEAD", "/head-405", 1),
        ("GET", "/head-405", 1),
        ("GET", "/data.json", 1),
        ("HEAD", "/slow", 3),
    ]);
    assert_eq!(server.take(), first_run);
    // Three 1 s timeouts with 0.5 s and 1 s between them, the others alongside.
    assert!(elapsed >= Duration::from_millis(4400), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");

    let cache = read(dir.join(".pathbook-linkcache.json"));
    let cache: Value = serde_json::from_str(&cache).unwrap();
    let urls = cache["urls"].as_object().unwrap();
    assert_eq!(
        urls[&u("/page")]["page"]["html"]["ids"],
        serde_json::json!(["intro", "legacy"])
    );
    assert_eq!(urls[&u("/missing")]["status"], 404);
    assert!(urls[&u("/missing")]["checked"].as_u64().unwrap() > 0);
    assert!(
        !urls.contains_key(&u("/slow")),
        "a timeout may pass; it is not cached"
    );

    // Second run: everything comes from the cache except the timeout, asked again.
    let (code, json, stderr) = check(dir, &["--external", "--timeout", "1", "--cache"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(findings(&json), expected);
    assert_eq!(server.take(), requests(&[("HEAD", "/slow", 3)]));

    // Without the slow link, a cached run makes no request at all.
    write(&dir.join("guide.md"), &site(&server, false));
    let (code, json, stderr) = check(dir, &["--external", "--timeout", "1", "--cache"]);
    assert_eq!(code, Some(1), "{stderr}");
    expected.retain(|d| *d != slow);
    assert_eq!(findings(&json), expected);
    assert!(server.take().is_empty());

    // A zero maximum age reuses nothing.
    let (code, json, _) = check(
        dir,
        &[
            "--external",
            "--cache",
            "--max-cache-age",
            "0s",
            "--timeout",
            "1",
        ],
    );
    assert_eq!(code, Some(1));
    assert_eq!(findings(&json), expected);
    let mut expected_requests = first_run;
    expected_requests.remove(&("HEAD".to_string(), "/slow".to_string()));
    assert_eq!(server.take(), expected_requests);
}

#[test]
fn external_settings_need_external() {
    let temp = tempfile::tempdir().unwrap();
    write(&temp.path().join("a.md"), "# A\n");
    for args in [
        &["check", ".", "--timeout", "5"][..],
        &["check", ".", "--cache"],
        &["check", ".", "--external", "--max-cache-age", "1d"],
        &[
            "check",
            ".",
            "--external",
            "--cache",
            "--max-cache-age",
            "1 week",
        ],
    ] {
        let result = run(args, temp.path());
        assert_eq!(result.status.code(), Some(2), "{args:?}");
    }
}
