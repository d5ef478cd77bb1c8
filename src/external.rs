//! `check --external`: fetches the `http(s)` links of the checked Markdown and reports the
//! broken ones (`external-broken`), the ones that moved for good (`external-redirect`) and
//! `#fragments` the fetched page lacks (`external-fragment`).
//!
//! Each distinct URL (fragment removed) is fetched once per run, by a fixed pool of threads
//! that keeps at most [`Options::per_host`] requests in flight per host. A request tries
//! `HEAD` first and falls back to `GET`; a link with a fragment needs the page, so `GET`.
//! Redirects are followed by hand so that a permanent one anywhere in the chain is seen.
//! Network errors, 429 and 5xx are retried with backoff. With a cache file, results younger
//! than the maximum age are reused, so repeated CI runs stay off the network.

use crate::diagnostics::{Diagnostic, Severity};
use crate::load::Doc;
use crate::markdown::DocLink;
use crate::markdown::raw_html;
use crate::model::Site;
use crate::validate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use url::Url;

/// A regular expression compiled once.
macro_rules! regex {
    ($pattern:literal) => {{
        static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
        RE.get_or_init(|| regex::Regex::new($pattern).expect("valid regex"))
    }};
}

/// The cache file's name, written in the checked folder.
pub const CACHE_FILE: &str = ".pathbook-linkcache.json";
const CACHE_VERSION: u32 = 1;
/// Redirects followed before a URL is reported as broken.
const MAX_HOPS: usize = 10;
/// Bytes of a page read to look for ids; ids further down are not seen.
const MAX_PAGE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Options {
    /// For each request (each attempt, each redirect hop), whole body included.
    pub timeout: Duration,
    /// Where to read and write results; `None` means no cache.
    pub cache_file: Option<PathBuf>,
    /// Cached results at least this old are fetched again.
    pub max_cache_age: Duration,
    /// Requests in flight at once, over all hosts.
    pub max_in_flight: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// Tries per request, the first included.
    pub attempts: u32,
    /// Wait before the first retry; doubled for each one after.
    pub backoff: Duration,
    /// Longest `Retry-After` honoured.
    pub retry_after_cap: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(10),
            cache_file: None,
            max_cache_age: Duration::from_secs(24 * 3600),
            max_in_flight: 16,
            per_host: 2,
            attempts: 3,
            backoff: Duration::from_millis(500),
            retry_after_cap: Duration::from_secs(10),
        }
    }
}

/// What a run did, for `--verbose`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// Links with an `http(s)` target that were checked.
    pub links: usize,
    /// Distinct URLs among them.
    pub urls: usize,
    /// URLs answered from the cache.
    pub cached: usize,
    /// URLs fetched over the network.
    pub fetched: usize,
    /// HTTP requests sent, retries and redirect hops included.
    pub requests: usize,
}

pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub stats: Stats,
    /// Problems with the cache file; the check itself still ran.
    pub warnings: Vec<String>,
}

/// Parses an age such as `30s`, `10m`, `2h` or `1d`.
pub fn parse_age(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not an age; write it like `30s`, `10m`, `2h` or `1d`"))?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => {
            return Err(format!(
                "`{text}` has no unit; write it like `30s`, `10m`, `2h` or `1d`"
            ));
        }
    };
    number
        .checked_mul(seconds)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("`{text}` is too long"))
}

/// One link to check: where it is written and the fragment it names.
struct Use<'a> {
    doc: &'a Doc,
    link: &'a DocLink,
    fragment: Option<String>,
}

