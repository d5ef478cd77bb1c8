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
        .layer(axum::middleware::from_fn(only_local_hosts))
        .with_state(shared)
}

/// How long a client may take to send its request line and headers: a slowloris that
/// opens hundreds of connections and sends a byte now and then is cut off after this.
const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Serves `app` on `listener` until `shutdown` completes. Like `axum::serve`, with a
/// limit on the time to receive a request's headers, which `axum::serve` does not set.
pub async fn run(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, or a connection reset before it was taken:
                // the next one may well succeed.
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    continue;
                }
            },
            () = &mut shutdown => return Ok(()),
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Answers only requests addressed to this machine by name or by IP address. A web page
/// on another site can make its own domain resolve to 127.0.0.1 (DNS rebinding) and then
/// read the preview as same-origin; its requests still carry its own domain as `Host`.
async fn only_local_hosts(request: Request<Body>, next: axum::middleware::Next) -> Response<Body> {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if is_local_host(host) {
        next.run(request).await
    } else {
        respond(
            StatusCode::FORBIDDEN,
            "text/plain; charset=utf-8",
            b"pathbook serve answers only requests for localhost or an IP address\n".to_vec(),
        )
    }
}

/// `localhost`, a name under `.localhost`, or an IP address, with or without a port.
fn is_local_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        // `[::1]:3000`
        return rest
            .split(']')
            .next()
            .is_some_and(|ip| ip.parse::<std::net::Ipv6Addr>().is_ok());
    } else {
        host.rsplit_once(':')
            .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
            .map_or(host, |(name, _)| name)
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<std::net::Ipv4Addr>().is_ok()
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
    fn only_local_names_and_addresses_are_served() {
        for host in [
            "localhost",
            "localhost:3000",
            "127.0.0.1:3000",
            "192.168.1.20",
            "[::1]:3000",
            "app.localhost:80",
        ] {
            assert!(super::is_local_host(host), "{host}");
        }
        for host in [
            "",
            "evil.example",
            "evil.example:3000",
            "localhost.evil.example",
            "[evil]",
        ] {
            assert!(!super::is_local_host(host), "{host}");
        }
    }

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
