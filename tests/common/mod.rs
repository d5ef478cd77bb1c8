//! Helpers shared by the integration tests: run the real binary, copy fixtures, and crawl
//! built sites with a scanner that does not share code with pathbook.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary under test; `PATHBOOK_BIN` runs the tests against another build (to show that
/// a regression test fails on an older binary).
pub fn bin() -> Command {
    let binary =
        std::env::var_os("PATHBOOK_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_pathbook").into());
    let mut command = Command::new(binary);
    command.env("NO_COLOR", "1").env_remove("CI");
    command
}

pub fn run(args: &[&str], dir: &Path) -> Output {
    bin()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run pathbook")
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// A private copy of a fixture, so tests may build into it and edit it.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let temp = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture(name), temp.path());
    temp
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Replaces the first `from` in the project file `rel` with `to` (which must be there).
#[allow(dead_code)]
pub fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let file = root.join(rel);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
}

/// In a copy of the `variants` fixture: a new module `fresh`, linked from a path.
#[allow(dead_code)]
pub fn add_linked_module(root: &Path) {
    let dir = root.join("content/modules/fresh");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("README.md"), "# Fresh\n\nNew.\n").unwrap();
    edit(
        root,
        "content/paths/no-durations.md",
        "2. [Models](../modules/models/README.md)",
        "2. [Models](../modules/models/README.md)\n3. [Fresh](../modules/fresh/README.md)",
    );
}

pub fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

fn decode_entities(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        if bytes[i] == b'%'
            && let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Attribute values of `name` in `html` (double-quoted, as pathbook and pulldown write).
pub fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let pattern = regex::Regex::new(&format!(r#"\s{name}="([^"]*)""#)).unwrap();
    pattern
        .captures_iter(html)
        .map(|c| decode_entities(&c[1]))
        .collect()
}

/// `path` from `root`, with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// Every broken internal link in a built site: `(page, href, why)`. Links are resolved the
/// way a browser resolves them against a `file://` URL.
pub fn crawl(site: &Path) -> (usize, Vec<(String, String, String)>) {
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut pages = Vec::new();
    for entry in walkdir::WalkDir::new(site) {
        let entry = entry.unwrap();
        let rel = relative(site, entry.path());
        if rel.ends_with(".html") {
            let html = read(entry.path());
            let mut page_ids: BTreeSet<String> =
                attribute_values(&html, "id").into_iter().collect();
            page_ids.extend(attribute_values(&html, "name"));
            ids.insert(rel.clone(), page_ids);
            pages.push((rel, html));
        }
    }
    let mut checked = 0;
    let mut broken = Vec::new();
    for (page, html) in &pages {
        if page == "404.html" {
            continue; // served at any depth; its links are root-absolute
        }
        let mut targets = attribute_values(html, "href");
        targets.extend(attribute_values(html, "src"));
        for target in targets {
            if target.contains("://")
                || target.starts_with("mailto:")
                || target.starts_with("data:")
            {
                continue;
            }
            checked += 1;
            let (path, fragment) = match target.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(percent_decode(f))),
                None => (target.clone(), None),
            };
            let resolved = if path.is_empty() {
                page.clone()
            } else {
                let mut parts: Vec<&str> = page.split('/').collect();
                parts.pop();
                let decoded = percent_decode(&path);
                let decoded: Vec<String> = decoded.split('/').map(str::to_string).collect();
                let mut parts: Vec<String> = parts.into_iter().map(str::to_string).collect();
                let mut outside = false;
                for part in decoded {
                    match part.as_str() {
                        "" | "." => {}
                        ".." => outside |= parts.pop().is_none(),
                        other => parts.push(other.to_string()),
                    }
                }
                if outside {
                    broken.push((page.clone(), target.clone(), "leaves the site".into()));
                    continue;
                }
                parts.join("/")
            };
            if !site.join(&resolved).is_file() {
                let why = if site.join(&resolved).is_dir() {
                    "is a folder (breaks on file://)"
                } else {
                    "no such file"
                };
                broken.push((page.clone(), target.clone(), why.into()));
                continue;
            }
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                let known = ids
                    .get(&resolved)
                    .is_some_and(|set| set.contains(&fragment));
                if !known {
                    broken.push((
                        page.clone(),
                        target.clone(),
                        format!("no id `{fragment}` in {resolved}"),
                    ));
                }
            }
        }
    }
    (checked, broken)
}

/// A running `pathbook serve`, killed when dropped.
pub struct Server {
    pub child: std::process::Child,
    pub port: u16,
    pub log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `serve` on a free loopback port and waits until it answers.
    pub fn start(dir: &Path, extra: &[&str]) -> Server {
        use std::io::{BufRead, BufReader};
        let mut args = vec!["serve", ".", "--port", "0"];
        args.extend_from_slice(extra);
        let mut child = bin()
            .args(&args)
            .current_dir(dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start serve");
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let err_log = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                err_log.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let mut lines = BufReader::new(stdout).lines();
        let first = lines
            .next()
            .expect("serve printed nothing")
            .expect("read stdout");
        let port = first
            .rsplit("127.0.0.1:")
            .next()
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {first:?}"));
        std::thread::spawn(move || for _ in lines {});
        Server { child, port, log }
    }

    pub fn get(&self, path: &str) -> HttpResponse {
        http_request(self.port, "GET", path)
    }

    pub fn status(&self) -> serde_json::Value {
        serde_json::from_slice(&self.get("/__pathbook/status").body).expect("status json")
    }

    /// Waits until the served site's version differs from `old`, returning the new status.
    pub fn wait_for_new_version(&self, old: &str) -> serde_json::Value {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let status = self.status();
            if status["version"].as_str() != Some(old) {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no rebuild after a change; log:\n{}",
                self.log.lock().unwrap()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Waits until `path` serves a body containing `needle`.
    pub fn wait_for_text(&self, path: &str, needle: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let body = String::from_utf8_lossy(&self.get(path).body).into_owned();
            if body.contains(needle) {
                return body;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{path} never showed {needle:?}; log:\n{}",
                self.log.lock().unwrap()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A minimal HTTP/1.1 client: the request line goes out exactly as given, so tests can
/// send paths that ordinary clients would normalise.
pub fn http_request(port: u16, method: &str, path: &str) -> HttpResponse {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    HttpResponse {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

/// Removes the live-reload tag that `serve` adds to pages.
pub fn strip_live_reload(html: &str) -> String {
    let pattern =
        regex::Regex::new(r#"<script src="/__pathbook/live\.js" data-version="[^"]*"></script>"#)
            .unwrap();
    pattern.replace(html, "").into_owned()
}