/// What fetching a URL found. Stored in the cache (successes and permanent failures).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
enum Found {
    Ok {
        /// Set when a permanent redirect was followed: its status and where the chain ended.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        moved: Option<Moved>,
        page: Page,
    },
    Broken {
        /// The final status; `None` for a network failure.
        status: Option<u16>,
        reason: String,
        /// Where the redirects led, when the failure was not at the URL itself.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<String>,
        /// A 4xx that will not go away by asking again (not 408 or 429); only these are
        /// cached, so a flaky server is asked again next run.
        permanent: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Moved {
    status: u16,
    to: String,
}

/// What is known about the page's ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Page {
    /// Only the status was asked for (`HEAD`); fragments cannot be checked from this.
    Unread,
    /// Not HTML: fragments are not checked.
    NotHtml,
    /// Every `id` and `<a name>` in the page.
    Html { ids: BTreeSet<String> },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CacheEntry {
    /// Seconds since the Unix epoch.
    checked: u64,
    #[serde(flatten)]
    found: Found,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    urls: BTreeMap<String, CacheEntry>,
}

fn is_http(dest: &str) -> bool {
    let lower = dest
        .trim_start()
        .get(..8)
        .unwrap_or("")
        .to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Addresses that are placeholders in prose, never pages to fetch: `localhost`, `0.0.0.0`
/// and the names reserved for examples (RFC 2606, RFC 6761).
fn is_placeholder(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let under = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));
    host == "0.0.0.0"
        || ["localhost", "example", "test", "invalid"]
            .iter()
            .any(|d| under(d))
        || ["example.com", "example.net", "example.org"]
            .iter()
            .any(|d| under(d))
}

/// A fragment that names nothing to look for: empty, `#top`, or a text fragment.
fn fragment_to_check(fragment: Option<String>) -> Option<String> {
    fragment.filter(|f| !f.is_empty() && f != "top" && !f.starts_with(":~:"))
}

pub fn check(site: &Site, options: &Options) -> Outcome {
    let project = &site.project;
    let excludes = validate::exclude_patterns(&project.config);
    let mut stats = Stats::default();
    let mut warnings = Vec::new();
    let mut diagnostics = Vec::new();

    // Distinct URLs, each with every link that uses it.
    let mut targets: BTreeMap<String, Vec<Use>> = BTreeMap::new();
    for doc in project.docs.values() {
        for link in &doc.parsed.links {
            let dest = link.dest.trim();
            if !is_http(dest) || excludes.iter().any(|re| re.is_match(&link.dest)) {
                continue;
            }
            let (base, fragment) = match dest.split_once('#') {
                Some((base, fragment)) => (base, Some(crate::links::decode(fragment))),
                None => (dest, None),
            };
            let url = match Url::parse(base) {
                Ok(url) => url,
                Err(err) => {
                    let mut d = Diagnostic::file_level(
                        Severity::Error,
                        "external-broken",
                        &doc.source.display_path,
                        format!("`{base}` is not a valid URL: {err}"),
                    );
                    validate::point_at_link(doc, link, &mut d);
                    diagnostics.push(d);
                    stats.links += 1;
                    continue;
                }
            };
            if is_placeholder(&url) {
                continue;
            }
            stats.links += 1;
            targets.entry(url.to_string()).or_default().push(Use {
                doc,
                link,
                fragment: fragment_to_check(fragment),
            });
        }
    }
    stats.urls = targets.len();

    let now = unix_now();
    let mut cache = match &options.cache_file {
        Some(file) => read_cache(file, &mut warnings),
        None => CacheFile::default(),
    };
    let max_age = options.max_cache_age.as_secs();
    cache
        .urls
        .retain(|_, entry| now.saturating_sub(entry.checked) < max_age && entry.checked <= now);

    let mut results: HashMap<String, Found> = HashMap::new();
    let mut jobs = Vec::new();
    for (url, uses) in &targets {
        let wants_ids = uses.iter().any(|u| u.fragment.is_some());
        let cached = options
            .cache_file
            .as_ref()
            .and_then(|_| cache.urls.get(url))
            .filter(|entry| {
                !wants_ids
                    || !matches!(
                        entry.found,
                        Found::Ok {
                            page: Page::Unread,
                            ..
                        }
                    )
            });
        match cached {
            Some(entry) => {
                stats.cached += 1;
                results.insert(url.clone(), entry.found.clone());
            }
            None => jobs.push(Job {
                url: url.clone(),
                host: host_key(url),
                wants_ids,
            }),
        }
    }
    stats.fetched = jobs.len();

    if !jobs.is_empty() {
        let fetcher = Fetcher::new(options);
        let fetched = run_jobs(jobs, options, |job| {
            fetcher.check_url(&job.url, job.wants_ids)
        });
        stats.requests = fetcher.requests.into_inner().unwrap_or_default();
        for (url, found) in fetched {
            let cacheable = match &found {
                Found::Ok { .. } => true,
                Found::Broken { permanent, .. } => *permanent,
            };
            if cacheable {
                cache.urls.insert(
                    url.clone(),
                    CacheEntry {
                        checked: now,
                        found: found.clone(),
                    },
                );
            } else {
                cache.urls.remove(&url);
            }
            results.insert(url, found);
        }
    }

    if let Some(file) = &options.cache_file {
        cache.version = CACHE_VERSION;
        if let Err(err) = write_cache(file, &cache) {
            warnings.push(format!(
                "cannot save the link cache {}: {err}",
                file.display()
            ));
        }
    }

    for (url, uses) in &targets {
        let Some(found) = results.get(url) else {
            continue;
        };
        for one in uses {
            diagnostics.extend(findings(url, found, one));
        }
    }
    Outcome {
        diagnostics,
        stats,
        warnings,
    }
}

/// The findings for one link, given what its URL gave.
fn findings(url: &str, found: &Found, one: &Use) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut push = |severity, code, message: String, help: Option<String>| {
        let mut d = Diagnostic::file_level(severity, code, &one.doc.source.display_path, message);
        d.help = help;
        validate::point_at_link(one.doc, one.link, &mut d);
        out.push(d);
    };
    let shown = one
        .link
        .dest
        .trim()
        .split_once('#')
        .map_or(one.link.dest.trim(), |(base, _)| base);
    match found {
        Found::Broken {
            status,
            reason,
            at,
            permanent: _,
        } => {
            let via = at
                .as_deref()
                .map(|at| format!(" (redirected to `{at}`)"))
                .unwrap_or_default();
            let message = match status {
                Some(_) => format!("`{shown}` returned {reason}{via}"),
                None => format!("`{shown}` could not be fetched: {reason}{via}"),
            };
            let help = match status {
                Some(401 | 403 | 429) => Some(
                    "the site refuses automated requests; if the page opens in a browser, add a pattern to `[check] exclude` in book.toml".to_string(),
                ),
                Some(_) => None,
                None if reason.starts_with("timed out") => Some(
                    "raise `--timeout`, or add a pattern to `[check] exclude` in book.toml if the site is always slow".to_string(),
                ),
                None => None,
            };
            push(Severity::Error, "external-broken", message, help);
        }
        Found::Ok { moved, page } => {
            if let Some(moved) = moved {
                let fragment = one
                    .link
                    .dest
                    .trim()
                    .split_once('#')
                    .map(|(_, f)| format!("#{f}"))
                    .unwrap_or_default();
                let to = if fragment.is_empty() || moved.to.contains('#') {
                    moved.to.clone()
                } else {
                    format!("{}{fragment}", moved.to)
                };
                push(
                    Severity::Warning,
                    "external-redirect",
                    format!(
                        "`{shown}` redirects permanently ({}) to `{}`",
                        moved.status, moved.to
                    ),
                    Some(format!("update the link to `{to}`")),
                );
            }
            if let (Some(fragment), Page::Html { ids }) = (&one.fragment, page)
                && !has_id(ids, fragment, url)
            {
                let help = crate::suggest::closest(
                    fragment,
                    ids.iter()
                        .map(|id| id.strip_prefix("user-content-").unwrap_or(id)),
                )
                .map(|id| format!("did you mean `#{id}`?"));
                push(
                    Severity::Error,
                    "external-fragment",
                    format!("no id `#{fragment}` in the page at `{shown}`"),
                    help,
                );
            }
        }
    }
    out
}

