//! The HTTP side of `emend serve` (axum on tokio): the site from memory, the
//! live-reload channel (server-sent events) and its script.
//!
//! Only files of the current [`Snapshot`] can be served: a request path is
//! decoded once and looked up by exact name, so nothing on disk is reachable
//! and paths with `.`/`..` segments, backslashes or NUL are refused outright.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use percent_encoding::percent_decode_str;
use serde::Serialize;
use tokio::sync::{broadcast, watch};

use super::live::{Rebuild, Snapshot};
use crate::diagnostics::{self, JsonDiagnostic};
use crate::text::escape_html;

/// URL prefix of the live-reload machinery; never a site path (slugs cannot start with `_`).
pub const PREFIX: &str = "/__emend/";

const LIVE_JS: &str = include_str!("live.js");
const REVIEW_JS: &str = include_str!("review.js");
const WAITING_HTML: &str = include_str!("waiting.html");

/// A message on the live-reload channel.
#[derive(Debug, Clone)]
pub struct LiveEvent {
    /// SSE event name: `reload` or `status`.
    pub name: &'static str,
    /// JSON data.
    pub data: String,
}

/// The state being served, with its status document.
pub struct Published {
    snapshot: Arc<Snapshot>,
    status: String,
}

/// What the HTTP handlers and the rebuild thread share.
pub struct Shared {
    current: RwLock<Arc<Published>>,
    events: broadcast::Sender<LiveEvent>,
    review: Option<Review>,
}

/// Review in the browser: the site it may write to and this session's secret.
pub struct Review {
    root: std::path::PathBuf,
    token: String,
}

/// `GET /__emend/status` and the `status` event: what the overlay shows.
#[derive(Serialize)]
struct Status<'a> {
    generation: u64,
    errors: Vec<OverlayError<'a>>,
    /// Errors beyond the first [`diagnostics::SHOWN_IN_FULL`], counted only.
    more_errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct OverlayError<'a> {
    #[serde(flatten)]
    diagnostic: JsonDiagnostic<'a>,
    /// The compiler-style text with snippet, as in the terminal (no colour).
    rendered: String,
}

/// The `reload` event: which served paths changed.
#[derive(Serialize)]
struct Reload<'a> {
    generation: u64,
    changed: &'a [String],
}

fn status_json(snapshot: &Snapshot) -> String {
    let status = Status {
        generation: snapshot.generation,
        more_errors: snapshot
            .errors
            .len()
            .saturating_sub(diagnostics::SHOWN_IN_FULL),
        errors: snapshot
            .errors
            .iter()
            .take(diagnostics::SHOWN_IN_FULL)
            .map(|d| OverlayError {
                diagnostic: JsonDiagnostic::new(d),
                rendered: diagnostics::render_human(std::slice::from_ref(d), false),
            })
            .collect(),
        warnings: snapshot.warnings,
    };
    serde_json::to_string(&status).unwrap_or_default()
}

impl Shared {
    /// Shares `snapshot` as the first state.
    pub fn new(snapshot: Arc<Snapshot>) -> Arc<Shared> {
        Self::build(snapshot, None)
    }

    /// Shares `snapshot`, and lets pages of suggested changes review them,
    /// writing to the site at `root` (see [`super::review`]).
    pub fn with_review(snapshot: Arc<Snapshot>, root: &std::path::Path) -> Arc<Shared> {
        let review = Review {
            root: root.to_path_buf(),
            token: super::review::session_token(),
        };
        Self::build(snapshot, Some(review))
    }

    fn build(snapshot: Arc<Snapshot>, review: Option<Review>) -> Arc<Shared> {
        let (events, _) = broadcast::channel(64);
        Arc::new(Shared {
            current: RwLock::new(Arc::new(Published {
                status: status_json(&snapshot),
                snapshot,
            })),
            events,
            review,
        })
    }

