//! HTTP for the preview: files from memory, `index.html` for folders, `404.html` for the
//! rest, `Cache-Control: no-store`, and no request path that can reach outside the site.

use super::{Shared, Snapshot};
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures_util::stream::Stream;
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::Arc;

const LIVE_JS: &str = include_str!("../../static/live.js");

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/__pathbook/events", get(events))
        .route("/__pathbook/live.js", get(live_js))
        .route("/__pathbook/status", get(status))
        .fallback(file)
        .with_state(shared)
}

/// The site-relative file a request path names, or `None` when it must be refused:
/// `..` in any spelling, backslashes, NUL, or anything that is not a clean relative path.
pub fn resolve_request_path(raw_path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(raw_path)
        .decode_utf8()
        .ok()?;
    if decoded.contains('\\') || decoded.contains('\0') || !decoded.starts_with('/') {
        return None;
    }
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            other if other.contains(':') => return None,
            other => parts.push(other),
        }
    }
    let mut rel = parts.join("/");
    if decoded.ends_with('/') || rel.is_empty() {
        if !rel.is_empty() {
            rel.push('/');
        }
        rel.push_str("index.html");
    }
    Some(rel)
}

fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "txt" | "md" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

fn respond(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Adds the live-reload client to a page; only `serve` ever does this.
fn inject(html: &[u8], version: &str) -> Vec<u8> {
    let tag = format!("<script src=\"/__pathbook/live.js\" data-version=\"{version}\"></script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{tag}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

/// What a request finds in the site.
enum Found {
    File(String, Arc<Vec<u8>>),
    Asset(PathBuf),
    Missing(Option<Arc<Vec<u8>>>),
    Failed(String),
}

fn look_up(site: &Snapshot, rel: &str) -> Found {
    // `/modules/x` without the slash: the folder's index, as static hosts do.
    for name in [rel.to_string(), format!("{rel}/index.html")] {
        match site.file(&name) {
            Some(Ok(bytes)) => return Found::File(name, bytes),
            Some(Err(message)) => return Found::Failed(message),
            None => {}
        }
    }
    if let Some(path) = site.asset(rel) {
        return Found::Asset(path);
    }
    Found::Missing(site.file("404.html").and_then(Result::ok))
}

/// Served before any build has succeeded: the overlay shows why, and the page reloads
/// when a build does.
const NO_SITE_YET: &str = "<!DOCTYPE html><html lang=\"en\"><meta charset=\"utf-8\"><title>pathbook: no site yet</title><body><p>There is no site to show yet: the build failed. Fix the error and this page reloads.</p></body></html>";

async fn file(State(shared): State<Arc<Shared>>, request: Request<Body>) -> Response<Body> {
    let Some(rel) = resolve_request_path(request.uri().path()) else {
        return respond(
            StatusCode::BAD_REQUEST,
            "text/plain; charset=utf-8",
            b"bad request path\n".to_vec(),
        );
    };
    let (site, version) = {
        let state = shared.state.read().unwrap_or_else(|e| e.into_inner());
        (state.site.clone(), state.version.clone())
    };
    let Some(site) = site else {
        return respond(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/html; charset=utf-8",
            inject(NO_SITE_YET.as_bytes(), &version),
        );
    };
    // Rendering a page on first request is CPU work: keep it off the async workers.
    let lookup_rel = rel.clone();
    let found = tokio::task::spawn_blocking(move || look_up(&site, &lookup_rel))
        .await
        .unwrap_or_else(|err| Found::Failed(format!("rendering failed: {err}")));
    match found {
        Found::File(name, bytes) => {
            let kind = content_type(&name);
            let body = if kind.starts_with("text/html") {
                inject(&bytes, &version)
            } else {
                bytes.to_vec()
            };
            respond(StatusCode::OK, kind, body)
        }
        Found::Asset(path) => match tokio::fs::read(&path).await {
            Ok(bytes) => respond(StatusCode::OK, content_type(&rel), bytes),
            Err(_) => respond(
                StatusCode::NOT_FOUND,
                "text/plain; charset=utf-8",
                b"404 not found\n".to_vec(),
            ),
        },
        Found::Missing(page) => {
            let body = page
                .map(|b| inject(&b, &version))
                .unwrap_or_else(|| b"404 not found\n".to_vec());
            respond(StatusCode::NOT_FOUND, "text/html; charset=utf-8", body)
        }
        Found::Failed(message) => {
            let page = format!(
                "<!DOCTYPE html><html lang=\"en\"><meta charset=\"utf-8\"><title>pathbook: error</title><body><pre>{}</pre></body></html>",
                crate::markdown::html::escape_attr(&message)
            );
            respond(
                StatusCode::INTERNAL_SERVER_ERROR,
                "text/html; charset=utf-8",
                inject(page.as_bytes(), &version),
            )
        }
    }
}

async fn live_js() -> Response<Body> {
    respond(
        StatusCode::OK,
        "text/javascript; charset=utf-8",
        LIVE_JS.as_bytes().to_vec(),
    )
}

fn status_json(shared: &Shared) -> String {
    let state = shared.state.read().unwrap_or_else(|e| e.into_inner());
    serde_json::json!({ "version": state.version, "problems": state.problems }).to_string()
}

async fn status(State(shared): State<Arc<Shared>>) -> Response<Body> {
    respond(
        StatusCode::OK,
        "application/json",
        status_json(&shared).into_bytes(),
    )
}

/// Server-sent events: the current status at once, then again after every build.
async fn events(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let receiver = shared.notify.subscribe();
    let stream: std::pin::Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>> =
        Box::pin(futures_util::stream::unfold(
            (shared, receiver, true),
            |(shared, mut receiver, first)| async move {
                if !first && receiver.changed().await.is_err() {
                    return None;
                }
                receiver.borrow_and_update();
                let event = Event::default().event("status").data(status_json(&shared));
                Some((Ok(event), (shared, receiver, false)))
            },
        ));
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::resolve_request_path;

    #[test]
    fn request_paths_cannot_leave_the_site() {
        assert_eq!(resolve_request_path("/").as_deref(), Some("index.html"));
        assert_eq!(
            resolve_request_path("/modules/x/").as_deref(),
            Some("modules/x/index.html")
        );
        assert_eq!(
            resolve_request_path("/a%20b.png").as_deref(),
            Some("a b.png")
        );
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/%2E%2E/%2E%2E/x",
            "/..%2fx",
            "/a\\..\\b",
            "/%5c..%5cx",
            "/x%00",
            "/C:/Windows",
            "//etc/passwd/..",
        ] {
            assert_eq!(resolve_request_path(bad), None, "{bad}");
        }
    }
}