/// Whether a page has the id a fragment names. GitHub prefixes the ids of rendered Markdown
/// with `user-content-` and resolves `#x` and line anchors (`#L10-L20`) with script.
fn has_id(ids: &BTreeSet<String>, fragment: &str, url: &str) -> bool {
    if ids.contains(fragment) {
        return true;
    }
    let github = Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .is_some_and(|h| h == "github.com" || h.ends_with(".github.com"));
    if github {
        return ids.contains(&format!("user-content-{fragment}"))
            || ids.contains(&format!("user-content-{}", fragment.to_lowercase()))
            || regex!(r"^L\d+(C\d+)?(-L\d+(C\d+)?)?$").is_match(fragment);
    }
    false
}

fn host_key(url: &str) -> String {
    Url::parse(url)
        .ok()
        .map(|u| {
            format!(
                "{}:{}",
                u.host_str().unwrap_or(""),
                u.port_or_known_default().unwrap_or(0)
            )
        })
        .unwrap_or_default()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn read_cache(file: &Path, warnings: &mut Vec<String>) -> CacheFile {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return CacheFile::default(),
        Err(err) => {
            warnings.push(format!(
                "cannot read the link cache {}: {err}; checking without it",
                file.display()
            ));
            return CacheFile::default();
        }
    };
    match serde_json::from_str::<CacheFile>(&text) {
        Ok(cache) if cache.version == CACHE_VERSION => cache,
        Ok(_) => CacheFile::default(),
        Err(err) => {
            warnings.push(format!(
                "the link cache {} is damaged ({err}); it will be rewritten",
                file.display()
            ));
            CacheFile::default()
        }
    }
}

