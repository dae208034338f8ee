//! `emend serve` end to end: the real binary on a free port in a temporary
//! fixture site, fetched with a small HTTP client, its reload channel read as
//! server-sent events. Waits are generous timeouts on events, never timings.

mod common;
#[path = "common/serve.rs"]
mod serve;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;
use serve::Server;

const PATIENCE: Duration = Duration::from_secs(60);

/// What the tests ask of a running server over HTTP.
trait Client {
    /// Status, content type and body of `GET path` (the `Location` for a redirect).
    fn get(&self, path: &str) -> (u16, String, String);
    /// The body of `GET path`, which must answer 200.
    fn text(&self, path: &str) -> String;
    /// Events of the live-reload channel as `(name, data)`.
    fn events(&self) -> Receiver<(String, Value)>;
}

impl Client for Server {
    /// Status, content type and body of `GET path`.
    fn get(&self, path: &str) -> (u16, String, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        let mut response = agent
            .get(format!("{}{}", self.url, path.trim_start_matches('/')))
            .call()
            .unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string());
        let body = response.body_mut().read_to_string().unwrap();
        (status, content_type, location.unwrap_or(body))
    }

    fn text(&self, path: &str) -> String {
        let (status, _, body) = self.get(path);
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// Events of the live-reload channel as `(name, data)`.
    fn events(&self) -> Receiver<(String, Value)> {
        let response = ureq::get(format!("{}__emend/events", self.url))
            .call()
            .unwrap();
        assert_eq!(
            response.headers().get("content-type").unwrap(),
            "text/event-stream"
        );
        let reader = BufReader::new(response.into_body().into_reader());
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut name = String::new();
            for line in reader.lines() {
                let Ok(line) = line else { break };
                if let Some(n) = line.strip_prefix("event: ") {
                    name = n.to_string();
                } else if let Some(data) = line.strip_prefix("data: ") {
                    let value = serde_json::from_str(data).unwrap();
                    if tx.send((std::mem::take(&mut name), value)).is_err() {
                        break;
                    }
                }
            }
        });
        rx
    }
}

/// Waits for the first event named `name` whose data satisfies `pred`.
fn wait_for(
    events: &Receiver<(String, Value)>,
    name: &str,
    pred: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok((n, data)) if n == name && pred(&data) => return data,
            Ok(_) => continue,
            Err(_) => panic!("no matching `{name}` event"),
        }
    }
}

/// A request written byte for byte, so no client can normalise the path.
fn raw_get(addr: &str, target: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {response:?}"));
    (status, response)
}