    fn current(&self) -> Arc<Published> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Serves the result of a rebuild and tells open pages about it.
    pub fn publish(&self, rebuild: &Rebuild) {
        let published = Arc::new(Published {
            status: status_json(&rebuild.snapshot),
            snapshot: rebuild.snapshot.clone(),
        });
        let status = published.status.clone();
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = published;
        // No receivers (no open page) is not an error.
        if !rebuild.changed.is_empty() {
            let reload = Reload {
                generation: rebuild.snapshot.generation,
                changed: &rebuild.changed,
            };
            let _ = self.events.send(LiveEvent {
                name: "reload",
                data: serde_json::to_string(&reload).unwrap_or_default(),
            });
        }
        let _ = self.events.send(LiveEvent {
            name: "status",
            data: status,
        });
    }
}

#[derive(Clone)]
struct AppState {
    shared: Arc<Shared>,
    shutdown: watch::Receiver<bool>,
}

/// The router: live-reload endpoints, then the site.
fn router(shared: Arc<Shared>, shutdown: watch::Receiver<bool>) -> Router {
    Router::new()
        .route("/__emend/live.js", get(live_js))
        .route("/__emend/events", get(events))
        .route("/__emend/status", get(status))
        .route("/__emend/review.js", get(review_js))
        .route("/__emend/review", axum::routing::post(review))
        .fallback(site_file)
        .with_state(AppState { shared, shutdown })
}

/// The budgets of the preview server: it serves one person's browser, so
/// these are far above real use and far below what exhausts the process.
#[derive(Debug, Clone, Copy)]
pub struct ServeLimits {
    /// Connections open at once (each page holds one for live reload); more
    /// are closed as soon as they are accepted, so the server never runs out
    /// of file descriptors (the usual limit is 1,024).
    pub max_connections: usize,
    /// Time a client has to send a request's headers (slowloris).
    pub header_timeout: Duration,
}

/// The limits `serve` runs with.
pub const LIMITS: ServeLimits = ServeLimits {
    max_connections: 256,
    header_timeout: Duration::from_secs(10),
};

/// Serves until `shutdown` becomes true; open event streams end then too.
/// Only requests whose `Host` names this machine's loopback or the bound
/// address are answered ([`host_allowed`]): a page on another site cannot
/// reach the preview through DNS rebinding.
pub async fn serve(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    shutdown: watch::Receiver<bool>,
    limits: ServeLimits,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;

    listener.set_nonblocking(true)?;
    let bound = listener.local_addr()?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let app = router(shared, shutdown.clone()).layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| async move {
            let host = request
                .headers()
                .get(header::HOST)
                .map(|h| h.to_str().unwrap_or("\u{fffd}").to_string());
            match host {
                Some(host) if !host_allowed(&host, bound) => refused_host(&host),
                _ => next.run(request).await,
            }
        },
    ));
    let permits = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let mut signal = shutdown.clone();
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                // Out of descriptors or a connection reset before accept: wait, go on.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = signal.wait_for(|stop| *stop) => return Ok(()),
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            // Over the limit: close at once rather than queue.
            drop(stream);
            continue;
        };
        // The review endpoints accept writes from this machine only.
        let service = TowerToHyperService::new(
            app.clone()
                .layer(axum::Extension(ConnectInfo::<SocketAddr>(peer))),
        );
        let mut stop = shutdown.clone();
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .serve_connection(TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                () = async { let _ = stop.wait_for(|stop| *stop).await; } => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
            drop(permit);
        });
    }
}

/// Whether a request's `Host` header names this server: `localhost` (or a
/// name under it), a loopback address, or the address it is bound to; when
/// bound to every interface (`--bind 0.0.0.0`), any address literal. Names
/// are refused: a rebound DNS name is how a web page would reach the preview.
pub fn host_allowed(host: &str, bound: std::net::SocketAddr) -> bool {
    let name = match host.strip_prefix('[') {
        // `[::1]:8000`
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                name
            } else {
                host
            }
        }),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    match name.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip == bound.ip() || bound.ip().is_unspecified(),
        Err(_) => false,
    }
}

