//! Reviewing suggestions in the browser (`emend serve`): the endpoint behind
//! the accept / edit / reject controls, driven over HTTP as the page's script
//! drives it, and what it refuses (another Host or Origin, no token, a file
//! changed since the page was rendered).

mod common;
#[path = "common/serve.rs"]
mod serve;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use common::*;
use serve::Server;

const PATIENCE: Duration = Duration::from_secs(60);

const STORY: &str = "Both sources mentioned the MP urged Beijing to act, in response to two nationwide safety sources.\nInternational Information reported that the Liberal Celebration was dealing with an uproar.\nAs mentioned above, the 2 officials spoke on the identical time.\n";

/// The editor's own file: a comment, one reviewed entry, no final newline.
const EXISTING: &str = "# Editor's corrections\n- find: \"on the identical time\"\n  replace: \"at the same time\"\n  kind: synonym\n  why: \"Spinner swap.\"";

/// Sends `request` as given; returns the status and the body.
fn raw(addr: SocketAddr, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(request).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    raw(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

/// A review request with these headers (Host first) and JSON body.
fn post(addr: SocketAddr, headers: &[(&str, &str)], body: &str) -> (u16, serde_json::Value) {
    let mut req = "POST /__emend/review HTTP/1.1\r\n".to_string();
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!(
        "Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    let (status, body) = raw(addr, req.as_bytes());
    (status, serde_json::from_str(&body).unwrap_or_default())
}

/// The review script's attributes on the article's page: (version, token).
fn review_attrs(page: &str) -> Option<(String, String)> {
    let tag = &page[page.find("/__emend/review.js")?..];
    let attr = |name: &str| {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        Some(tag[start..start + tag[start..].find('"')?].to_string())
    };
    Some((attr("data-version")?, attr("data-token")?))
}

/// The number (`data-c`) of the suggested change from `find`.
fn change_number(page: &str, find: &str) -> String {
    let doc = scraper::Html::parse_document(page);
    for li in doc.select(&sel(".changes li.sug")) {
        let del: String = li
            .select(&sel(".pair del"))
            .next()
            .map(|d| d.text().collect())
            .unwrap_or_default();
        if del == find {
            return li.value().attr("data-c").unwrap().to_string();
        }
    }
    panic!("no suggested change from {find:?}");
}

/// The page once it shows a version other than `old` (after a rebuild).
fn page_after(addr: SocketAddr, old: &str) -> (String, String, String) {
    let started = Instant::now();
    loop {
        let (status, page) = get(addr, "/story/");
        if status == 200
            && let Some((version, token)) = review_attrs(&page)
            && version != old
        {
            return (page, version, token);
        }
        assert!(started.elapsed() < PATIENCE, "the page was not rebuilt");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("site.yaml"),
        "title: Test\nbase_url: https://example.org/\n",
    )
    .unwrap();
    let d = dir.path().join("content/story");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("original.txt"), STORY).unwrap();
    std::fs::write(d.join("meta.yaml"), "title: \"Story\"\n").unwrap();
    std::fs::write(d.join("corrections.yaml"), EXISTING).unwrap();
    let ok = emend(dir.path())
        .args(["suggest", "story", "--write"])
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok);
    dir
}

#[test]
fn accept_edit_and_reject_write_only_what_they_must_and_refuse_strangers() {
    let dir = site();
    let path = dir.path().join("content/story/corrections.yaml");
    let server = Server::start(dir.path(), &["--quiet"]);
    let addr = server.addr();
    let host = format!("127.0.0.1:{}", server.port());
    let (status, page) = get(addr, "/story/");
    assert_eq!(status, 200);
    let (version, token) = review_attrs(&page).expect("no review script on the page");
    assert_eq!(token.len(), 32);
    let said = change_number(&page, "mentioned");
    let body = |n: &str, action: &str, version: &str| {
        format!(r#"{{"slug":"story","change":{n},"action":"{action}","version":"{version}"}}"#)
    };
    let before = std::fs::read(&path).unwrap();

    // Refused: no token, a wrong one, another Host (DNS rebinding), another
    // Origin (a page of another site), a version the files no longer have.
    let accept = body(&said, "accept", &version);
    for (headers, code) in [
        (vec![("Host", host.as_str())], 403),
        (
            vec![("Host", host.as_str()), ("X-Emend-Token", "0123")],
            403,
        ),
        (
            vec![
                ("Host", "attacker.example:80"),
                ("X-Emend-Token", token.as_str()),
            ],
            // Refused before any route, by the server's Host allowlist
            // (a plain-text 421 for every path, not the review's JSON).
            421,
        ),
        (
            vec![
                ("Host", host.as_str()),
                ("X-Emend-Token", token.as_str()),
                ("Origin", "http://attacker.example"),
            ],
            403,
        ),
    ] {
        let (status, reply) = post(addr, &headers, &accept);
        assert_eq!(status, code, "{headers:?}: {reply}");
        if code != 421 {
            assert_eq!(reply["ok"], false);
        }
    }
    let ours = [("Host", host.as_str()), ("X-Emend-Token", token.as_str())];
    let (status, reply) = post(addr, &ours, &body(&said, "accept", "0000"));
    assert_eq!(status, 409, "{reply}");
    assert!(
        reply["message"]
            .as_str()
            .unwrap()
            .starts_with("corrections.yaml or the original changed since this page was shown"),
        "{reply}"
    );
    let (status, _) = post(addr, &ours, &body("999", "accept", &version));
    assert_eq!(status, 404);
    let (status, _) = post(addr, &ours, &body(&said, "approve", &version));
    assert_eq!(status, 400);
    assert_eq!(std::fs::read(&path).unwrap(), before, "a refusal wrote");
    let (status, _) = get(addr, "/__emend/review");
    assert_eq!(status, 405);

    // Accept: exactly the entry's `status: suggested` line goes.
    let (status, reply) = post(addr, &ours, &accept);
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["message"], "accepted \"mentioned\" → \"said\"");
    let text = String::from_utf8(before.clone()).unwrap();
    let entry = text.find("- find: \"mentioned\"").unwrap();
    let line = entry + text[entry..].find("  status: suggested\n").unwrap();
    let expected = format!("{}{}", &text[..line], &text[line + 20..]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
    // The same request again is stale now.
    let (status, _) = post(addr, &ours, &accept);
    assert_eq!(status, 409);

    // Edit: only the `replace` value changes; it stays a suggestion.
    let (page, version, token) = page_after(addr, &version);
    let ours = [("Host", host.as_str()), ("X-Emend-Token", token.as_str())];
    let n = change_number(&page, "2");
    let edit = format!(
        r#"{{"slug":"story","change":{n},"action":"edit","replace":"two \"2\"","version":"{version}"}}"#
    );
    let (status, reply) = post(addr, &ours, &edit);
    assert_eq!(status, 200, "{reply}");
    let after_edit = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        after_edit,
        expected.replacen(
            "- find: \"2\"\n  replace: \"two\"",
            "- find: \"2\"\n  replace: \"two \\\"2\\\"\"",
            1
        )
    );

    // Reject: the entry goes, and the site's dictionary records the exception.
    let (page, version, token) = page_after(addr, &version);
    let ours = [("Host", host.as_str()), ("X-Emend-Token", token.as_str())];
    let n = change_number(&page, "Celebration");
    let (status, reply) = post(addr, &ours, &body(&n, "reject", &version));
    assert_eq!(status, 200, "{reply}");
    let after_reject = std::fs::read_to_string(&path).unwrap();
    assert!(!after_reject.contains("Celebration"), "{after_reject}");
    assert!(after_reject.starts_with(EXISTING));
    assert_eq!(
        after_reject.matches("- find:").count(),
        after_edit.matches("- find:").count() - 1
    );
    let dict = std::fs::read_to_string(dir.path().join("dictionary.yaml")).unwrap();
    assert!(
        dict.ends_with(
            "exceptions:\n  - find: \"Celebration\"\n    replace: \"Party\"\n    article: \"story\"\n"
        ),
        "{dict}"
    );
    drop(server);

    // Rejected means not suggested again; the edited file still builds.
    let out = emend(dir.path())
        .args(["suggest", "story"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Celebration"));
    build(dir.path());
    // Published pages have no controls and no token.
    let published = std::fs::read_to_string(dir.path().join("public/story/index.html")).unwrap();
    assert!(!published.contains("__emend"), "{published}");
    assert!(published.contains("class=\"k-"));
    // Nothing was left behind beside the files.
    let names: Vec<String> = std::fs::read_dir(dir.path().join("content/story"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains("emend-")), "{names:?}");
}

#[test]
fn pages_without_suggestions_and_site_pages_get_no_review_token() {
    let dir = site();
    let server = Server::start(dir.path(), &["--quiet"]);
    let (_, index) = get(server.addr(), "/");
    assert!(!index.contains("review.js"), "{index}");
    let (_, page) = get(server.addr(), "/story/");
    assert!(review_attrs(&page).is_some());
    // A page asked for under another name (DNS rebinding) gets no token.
    let (_, page) = raw(
        server.addr(),
        b"GET /story/ HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n",
    );
    assert!(!page.contains("review.js"), "{page}");
}