/// Writes the cache next to its final name and renames it over, so a killed run never
/// leaves half a file.
fn write_cache(file: &Path, cache: &CacheFile) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(cache).map_err(std::io::Error::other)?;
    let temp = file.with_extension(format!("json.tmp{}", std::process::id()));
    std::fs::write(&temp, text + "\n")?;
    std::fs::rename(&temp, file).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

struct Job {
    url: String,
    host: String,
    wants_ids: bool,
}

struct Queue {
    pending: VecDeque<Job>,
    busy: HashMap<String, usize>,
    done: Vec<(String, Found)>,
}

/// Runs `work` on every job with at most `max_in_flight` at once and `per_host` per host.
fn run_jobs(
    jobs: Vec<Job>,
    options: &Options,
    work: impl Fn(&Job) -> Found + Sync,
) -> Vec<(String, Found)> {
    let threads = options.max_in_flight.max(1).min(jobs.len());
    let per_host = options.per_host.max(1);
    let state = Mutex::new(Queue {
        pending: jobs.into(),
        busy: HashMap::new(),
        done: Vec::new(),
    });
    let wake = Condvar::new();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut queue = state.lock().expect("queue lock");
                loop {
                    let free = queue
                        .pending
                        .iter()
                        .position(|job| queue.busy.get(&job.host).copied().unwrap_or(0) < per_host);
                    if let Some(index) = free {
                        let job = queue.pending.remove(index).expect("index in range");
                        *queue.busy.entry(job.host.clone()).or_default() += 1;
                        drop(queue);
                        let found = work(&job);
                        queue = state.lock().expect("queue lock");
                        if let Some(busy) = queue.busy.get_mut(&job.host) {
                            *busy -= 1;
                        }
                        queue.done.push((job.url, found));
                        wake.notify_all();
                    } else if queue.pending.is_empty() {
                        break;
                    } else {
                        queue = wake.wait(queue).expect("queue lock");
                    }
                }
            });
        }
    });
    state.into_inner().expect("queue lock").done
}

/// One answer, with what the caller needs from it.
struct Reply {
    status: u16,
    location: Option<String>,
    retry_after: Option<Duration>,
    page: Page,
}

enum Method {
    Head,
    Get { read_ids: bool },
}

struct Fetcher<'a> {
    agent: ureq::Agent,
    options: &'a Options,
    requests: Mutex<usize>,
}

impl<'a> Fetcher<'a> {
    fn new(options: &'a Options) -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(options.timeout))
            .user_agent(concat!(
                "pathbook/",
                env!("CARGO_PKG_VERSION"),
                " (link checker)"
            ))
            .accept("text/html,application/xhtml+xml,*/*;q=0.8")
            .build();
        Fetcher {
            agent: config.new_agent(),
            options,
            requests: Mutex::new(0),
        }
    }

    /// Follows `url` to its end: `HEAD` first unless ids are wanted, `GET` when the server
    /// refuses `HEAD`, redirects by hand.
    fn check_url(&self, url: &str, wants_ids: bool) -> Found {
        let Ok(start) = Url::parse(url) else {
            return broken(None, format!("`{url}` is not a valid URL"), None, false);
        };
        let mut current = start.clone();
        let mut get = wants_ids;
        let mut permanent = None;
        let mut hops = 0;
        let at = |current: &Url| (*current != start).then(|| current.to_string());
        loop {
            let method = if get {
                Method::Get {
                    read_ids: wants_ids,
                }
            } else {
                Method::Head
            };
            let reply = match self.with_retries(&current, &method) {
                Ok(reply) => reply,
                Err(reason) => return broken(None, reason, at(&current), false),
            };
            let status = reply.status;
            // Servers that do not implement HEAD answer 405 or 501, and many answer
            // some other 4xx; only GET tells.
            if !get && (status == 501 || ((400..500).contains(&status) && status != 429)) {
                get = true;
                continue;
            }
            if (300..400).contains(&status)
                && let Some(location) = &reply.location
            {
                if hops == MAX_HOPS {
                    return broken(
                        None,
                        format!("more than {MAX_HOPS} redirects"),
                        at(&current),
                        false,
                    );
                }
                let Ok(next) = current.join(location) else {
                    return broken(
                        None,
                        format!("redirect to an invalid address `{location}`"),
                        at(&current),
                        false,
                    );
                };
                if matches!(status, 301 | 308) && permanent.is_none() {
                    permanent = Some(status);
                }
                hops += 1;
                current = next;
                continue;
            }
            if status >= 400 {
                let permanent = (400..500).contains(&status) && !matches!(status, 408 | 429);
                return broken(
                    Some(status),
                    describe_status(status),
                    at(&current),
                    permanent,
                );
            }
            return Found::Ok {
                moved: permanent.map(|status| Moved {
                    status,
                    to: current.to_string(),
                }),
                page: reply.page,
            };
        }
    }