fn refused_host(host: &str) -> Response {
    let shown: String = host.chars().filter(|c| !c.is_control()).take(100).collect();
    with_type(
        StatusCode::MISDIRECTED_REQUEST,
        "text/plain; charset=utf-8",
        format!(
            "421 Misdirected Request\nemend serve answers only requests for localhost or its own address, not `{shown}`.\n"
        )
        .into(),
    )
}

async fn live_js() -> Response {
    with_type(
        StatusCode::OK,
        "text/javascript; charset=utf-8",
        LIVE_JS.into(),
    )
}

async fn review_js() -> Response {
    with_type(
        StatusCode::OK,
        "text/javascript; charset=utf-8",
        REVIEW_JS.into(),
    )
}

/// The header a review request carries its session token in.
pub const TOKEN_HEADER: &str = "x-emend-token";

/// `POST /__emend/review`: accept, edit or reject a suggestion. Refused with
/// 403 unless the request comes from loopback, names a loopback `Host` (so a
/// page of another site cannot reach it through DNS rebinding) and carries
/// this session's token (which only pages served by this session hold); 409
/// when the files changed since the page was rendered.
async fn review(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let refuse = |status: StatusCode, message: &str| {
        with_type(
            status,
            "application/json",
            serde_json::json!({ "ok": false, "message": message })
                .to_string()
                .into(),
        )
    };
    let Some(review) = app.shared.review.as_ref() else {
        return refuse(StatusCode::NOT_FOUND, "review is not enabled");
    };
    if !peer.ip().is_loopback() {
        return refuse(
            StatusCode::FORBIDDEN,
            "review only from this machine (loopback)",
        );
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if !loopback_host(host) {
        return refuse(
            StatusCode::FORBIDDEN,
            "review only at a loopback address (Host)",
        );
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok())
        && !origin.strip_prefix("http://").is_some_and(loopback_host)
    {
        return refuse(
            StatusCode::FORBIDDEN,
            "review only from this site's pages (Origin)",
        );
    }
    let token = headers
        .get(TOKEN_HEADER)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if !constant_time_eq(token.as_bytes(), review.token.as_bytes()) {
        return refuse(
            StatusCode::FORBIDDEN,
            "missing or wrong session token: reload the page",
        );
    }
    let req: super::review::Request = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, &format!("bad request: {e}")),
    };
    let root = review.root.clone();
    let result = tokio::task::spawn_blocking(move || super::review::apply(&root, &req)).await;
    match result {
        Ok(Ok(message)) => with_type(
            StatusCode::OK,
            "application/json",
            serde_json::json!({ "ok": true, "message": message })
                .to_string()
                .into(),
        ),
        Ok(Err(refusal)) => refuse(
            StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            refusal.message(),
        ),
        Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "the review failed"),
    }
}

/// `127.0.0.1:1111`, `localhost:1111`, `[::1]:1111` (the port is optional).
pub fn loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((ip, tail)) if tail.is_empty() || tail.starts_with(':') => ip,
            _ => return false,
        },
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn status(State(app): State<AppState>) -> Response {
    let current = app.shared.current();
    with_type(
        StatusCode::OK,
        "application/json",
        current.status.clone().into(),
    )
}

