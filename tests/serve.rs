//! `pathbook serve` over real HTTP on loopback: pages, headers, traversal, every editor's
//! way of saving, errors shown and cleared, and the served site equal to `build`'s.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Write};
use std::time::Duration;

#[test]
fn serves_pages_with_the_right_headers() {
    let temp = copy_fixture("variants");
    let server = Server::start(temp.path(), &[]);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.header("cache-control"), Some("no-store"));
    assert!(home.text().contains("/__pathbook/live.js"));
    assert_eq!(server.get("/modules/algebra/").status, 200);
    assert_eq!(server.get("/modules/algebra").status, 200);
    assert_eq!(
        server.get("/static/pathbook.css").header("content-type"),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(
        server
            .get("/modules/algebra/diagram.svg")
            .header("content-type"),
        Some("image/svg+xml")
    );
    let missing = server.get("/no/such/page.html");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Page not found"));
    let head = http_request(server.port, "HEAD", "/modules/algebra/index.html");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    // Nothing is written into the project.
    assert!(!temp.path().join("book").exists());
}

#[test]
fn request_paths_never_leave_the_site() {
    let temp = copy_fixture("variants");
    std::fs::write(temp.path().join("secret.txt"), "top secret").unwrap();
    let server = Server::start(temp.path(), &[]);
    for path in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/modules/..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/static/%00",
        "/C:/Windows/win.ini",
        "/book.toml",
        "/content/modules/algebra/README.md",
    ] {
        let response = server.get(path);
        assert!(
            matches!(response.status, 400 | 404),
            "{path}: {}",
            response.status
        );
        assert!(
            !response.text().contains("top secret") && !response.text().contains("root:"),
            "{path}"
        );
    }
}

/// Reads server-sent events until one arrives with a version other than `old`.
fn next_event_with_new_version(
    reader: &mut BufReader<std::net::TcpStream>,
    old: &str,
) -> serde_json::Value {
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader.read_line(&mut line).expect("event stream");
        assert!(n > 0, "event stream closed");
        if let Some(data) = line.trim_end().strip_prefix("data: ") {
            let status: serde_json::Value = serde_json::from_str(data).unwrap();
            if status["version"].as_str() != Some(old) {
                return status;
            }
        }
    }
}

fn open_events(port: u16) -> BufReader<std::net::TcpStream> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET /__pathbook/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    BufReader::new(stream)
}

#[test]
fn every_editor_save_pattern_is_seen_and_announced() {
    let temp = copy_fixture("variants");
    let server = Server::start(temp.path(), &[]);
    let mut events = open_events(server.port);
    let readme = temp.path().join("content/modules/calculus/README.md");
    let base = std::fs::read_to_string(&readme).unwrap();

    // In-place write.
    let version = server.status()["version"].as_str().unwrap().to_string();
    std::fs::write(
        &readme,
        base.replace("Change and accumulation.", "In-place edit one."),
    )
    .unwrap();
    let status = next_event_with_new_version(&mut events, &version);
    assert_eq!(status["problems"], serde_json::json!([]));
    server.wait_for_text("/modules/calculus/", "In-place edit one.");

    // Write to a temporary file, then rename over (vim's writebackup, VS Code, JetBrains).
    let version = server.status()["version"].as_str().unwrap().to_string();
    let temp_file = temp.path().join("content/modules/calculus/.README.md.tmp");
    std::fs::write(
        &temp_file,
        base.replace("Change and accumulation.", "Renamed into place."),
    )
    .unwrap();
    std::fs::rename(&temp_file, &readme).unwrap();
    next_event_with_new_version(&mut events, &version);
    server.wait_for_text("/modules/calculus/", "Renamed into place.");

    // Delete, then create.
    let version = server.status()["version"].as_str().unwrap().to_string();
    std::fs::remove_file(&readme).unwrap();
    std::thread::sleep(Duration::from_millis(5));
    std::fs::write(
        &readme,
        base.replace("Change and accumulation.", "Deleted and recreated."),
    )
    .unwrap();
    next_event_with_new_version(&mut events, &version);
    server.wait_for_text("/modules/calculus/", "Deleted and recreated.");

    // A new module folder, linked from a path.
    let new_module = temp.path().join("content/modules/statistics");
    std::fs::create_dir(&new_module).unwrap();
    std::fs::write(
        new_module.join("README.md"),
        "# Statistics\n\nBrand new module.\n",
    )
    .unwrap();
    let path = temp.path().join("content/paths/no-durations.md");
    let path_text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{path_text}3. [Statistics](../modules/statistics/README.md)\n"),
    )
    .unwrap();
    server.wait_for_text("/modules/statistics/", "Brand new module.");
    server.wait_for_text("/paths/no-durations/", "modules/statistics/index.html");

    // A deleted module disappears (after its links go too).
    std::fs::write(&path, path_text).unwrap();
    std::fs::remove_dir_all(&new_module).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while server.get("/modules/statistics/").status != 404 {
        assert!(
            std::time::Instant::now() < deadline,
            "deleted module still served"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        !temp.path().join("book").exists(),
        "serve wrote into the project"
    );
}