fn corrected_of(page: &str) -> String {
    let doc = scraper::Html::parse_document(page);
    all(&doc, ".grid .col.corr > .cell")
        .iter()
        .map(|c| text_without(*c, "sup.nref").trim().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn serves_pages_assets_and_a_404_from_memory() {
    let site = fixture("basic");
    let server = Server::start(site.path(), &[]);

    let (status, content_type, index) = server.get("/");
    assert_eq!(
        (status, content_type.as_str()),
        (200, "text/html; charset=utf-8")
    );
    let doc = scraper::Html::parse_document(&index);
    let titles: Vec<String> = all(&doc, ".article-list h2 a")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(
        titles,
        ["Alpha: a plain-text edition", "Beta: a Markdown edition"]
    );
    // The reload script is added, with the file served and its generation.
    let script = one(&doc, "script[src=\"/__emend/live.js\"]");
    assert_eq!(script.value().attr("data-path"), Some("index.html"));
    assert_eq!(script.value().attr("data-generation"), Some("1"));
    // Absolute URLs point at the server, not at the configured base_url.
    let canonical = one(&doc, "link[rel=canonical]");
    assert_eq!(canonical.value().attr("href"), Some(server.url.as_str()));

    let page = server.text("/alpha/");
    assert!(corrected_of(&page).starts_with("The MP said that the two sources told it."));

    let (status, content_type, original) = server.get("/alpha/original.txt");
    assert_eq!(
        (status, content_type.as_str()),
        (200, "text/plain; charset=utf-8")
    );
    assert_eq!(
        original.as_bytes(),
        std::fs::read(site.path().join("content/alpha/original.txt")).unwrap()
    );
    let (status, content_type, _) = server.get("/style.css");
    assert_eq!(
        (status, content_type.as_str()),
        (200, "text/css; charset=utf-8")
    );
    let (status, content_type, js) = server.get("/__emend/live.js");
    assert_eq!(
        (status, content_type.as_str()),
        (200, "text/javascript; charset=utf-8")
    );
    assert!(js.contains("new EventSource(\"/__emend/events\")"));

    // A folder without its slash redirects, so relative links keep working.
    assert_eq!(
        server.get("/alpha"),
        (307, "text/plain; charset=utf-8".into(), "/alpha/".into())
    );
    // Unknown paths get the site's 404 page, with the reload script.
    let (status, content_type, missing) = server.get("/no-such-article/");
    assert_eq!(
        (status, content_type.as_str()),
        (404, "text/html; charset=utf-8")
    );
    let doc = scraper::Html::parse_document(&missing);
    assert_eq!(
        one(&doc, "script[src=\"/__emend/live.js\"]")
            .value()
            .attr("data-path"),
        Some("404.html")
    );
    // Drafts stay out unless asked for.
    assert_eq!(server.get("/draft-one/").0, 404);

    // Serving never writes the output folder.
    assert!(!site.path().join("public").exists());
    drop(server);
    assert!(!site.path().join("public").exists());
}

/// emend turns transparent huge pages off for itself (main.rs): a first
/// touch of a huge page zeroes 2 MB, a third of an unchanged rebuild's CPU.
#[cfg(target_os = "linux")]
#[test]
fn the_process_runs_without_transparent_huge_pages() {
    let site = fixture("basic");
    let server = Server::start(site.path(), &[]);
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("THP_enabled:"))
        .expect("the kernel reports THP_enabled");
    assert_eq!(line.split_whitespace().nth(1), Some("0"), "{line}");
}

#[test]
fn path_traversal_is_refused_in_every_spelling() {
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("site");
    copy_dir(&repo().join("tests/fixtures/basic"), &root);
    std::fs::write(outer.path().join("secret.txt"), "TOP-SECRET").unwrap();
    let server = Server::start(&root, &[]);
    let addr = server.host_port();

    // The raw client itself works.
    let (status, body) = raw_get(&addr, "/alpha/original.txt");
    assert_eq!(status, 200);
    assert!(body.contains("The MP mentioned"));

    for target in [
        "/../secret.txt",
        "/../site.yaml",
        "/alpha/../../secret.txt",
        "/alpha/../index.html",
        "/%2e%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/alpha/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/%2E%2E/%2E%2E/secret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/..%5csecret.txt",
        "/alpha%5c..%5c..%5csecret.txt",
        "/..%2f..%2fsecret.txt",
        "/%c0%ae%c0%ae/secret.txt",
    ] {
        let (status, body) = raw_get(&addr, target);
        assert_eq!(status, 404, "{target}: {body}");
        assert!(
            !body.contains("TOP-SECRET") && !body.contains("base_url"),
            "{target}"
        );
    }
    // A literal backslash is not even valid in a request target: refused before routing.
    for target in ["/..\\secret.txt", "/alpha\\..\\..\\secret.txt"] {
        let (status, body) = raw_get(&addr, target);
        assert!(status == 400 || status == 404, "{target}: {status}");
        assert!(!body.contains("TOP-SECRET"), "{target}");
    }
}

#[test]
fn an_edit_reloads_and_a_mistake_shows_then_clears_the_overlay() {
    let site = fixture("basic");
    let corrections = site.path().join("content/alpha/corrections.yaml");
    let good = std::fs::read_to_string(&corrections).unwrap();
    let server = Server::start(site.path(), &[]);
    let events = server.events();
    let hello = wait_for(&events, "status", |_| true);
    assert_eq!(hello["errors"], Value::Array(vec![]));
    let generation = hello["generation"].as_u64().unwrap();

    // 1. An edit: the reload events name exactly the pages that changed,
    //    the article's own first, then the site-wide ones.
    let edited = good.replace("replace: two", "replace: a pair of");
    std::fs::write(&corrections, &edited).unwrap();
    let reload = wait_for(&events, "reload", |d| {
        d["changed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "alpha/index.html")
    });
    assert!(reload["generation"].as_u64().unwrap() > generation);
    assert_eq!(
        reload["changed"],
        serde_json::json!([
            "alpha/annotations.jsonld",
            "alpha/corrected.txt",
            "alpha/corrected/index.html",
            "alpha/edition.json",
            "alpha/index.html",
            "alpha/tei.xml",
            "search/d/alpha.js",
        ])
    );
    let site_pages = wait_for(&events, "reload", |_| true);
    assert_eq!(
        site_pages["generation"].as_u64().unwrap(),
        reload["generation"].as_u64().unwrap() + 1
    );
    assert_eq!(
        site_pages["changed"],
        serde_json::json!(["glossary/index.html", "search/t/0.js"])
    );
    let page = server.text("/alpha/");
    assert!(
        corrected_of(&page).starts_with("The MP said that the a pair of sources told it."),
        "{}",
        corrected_of(&page)
    );
    assert!(
        server
            .text("/alpha/corrected.txt")
            .contains("a pair of sources")
    );

    // 2. A `find` that no longer matches: the overlay data names file, line and
    //    message, and the last good page is still served.
    std::fs::write(
        &corrections,
        edited.replacen("find: mentioned", "find: mentoined", 1),
    )
    .unwrap();
    let status = wait_for(&events, "status", |d| {
        !d["errors"].as_array().unwrap().is_empty()
    });
    let errors = status["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{status:#}");
    let e = &errors[0];
    assert_eq!(e["file"], "content/alpha/corrections.yaml");
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        (Some(2), Some(9))
    );
    assert_eq!(e["severity"], "error");
    assert_eq!(e["code"], "find-not-found");
    assert_eq!(
        e["message"],
        "`find` text \"mentoined\" does not occur in the original"
    );
    assert_eq!(e["help"], "did you mean \"mentioned\" (line 1, column 8)?");
    assert!(
        e["rendered"]
            .as_str()
            .unwrap()
            .contains("2 │ - find: mentoined\n  │         ^^^^^^^^^ not found")
    );
    assert!(corrected_of(&server.text("/alpha/")).contains("a pair of sources"));
    let (_, _, polled) = server.get("/__emend/status");
    let polled: Value = serde_json::from_str(&polled).unwrap();
    assert_eq!(polled["errors"][0]["code"], "find-not-found");
    // The terminal says it too.
    let deadline = Instant::now() + PATIENCE;
    while !server
        .stderr()
        .contains("the last good version stays served")
    {
        assert!(Instant::now() < deadline, "{}", server.stderr());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(server.stderr().contains("error[find-not-found]"));

    // 3. Broken YAML: a different error, same last good page.
    std::fs::write(&corrections, "- find: \"mentioned\n  replace: said\n").unwrap();
    let status = wait_for(&events, "status", |d| {
        d["errors"][0]["code"] == "yaml-syntax"
    });
    assert_eq!(
        status["errors"][0]["file"],
        "content/alpha/corrections.yaml"
    );
    // At the quote that never closes (issue 19: it was the next line).
    assert_eq!(status["errors"][0]["line"], 1);
    assert_eq!(status["errors"][0]["column"], 9);
    assert!(corrected_of(&server.text("/alpha/")).contains("a pair of sources"));

    // 4. Fixed: the overlay clears and the page follows the file again.
    std::fs::write(&corrections, &good).unwrap();
    wait_for(&events, "status", |d| {
        d["errors"].as_array().unwrap().is_empty()
    });
    assert!(corrected_of(&server.text("/alpha/")).contains("the two sources"));
    let (_, _, polled) = server.get("/__emend/status");
    assert_eq!(
        serde_json::from_str::<Value>(&polled).unwrap()["errors"],
        serde_json::json!([])
    );
    let deadline = Instant::now() + PATIENCE;
    while !server.stderr().contains("All errors fixed.") {
        assert!(Instant::now() < deadline, "{}", server.stderr());
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn editors_atomic_saves_and_new_articles_are_picked_up() {
    let site = fixture("basic");
    let server = Server::start(site.path(), &[]);
    let events = server.events();
    wait_for(&events, "status", |_| true);

    // vim-style save: write a scratch file, rename it over the original.
    let meta = site.path().join("content/beta/meta.yaml");
    let scratch = site.path().join("content/beta/.meta.yaml.swp");
    let text = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(
        &scratch,
        text.replace("Beta: a Markdown edition", "Beta, renamed"),
    )
    .unwrap();
    std::fs::rename(&scratch, &meta).unwrap();
    wait_for(&events, "reload", |d| {
        d["changed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "beta/index.html")
    });
    // The index lists the new title once the site pages follow.
    let reload = wait_for(&events, "reload", |_| true);
    assert!(
        reload["changed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "index.html")
    );
    let doc = scraper::Html::parse_document(&server.text("/"));
    let titles: Vec<String> = all(&doc, ".article-list h2 a")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    assert!(titles.contains(&"Beta, renamed".to_string()), "{titles:?}");

    // `emend new` while serving: the article appears.
    let from = site.path().join("incoming.txt");
    std::fs::write(&from, "Gamma mentioned it.\n").unwrap();
    emend(site.path())
        .args(["new", "gamma", "--title", "Gamma", "--from"])
        .arg(&from)
        .assert()
        .success();
    wait_for(&events, "reload", |d| {
        d["changed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "gamma/index.html")
    });
    assert_eq!(server.text("/gamma/original.txt"), "Gamma mentioned it.\n");
    wait_for(&events, "reload", |d| {
        d["changed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "index.html")
    });
    assert!(server.text("/").contains("gamma/index.html"));
}

#[test]
fn a_taken_port_is_reported_and_the_next_free_one_used() {
    let site = fixture("basic");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("emend"))
        .current_dir(site.path())
        .args(["serve", "--port", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _ = child.kill();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let _ = child.wait();
    assert!(
        stderr.contains(&format!("port {port} is in use; trying {}", port + 1)),
        "{stderr}"
    );
    assert!(
        line.starts_with("Serving “Fixture Editions” at http://127.0.0.1:"),
        "{line}"
    );
    assert!(!line.contains(&format!(":{port}/")), "{line}");
}

#[test]
fn outside_a_site_serve_says_what_is_missing() {
    let empty = tempfile::tempdir().unwrap();
    let out = emend(empty.path())
        .args(["serve", "--port", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error[no-site]: no site.yaml in the current folder"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let site = fixture("basic");
    let mut server = Server::start(site.path(), &[]);
    let events = server.events();
    wait_for(&events, "status", |_| true);
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running after Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    // The open event stream has ended.
    loop {
        match events.recv_timeout(PATIENCE) {
            Ok(_) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => panic!("event stream still open"),
        }
    }
    let deadline = Instant::now() + PATIENCE;
    while !server.stderr().contains("Stopped.") {
        assert!(Instant::now() < deadline, "{}", server.stderr());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn open_starts_the_browser_with_the_url() {
    use std::os::unix::fs::PermissionsExt;
    let site = fixture("basic");
    let tools = tempfile::tempdir().unwrap();
    let opened = tools.path().join("opened.txt");
    let browser = tools.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    let server = Server::start_with(
        site.path(),
        &["--open"],
        &[("BROWSER", browser.to_str().unwrap())],
    );
    let deadline = Instant::now() + PATIENCE;
    while std::fs::read_to_string(&opened).map_or(true, |s| s.is_empty()) {
        assert!(Instant::now() < deadline, "browser not started");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(std::fs::read_to_string(&opened).unwrap(), server.url);
}

/// `$BROWSER` is a command line: a program with arguments (quoted as in a
/// shell), and `%s` where the address goes.
#[cfg(unix)]
#[test]
fn open_runs_browser_with_its_arguments() {
    use std::os::unix::fs::PermissionsExt;
    let site = fixture("basic");
    let tools = tempfile::tempdir().unwrap();
    let opened = tools.path().join("opened.txt");
    let browser = tools.path().join("my browser.sh");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]' \"$a\"; done > '{0}.tmp' && mv '{0}.tmp' '{0}'\n",
            opened.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    let command = format!(
        "'{}' --new-window --profile \"two words\" --app=%s",
        browser.display()
    );
    let server = Server::start_with(site.path(), &["--open"], &[("BROWSER", &command)]);
    let deadline = Instant::now() + PATIENCE;
    while std::fs::read_to_string(&opened).map_or(true, |s| s.is_empty()) {
        assert!(Instant::now() < deadline, "browser not started");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        std::fs::read_to_string(&opened).unwrap(),
        format!("[--new-window][--profile][two words][--app={}]", server.url)
    );
}

#[test]
fn build_output_never_contains_the_reload_script() {
    let site = fixture("basic");
    build(site.path());
    let files = snapshot_dir(&site.path().join("public"));
    assert!(files.iter().any(|(p, _)| p.ends_with("index.html")));
    for (path, bytes) in files {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("__emend") && !text.contains("EventSource"),
            "{path} contains the live-reload script"
        );
    }
}

#[test]
fn a_broken_site_yaml_at_start_serves_the_errors_until_fixed() {
    let site = fixture("basic");
    let config = site.path().join("site.yaml");
    let good = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, good.replace("description:", "descripton:")).unwrap();
    let server = Server::start(site.path(), &[]);
    let events = server.events();
    let hello = wait_for(&events, "status", |_| true);
    assert_eq!(hello["errors"][0]["code"], "unknown-key");
    assert_eq!(hello["errors"][0]["file"], "site.yaml");
    assert_eq!(hello["errors"][0]["line"], 2);
    assert_eq!(hello["errors"][0]["help"], "did you mean `description`?");
    // Nothing has built yet: every page explains, with the overlay script.
    let (status, _, body) = server.get("/alpha/");
    assert_eq!(status, 503);
    let doc = scraper::Html::parse_document(&body);
    assert_eq!(
        one(&doc, "h1").text().collect::<String>(),
        "No good build yet"
    );
    one(&doc, "script[src=\"/__emend/live.js\"]");

    std::fs::write(&config, &good).unwrap();
    wait_for(&events, "status", |d| {
        d["errors"].as_array().unwrap().is_empty()
    });
    assert!(corrected_of(&server.text("/alpha/")).starts_with("The MP said"));

    // A templates/ folder created while serving is watched, and rebuilds everything.
    std::fs::create_dir(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/404.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>Custom 404</h1>{% endblock content %}",
    )
    .unwrap();
    wait_for(&events, "reload", |d| {
        d["changed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "404.html")
    });
    let (status, _, body) = server.get("/missing/");
    assert_eq!(status, 404);
    let doc = scraper::Html::parse_document(&body);
    assert_eq!(one(&doc, "h1").text().collect::<String>(), "Custom 404");
}
