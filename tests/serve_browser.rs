//! `pathbook serve` in a real browser: the page follows every save by itself, a broken
//! template shows the overlay, fixing it brings the page back.

#[path = "common/browser.rs"]
mod browser;
mod common;

use browser::Browser;
use common::*;
use std::time::Duration;

#[test]
fn the_browser_follows_saves_and_shows_errors() {
    let temp = copy_fixture("variants");
    let server = Server::start(temp.path(), &[]);
    let mut browser = Browser::launch(1200, 900);
    browser.goto(&format!(
        "http://127.0.0.1:{}/modules/calculus/",
        server.port
    ));
    assert_eq!(
        browser.eval("document.querySelector('h1').textContent.trim()"),
        "Calculus"
    );
    // Mark this page load: a reload replaces the window object and loses the mark.
    browser.eval("window.__loaded_once = true");
    browser.eval("window.scrollTo(0, 200); true");

    let readme = temp.path().join("content/modules/calculus/README.md");
    let text = std::fs::read_to_string(&readme).unwrap();
    std::fs::write(
        &readme,
        text.replace("Change and accumulation.", "Edited in the browser test."),
    )
    .unwrap();
    browser.wait_until(
        "!window.__loaded_once && document.body.innerText.includes('Edited in the browser test.')",
        Duration::from_secs(20),
    );

    // Break a template: the overlay appears, the page stays.
    std::fs::create_dir_all(temp.path().join("templates")).unwrap();
    std::fs::write(
        temp.path().join("templates/module.html"),
        "{% extends \"base.html\" %}{% block content %}{{ oops }{% endblock content %}",
    )
    .unwrap();
    browser.wait_until(
        "!!document.getElementById('__pathbook_live_overlay')",
        Duration::from_secs(20),
    );
    let overlay = browser.eval("document.getElementById('__pathbook_live_overlay').innerText");
    assert!(
        overlay.as_str().unwrap().contains("module.html"),
        "{overlay}"
    );
    assert!(
        browser
            .eval("document.body.innerText.includes('Edited in the browser test.')")
            .as_bool()
            .unwrap()
    );

    // Fix it: the overlay goes and the page shows the new text.
    std::fs::remove_file(temp.path().join("templates/module.html")).unwrap();
    std::fs::write(
        &readme,
        text.replace("Change and accumulation.", "Fixed and shown."),
    )
    .unwrap();
    browser.wait_until(
        "!document.getElementById('__pathbook_live_overlay') && document.body.innerText.includes('Fixed and shown.')",
        Duration::from_secs(20),
    );
}