#[test]
fn errors_show_in_the_page_and_the_last_good_site_stays() {
    let temp = copy_fixture("variants");
    let mut server = Server::start(temp.path(), &[]);
    let good = server.get("/modules/algebra/").text();

    // A broken template.
    std::fs::create_dir_all(temp.path().join("templates")).unwrap();
    std::fs::write(temp.path().join("templates/module.html"), "{% extends \"base.html\" %}{% block content %}{{ module.html | safe }{% endblock content %}").unwrap();
    let version = server.status()["version"].as_str().unwrap().to_string();
    let status = server.wait_for_new_version(&version);
    let problems = status["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{status}");
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .contains("module.html"),
        "{status}"
    );
    assert_eq!(
        strip_live_reload(&server.get("/modules/algebra/").text()),
        strip_live_reload(&good)
    );

    // Fixed: the problems clear.
    std::fs::remove_file(temp.path().join("templates/module.html")).unwrap();
    let version = status["version"].as_str().unwrap().to_string();
    let status = server.wait_for_new_version(&version);
    assert_eq!(status["problems"], serde_json::json!([]));

    // A broken link after a save: file:line:col in the overlay data.
    let readme = temp.path().join("content/modules/deploy/README.md");
    std::fs::write(&readme, "# Deploy\n\nSee [gone](../gone/README.md).\n").unwrap();
    let version = status["version"].as_str().unwrap().to_string();
    let status = server.wait_for_new_version(&version);
    let problem = &status["problems"][0];
    assert_eq!(problem["file"], "content/modules/deploy/README.md");
    assert_eq!(problem["line"], 3);
    assert_eq!(problem["column"], 5);
    assert_eq!(problem["code"], "missing-file");
    assert!(
        server.get("/modules/deploy/").text().contains("Serving"),
        "last good page not kept"
    );

    // Bad book.toml: still serving.
    std::fs::write(temp.path().join("book.toml"), "[book\n").unwrap();
    let version = status["version"].as_str().unwrap().to_string();
    let status = server.wait_for_new_version(&version);
    assert!(
        status["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("book.toml"),
        "{status}"
    );
    assert_eq!(server.get("/").status, 200);
    assert!(server.child.try_wait().unwrap().is_none(), "server exited");
}

/// Every file `build` writes for the project as it is now, served byte for byte.
fn assert_served_equals_build(server: &Server, project: &std::path::Path, step: &str) {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("site");
    let built = run(
        &["build", ".", "--dest-dir", dest.to_str().unwrap()],
        project,
    );
    assert!(built.status.success(), "{step}: build failed: {built:?}");
    let mut compared = 0;
    for entry in walkdir::WalkDir::new(&dest) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file()
            || entry
                .file_name()
                .to_string_lossy()
                .starts_with(".pathbook-")
        {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&dest)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let built = std::fs::read(entry.path()).unwrap();
        let served = server.get(&format!("/{rel}"));
        assert_eq!(served.status, 200, "{step}: {rel}");
        if rel.ends_with(".html") {
            assert_eq!(
                strip_live_reload(&served.text()),
                String::from_utf8(built).unwrap(),
                "{step}: {rel} differs"
            );
        } else {
            assert_eq!(served.body, built, "{step}: {rel} differs");
        }
        compared += 1;
    }
    assert!(compared > 15, "{step}: compared only {compared} files");
}