    /// One request, asked again after a network error, 429 or 5xx (but not 501): after
    /// `backoff`, then twice that, or after `Retry-After` when the server says.
    fn with_retries(&self, url: &Url, method: &Method) -> Result<Reply, String> {
        let attempts = self.options.attempts.max(1);
        let mut attempt = 1;
        loop {
            let delay_before_retry = self.options.backoff * 2u32.saturating_pow(attempt - 1);
            match self.request(url, method) {
                Ok(reply)
                    if attempt < attempts
                        && (reply.status == 429
                            || (reply.status >= 500 && reply.status != 501)) =>
                {
                    let delay = reply
                        .retry_after
                        .map_or(delay_before_retry, |d| d.min(self.options.retry_after_cap));
                    std::thread::sleep(delay);
                }
                Ok(reply) => return Ok(reply),
                Err(err) if attempt < attempts && retryable(&err) => {
                    std::thread::sleep(delay_before_retry);
                }
                Err(err) => {
                    let tries = if attempt > 1 {
                        format!(" ({attempt} attempts)")
                    } else {
                        String::new()
                    };
                    return Err(format!("{}{tries}", self.describe_error(&err)));
                }
            }
            attempt += 1;
        }
    }

    fn request(&self, url: &Url, method: &Method) -> Result<Reply, ureq::Error> {
        *self.requests.lock().expect("counter lock") += 1;
        let response = match method {
            Method::Head => self.agent.head(url.as_str()).call()?,
            Method::Get { .. } => self.agent.get(url.as_str()).call()?,
        };
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let location = header("location");
        let retry_after = header("retry-after").and_then(|v| parse_retry_after(&v));
        let content_type = header("content-type").map(|v| v.to_ascii_lowercase());
        let page = match method {
            Method::Get { read_ids: true } if (200..300).contains(&status) => {
                let mut bytes = Vec::new();
                response
                    .into_body()
                    .as_reader()
                    .take(MAX_PAGE_BYTES)
                    .read_to_end(&mut bytes)
                    .map_err(ureq::Error::from)?;
                let html = match &content_type {
                    Some(t) => t.contains("text/html") || t.contains("application/xhtml+xml"),
                    None => looks_like_html(&bytes),
                };
                if html {
                    Page::Html {
                        ids: ids_in(&String::from_utf8_lossy(&bytes)),
                    }
                } else {
                    Page::NotHtml
                }
            }
            _ => Page::Unread,
        };
        Ok(Reply {
            status,
            location,
            retry_after,
            page,
        })
    }

    fn describe_error(&self, err: &ureq::Error) -> String {
        match err {
            ureq::Error::Timeout(_) => {
                format!("timed out after {} s", self.options.timeout.as_secs_f64())
            }
            ureq::Error::HostNotFound => "host not found".into(),
            ureq::Error::ConnectionFailed => "connection failed".into(),
            ureq::Error::Io(io) => match io.kind() {
                std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
                std::io::ErrorKind::ConnectionReset => "connection reset".into(),
                std::io::ErrorKind::TimedOut => {
                    format!("timed out after {} s", self.options.timeout.as_secs_f64())
                }
                _ => io.to_string(),
            },
            other => other.to_string(),
        }
    }
}

fn broken(status: Option<u16>, reason: String, at: Option<String>, permanent: bool) -> Found {
    Found::Broken {
        status,
        reason,
        at,
        permanent,
    }
}

/// Network trouble may pass; a malformed address or a refused certificate will not.
fn retryable(err: &ureq::Error) -> bool {
    !matches!(
        err,
        ureq::Error::BadUri(_)
            | ureq::Error::Http(_)
            | ureq::Error::Tls(_)
            | ureq::Error::Rustls(_)
            | ureq::Error::Pem(_)
            | ureq::Error::RequireHttpsOnly(_)
            | ureq::Error::InvalidProxyUrl
    )
}

fn describe_status(status: u16) -> String {
    match http_reason(status) {
        Some(reason) => format!("HTTP {status} {reason}"),
        None => format!("HTTP {status}"),
    }
}