async fn events(State(app): State<AppState>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    // Subscribe before reading the state, so no change can fall in between.
    let rx = app.shared.events.subscribe();
    let hello = LiveEvent {
        name: "status",
        data: app.shared.current().status.clone(),
    };
    let stream = futures_util::stream::unfold(
        (Some(hello), rx, app.shutdown, app.shared),
        |(first, mut rx, mut shutdown, shared)| async move {
            let event = match first {
                Some(hello) => hello,
                None => tokio::select! {
                    received = rx.recv() => match received {
                        Ok(event) => event,
                        // Fell behind: the current status says all that matters.
                        Err(broadcast::error::RecvError::Lagged(_)) => LiveEvent {
                            name: "status",
                            data: shared.current().status.clone(),
                        },
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                    _ = shutdown.wait_for(|stop| *stop) => return None,
                },
            };
            let sse = Event::default().event(event.name).data(event.data);
            Some((Ok(sse), (None, rx, shutdown, shared)))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

async fn site_file(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    // The review controls (and the token) only for pages asked for on loopback.
    let local = peer.ip().is_loopback()
        && headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .is_some_and(loopback_host);
    if method != Method::GET && method != Method::HEAD {
        let mut response = with_type(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain; charset=utf-8",
            "405 Method Not Allowed\n".into(),
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let current = app.shared.current();
    let snapshot = &current.snapshot;
    match resolve(uri.path(), |key| snapshot.get(key).is_some()) {
        Resolved::File(key) => match snapshot.get(&key) {
            Some(bytes) => {
                let mut response = page(StatusCode::OK, &key, bytes, snapshot);
                if let Some(review) = app.shared.review.as_ref().filter(|_| local)
                    && let Some(tag) = review_tag(&key, snapshot, &review.token)
                {
                    let html = inject_tag(&inject(bytes, &key, snapshot.generation), &tag);
                    response = with_type(StatusCode::OK, "text/html; charset=utf-8", html.into());
                }
                response
            }
            None => not_found(snapshot),
        },
        Resolved::Redirect(path) => {
            let location = match uri.query() {
                Some(q) => format!("{path}?{q}"),
                None => path,
            };
            let mut response = with_type(
                StatusCode::TEMPORARY_REDIRECT,
                "text/plain; charset=utf-8",
                Body::empty(),
            );
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Resolved::NotFound => not_found(snapshot),
    }
}

fn not_found(snapshot: &Snapshot) -> Response {
    match snapshot.get("404.html") {
        Some(bytes) => page(StatusCode::NOT_FOUND, "404.html", bytes, snapshot),
        // Nothing was ever built: say why, with the overlay.
        None if snapshot.is_empty() => page(
            StatusCode::SERVICE_UNAVAILABLE,
            "waiting.html",
            WAITING_HTML.as_bytes(),
            snapshot,
        ),
        None => with_type(
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            "404 Not Found\n".into(),
        ),
    }
}

/// A response for a site file, with the live-reload script added to HTML.
fn page(status: StatusCode, key: &str, bytes: &[u8], snapshot: &Snapshot) -> Response {
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    if mime.essence_str() == "text/html" {
        let html = inject(bytes, key, snapshot.generation);
        return with_type(status, "text/html; charset=utf-8", html.into());
    }
    let content_type = if mime.type_() == "text" || mime.essence_str() == "application/javascript" {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    };
    with_type(
        status,
        &content_type,
        Body::from(Bytes::copy_from_slice(bytes)),
    )
}

fn with_type(status: StatusCode, content_type: &str, body: Body) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    // A preview must never show a stale page.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The tag added to every served HTML page: `data-path` is the file served,
/// `data-generation` the state it came from.
pub fn script_tag(key: &str, generation: u64) -> String {
    format!(
        "<script src=\"{PREFIX}live.js\" data-path=\"{}\" data-generation=\"{generation}\"></script>",
        escape_html(key)
    )
}

/// The review script's tag for an article's page (`slug/index.html`) whose
/// version is known: it carries the article, the version and the token.
pub fn review_tag(key: &str, snapshot: &Snapshot, token: &str) -> Option<String> {
    let slug = key.strip_suffix("/index.html")?;
    if slug.contains('/') {
        return None;
    }
    let version = snapshot.versions.get(slug)?;
    Some(format!(
        "<script src=\"{PREFIX}review.js\" data-slug=\"{}\" data-version=\"{}\" data-token=\"{}\"></script>",
        escape_html(slug),
        escape_html(version),
        escape_html(token)
    ))
}

/// Adds the live-reload script before the last `</body>` (or at the end).
pub fn inject(html: &[u8], key: &str, generation: u64) -> Vec<u8> {
    inject_tag(html, &script_tag(key, generation))
}

/// Adds `tag` before the last `</body>` (or at the end).
fn inject_tag(html: &[u8], tag: &str) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// This site file.
    File(String),
    /// A folder asked for without its trailing slash: redirect here so
    /// relative links on its index page work.
    Redirect(String),
    /// Nothing (or something refused).
    NotFound,
}

/// Resolves the raw (still percent-encoded) request path against the site's
/// files. The path is decoded exactly once, so `%252e` stays a literal `%2e`
/// (and a segment that decodes to a traversal a second time is refused).
pub fn resolve(raw: &str, exists: impl Fn(&str) -> bool) -> Resolved {
    if raw.contains('\\') {
        return Resolved::NotFound;
    }
    let Ok(decoded) = percent_decode_str(raw).decode_utf8() else {
        return Resolved::NotFound;
    };
    let Some(path) = decoded.strip_prefix('/') else {
        return Resolved::NotFound;
    };
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len() - 1;
    for (i, segment) in segments.iter().enumerate() {
        let empty_inside = segment.is_empty() && i != last;
        // Nothing here decodes twice, but a segment that would turn into a
        // traversal if something did is refused anyway.
        let twice = percent_decode_str(segment).decode_utf8_lossy();
        if empty_inside
            || [*segment, twice.as_ref()]
                .iter()
                .any(|s| *s == "." || *s == ".." || s.contains(['\\', '/', '\0']))
        {
            return Resolved::NotFound;
        }
    }
    if path.is_empty() || path.ends_with('/') {
        let key = format!("{path}index.html");
        return if exists(&key) {
            Resolved::File(key)
        } else {
            Resolved::NotFound
        };
    }
    if exists(path) {
        Resolved::File(path.to_string())
    } else if exists(&format!("{path}/index.html")) {
        Resolved::Redirect(format!("{raw}/"))
    } else {
        Resolved::NotFound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(path: &str) -> bool {
        [
            "index.html",
            "alpha/index.html",
            "alpha/original.txt",
            "a b/x.css",
        ]
        .contains(&path)
    }

    #[test]
    fn resolves_files_folders_and_redirects() {
        let cases = [
            ("/", Resolved::File("index.html".into())),
            ("/alpha/", Resolved::File("alpha/index.html".into())),
            (
                "/alpha/original.txt",
                Resolved::File("alpha/original.txt".into()),
            ),
            ("/a%20b/x.css", Resolved::File("a b/x.css".into())),
            ("/alpha", Resolved::Redirect("/alpha/".into())),
            ("/beta/", Resolved::NotFound),
            ("/alpha//", Resolved::NotFound),
        ];
        for (raw, want) in cases {
            assert_eq!(resolve(raw, files), want, "{raw}");
        }
    }

    #[test]
    fn refuses_traversal_in_every_spelling() {
        for raw in [
            "/../index.html",
            "/alpha/../index.html",
            "/alpha/./index.html",
            "/%2e%2e/index.html",
            "/%2E%2E%2Findex.html",
            "/alpha/%2e%2e%2findex.html",
            "/%252e%252e/index.html",
            "/%252e%252e%252findex.html",
            "/..%5cindex.html",
            "/alpha\\..\\index.html",
            "/alpha%00/index.html",
            "/%ff/index.html",
        ] {
            assert_eq!(resolve(raw, |_| true), Resolved::NotFound, "{raw}");
        }
    }

    #[test]
    fn the_script_goes_before_the_last_body_end_tag() {
        let html = b"<html><body><p>x</p></BODY></html>";
        let out = String::from_utf8(inject(html, "a/index.html", 7)).unwrap();
        assert_eq!(
            out,
            "<html><body><p>x</p><script src=\"/__emend/live.js\" data-path=\"a/index.html\" \
             data-generation=\"7\"></script></BODY></html>"
        );
        let bare = String::from_utf8(inject(b"<p>\"x\"", "q\"s.html", 1)).unwrap();
        assert!(bare.ends_with("data-path=\"q&quot;s.html\" data-generation=\"1\"></script>"));
    }
}