/// serve reloads only the files that changed and renders pages when asked: after every
/// kind of edit, what it serves must still be exactly what a fresh `build` writes.
#[test]
fn served_site_is_byte_for_byte_what_build_writes() {
    let temp = copy_fixture("variants");
    let root = temp.path().to_path_buf();
    let server = Server::start(&root, &[]);
    // Pages rendered before a change must not be served after it.
    assert_served_equals_build(&server, &root, "at start");
    let edit = |rel: &str, from: &str, to: &str| edit(&root, rel, from, to);
    type Step<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let steps: Vec<Step> = vec![
        (
            "module body",
            Box::new(|| {
                edit(
                    "content/modules/models/README.md",
                    "Fitting functions to data.",
                    "Edited while serving.",
                )
            }),
        ),
        (
            "module title, shown in other pages' sidebars",
            Box::new(|| {
                edit(
                    "content/modules/models/README.md",
                    "# Models",
                    "# Statistical Models",
                )
            }),
        ),
        (
            "a new heading, which other pages may link to",
            Box::new(|| {
                edit(
                    "content/modules/probability/README.md",
                    "\n",
                    "\n\n## Added While Serving\n\nText.\n\n",
                )
            }),
        ),
        (
            "a path's topics",
            Box::new(|| {
                edit(
                    "content/paths/core-modules.md",
                    "    - Regression",
                    "    - Ridge regression",
                )
            }),
        ),
        (
            "a new module folder, linked from a path",
            Box::new(|| add_linked_module(&root)),
        ),
        (
            "a static file of the theme",
            Box::new(|| {
                std::fs::create_dir_all(root.join("static")).unwrap();
                std::fs::write(root.join("static/extra.css"), "body { margin: 0 }\n").unwrap();
            }),
        ),
    ];
    for (step, change) in steps {
        let version = server.status()["version"].as_str().unwrap().to_string();
        change();
        let status = server.wait_for_new_version(&version);
        // A change in two files may arrive as two rebuilds: wait for the quiet.
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(
            server.status()["problems"].as_array().unwrap().is_empty(),
            "{step}: {status}"
        );
        assert_served_equals_build(&server, &root, step);
    }
}

#[test]
fn a_burst_of_saves_ends_on_the_last_content() {
    let temp = copy_fixture("variants");
    let mut server = Server::start(temp.path(), &[]);
    let readme = temp.path().join("content/modules/deploy/README.md");
    for i in 0..1000 {
        std::fs::write(&readme, format!("# Deploy\n\nSave number {i}.\n")).unwrap();
        if i % 100 == 0 {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    server.wait_for_text("/modules/deploy/", "Save number 999.");
    assert!(server.child.try_wait().unwrap().is_none(), "server exited");
}

#[test]
fn polling_mode_sees_changes_too() {
    let temp = copy_fixture("variants");
    let server = Server::start(temp.path(), &["--poll"]);
    let readme = temp.path().join("content/modules/deploy/README.md");
    std::fs::write(&readme, "# Deploy\n\nSeen by polling.\n").unwrap();
    server.wait_for_text("/modules/deploy/", "Seen by polling.");
}

#[test]
fn a_port_in_use_moves_to_the_next_free_one_and_says_so() {
    let blocker = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = blocker.local_addr().unwrap().port();
    let temp = copy_fixture("variants");
    let mut child = bin()
        .args(["serve", ".", "--port", &port.to_string()])
        .current_dir(temp.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let _guard = Server {
        child,
        port: 0,
        log: Default::default(),
    };
    let line = BufReader::new(stdout).lines().next().unwrap().unwrap();
    assert!(
        line.contains("http://127.0.0.1:") && !line.contains(&format!(":{port}/")),
        "{line}"
    );
    let notice = BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .find(|l| l.contains("in use"))
        .expect("no notice about the port");
    assert!(
        notice.starts_with(&format!("port {port} is in use; using ")),
        "{notice}"
    );
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let temp = copy_fixture("variants");
    let mut server = Server::start(temp.path(), &[]);
    assert_eq!(server.get("/").status, 200);
    let pid = server.child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "serve did not stop on SIGINT"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}

#[test]
fn a_project_that_is_its_own_content_folder_is_watched_whole() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    std::fs::create_dir_all(root.join("paths")).unwrap();
    std::fs::create_dir_all(root.join("modules/a")).unwrap();
    std::fs::write(
        root.join("book.toml"),
        "[book]\ntitle = \"T\"\nsrc = \".\"\n",
    )
    .unwrap();
    std::fs::write(root.join("README.md"), "# Top\n\nTop text.\n").unwrap();
    std::fs::write(
        root.join("paths/p.md"),
        "# P\n\nSee [top](../README.md).\n\n## Phase 1: Basics (1 week)\n1. [A](../modules/a/README.md)\n",
    )
    .unwrap();
    std::fs::write(root.join("modules/a/README.md"), "# A\n\nFirst text.\n").unwrap();
    let server = Server::start(root, &[]);
    server.wait_for_text("/modules/a/", "First text.");
    std::fs::write(root.join("modules/a/README.md"), "# A\n\nSecond text.\n").unwrap();
    server.wait_for_text("/modules/a/", "Second text.");
    std::fs::write(root.join("README.md"), "# Top\n\nTop edited.\n").unwrap();
    server.wait_for_text("/readme.html", "Top edited.");
}