fn http_reason(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        410 => "Gone",
        429 => "Too Many Requests",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

/// `Retry-After` as seconds or as an HTTP date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let start = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let start = start.trim_start();
    start.starts_with("<!doctype html") || start.starts_with("<html")
}

/// Every `id` and `<a name>` in a fetched page, entities decoded. Pages that render on the
/// client often carry their HTML inside JSON, as `id=\"x\"`; those count too.
fn ids_in(html: &str) -> BTreeSet<String> {
    let mut ids: BTreeSet<String> = raw_html::attributes(html)
        .iter()
        .filter(|attr| raw_html::is_anchor(attr))
        // `id=\"x\"` reads as the unquoted value `\`; the JSON pass below handles it.
        .filter(|attr| !attr.value.is_empty() && !attr.value.starts_with('\\'))
        .map(|attr| raw_html::decode_entities(attr.value).into_owned())
        .collect();
    let escaped = regex!(r#"\b(?:id|name)=\\"([^"\\]+)\\""#);
    ids.extend(
        escaped
            .captures_iter(html)
            .map(|c| raw_html::decode_entities(&c[1]).into_owned()),
    );
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_take_a_unit() {
        assert_eq!(parse_age("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_age("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_age("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_age("1d"), Ok(Duration::from_secs(86400)));
        assert!(parse_age("10").is_err());
        assert!(parse_age("1w").is_err());
        assert!(parse_age("m").is_err());
    }

    #[test]
    fn ids_come_from_attributes_and_escaped_json() {
        let ids = ids_in(
            r#"<h2 id="intro">x</h2><a name="old&amp;new"></a><div data-id="no"></div>
<a id="no&nbsp;break"></a>
<script>{"html":"<h1 id=\"user-content-setup\">"}</script><!-- <p id="hidden"> -->"#,
        );
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        // `&nbsp;` decodes here as it does in the content's own raw HTML.
        assert_eq!(
            ids,
            ["intro", "no\u{a0}break", "old&new", "user-content-setup"]
        );
    }

    #[test]
    fn github_fragments_follow_githubs_rules() {
        let ids: BTreeSet<String> = ["user-content-setup".to_string()].into();
        let readme = "https://github.com/o/r/blob/main/README.md";
        assert!(has_id(&ids, "setup", readme));
        assert!(has_id(&ids, "L10-L20", readme));
        assert!(!has_id(&ids, "install", readme));
        assert!(!has_id(&ids, "setup", "https://docs.test/page"));
    }

    #[test]
    fn placeholders_are_not_fetched() {
        for url in [
            "http://localhost:8888/tree",
            "http://0.0.0.0:5000/",
            "https://api.example.com/v1",
            "https://my-app.test/",
        ] {
            assert!(is_placeholder(&Url::parse(url).unwrap()), "{url}");
        }
        for url in ["http://127.0.0.1:8000/", "https://docs.rs/ureq"] {
            assert!(!is_placeholder(&Url::parse(url).unwrap()), "{url}");
        }
    }

    #[test]
    fn jobs_run_in_parallel_within_the_per_host_limit() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let jobs: Vec<Job> = (0..24)
            .map(|i| Job {
                url: format!("http://h{}.test/{i}", i % 3),
                host: format!("h{}", i % 3),
                wants_ids: false,
            })
            .collect();
        let options = Options {
            max_in_flight: 5,
            per_host: 2,
            ..Options::default()
        };
        let now: Mutex<HashMap<String, usize>> = Mutex::default();
        let (peak_host, total, peak_total) = (
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
        );
        let done = run_jobs(jobs, &options, |job| {
            let in_host = {
                let mut now = now.lock().unwrap();
                let n = now.entry(job.host.clone()).or_default();
                *n += 1;
                *n
            };
            peak_host.fetch_max(in_host, Ordering::SeqCst);
            let in_all = total.fetch_add(1, Ordering::SeqCst) + 1;
            peak_total.fetch_max(in_all, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(30));
            total.fetch_sub(1, Ordering::SeqCst);
            *now.lock().unwrap().get_mut(&job.host).unwrap() -= 1;
            Found::Ok {
                moved: None,
                page: Page::Unread,
            }
        });
        assert_eq!(done.len(), 24);
        assert_eq!(peak_host.load(Ordering::SeqCst), 2);
        let peak_total = peak_total.load(Ordering::SeqCst);
        assert!((3..=5).contains(&peak_total), "{peak_total}");
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
