//! Measures how long it takes from saving a `corrections.yaml` to the rebuilt
//! page being served by `emend serve`, as a browser with the page open sees it:
//! save → `reload` event on the live-reload channel → `GET` returns the new page.
//!
//! ```sh
//! cargo build --release
//! cargo run --release --example reload_latency -- SITE_DIR [EDITS] [EMEND_BINARY]
//! ```
//!
//! The site is copied to a temporary folder first; the original is not touched.
//! Each edit rewrites the `why` of the first correction of the first article
//! (so the article page changes), then waits for the page to carry it.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

fn copy_site(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let first = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        if matches!(first.as_deref(), Some("public" | "target" | ".git")) {
            continue;
        }
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn summary(name: &str, mut v: Vec<f64>) {
    v.sort_by(f64::total_cmp);
    let pick = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name:<28} min {:>7.1} ms   median {:>7.1} ms   p90 {:>7.1} ms   max {:>7.1} ms   (n={})",
        pick(0.0),
        pick(0.5),
        pick(0.9),
        pick(1.0),
        v.len()
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let site = PathBuf::from(
        args.next()
            .expect("usage: reload_latency SITE_DIR [EDITS] [EMEND_BINARY]"),
    );
    let edits: usize = args
        .next()
        .map_or(20, |n| n.parse().expect("EDITS must be a number"));
    let binary = args.next().map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/emend"),
        PathBuf::from,
    );
    let binary = std::env::var_os("CARGO_TARGET_DIR")
        .filter(|_| !binary.exists())
        .map_or(binary, |t| PathBuf::from(t).join("release/emend"));

    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("site");
    copy_site(&site, &root);
    let mut articles: Vec<PathBuf> = std::fs::read_dir(root.join("content"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("corrections.yaml").is_file())
        .collect();
    articles.sort();
    let article = articles
        .first()
        .expect("no article with a corrections.yaml")
        .clone();
    let slug = article.file_name().unwrap().to_string_lossy().into_owned();
    let corrections = article.join("corrections.yaml");
    let original = std::fs::read_to_string(&corrections).unwrap();
    // Each edit rewrites the first entry's `why` in place (added if missing).
    let first = emend::yaml::YamlIndex::build(&original)
        .and_then(|i| i.root)
        .and_then(|r| r.items().first().cloned())
        .expect("corrections.yaml starts with an entry");
    let with_why = |why: &str| -> String {
        let quoted = serde_json::to_string(why).unwrap();
        match first.get("why") {
            Some(v) => format!(
                "{}{quoted}{}",
                &original[..v.span.start],
                &original[v.span.end..]
            ),
            None => {
                let line_end = original[first.span.start..]
                    .find('\n')
                    .map_or(original.len(), |i| first.span.start + i + 1);
                format!(
                    "{}  why: {quoted}\n{}",
                    &original[..line_end],
                    &original[line_end..]
                )
            }
        }
    };

    let mut child = Command::new(&binary)
        .current_dir(&root)
        .args(["serve", "--port", "0"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("no URL")
        .to_string();
    // The server's own figure for each rebuild, from its log.
    let (log_tx, log_rx) = channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(ms) = line
                .split(" in ")
                .nth(1)
                .and_then(|r| r.split(" ms").next())
            {
                let ms = ms.parse::<f64>().unwrap_or(f64::NAN);
                if line.contains("changed: rebuilt") {
                    let _ = log_tx.send((false, ms));
                } else if line.contains("updated the site pages") {
                    let _ = log_tx.send((true, ms));
                } else if line.starts_with("Built ") {
                    eprintln!("{line}");
                }
            }
        }
    });

    let events = ureq::get(format!("{url}__emend/events")).call().unwrap();
    let mut events = BufReader::new(events.into_body().into_reader());
    let mut next_event = || -> (String, String) {
        let (mut name, mut line) = (String::new(), String::new());
        loop {
            line.clear();
            events.read_line(&mut line).unwrap();
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.trim().to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                return (std::mem::take(&mut name), d.trim().to_string());
            }
        }
    };
    assert_eq!(next_event().0, "status");

    let page_url = format!("{url}{slug}/");
    let (mut end_to_end, mut to_event) = (Vec::new(), Vec::new());
    let (mut server, mut site_pages) = (Vec::new(), Vec::new());
    for i in 0..edits {
        let marker = format!("Measured edit {i}");
        let text = with_why(&marker);
        let saved = Instant::now();
        std::fs::write(&corrections, text).unwrap();
        loop {
            let (name, data) = next_event();
            if name == "reload" && data.contains(&format!("\"{slug}/index.html\"")) {
                break;
            }
        }
        to_event.push(millis(saved.elapsed()));
        let mut page = String::new();
        ureq::get(&page_url)
            .call()
            .unwrap()
            .into_body()
            .into_reader()
            .read_to_string(&mut page)
            .unwrap();
        assert!(page.contains(&marker), "edit {i} not on the page");
        end_to_end.push(millis(saved.elapsed()));
        // The article first, then the site pages: wait for both, so that the
        // next save does not queue behind the site pages.
        while let Ok((pages, ms)) = log_rx.recv_timeout(Duration::from_secs(30)) {
            if pages {
                site_pages.push(ms);
                break;
            }
            server.push(ms);
        }
        // Let the editor's "next save" come later than the debounce window.
        std::thread::sleep(Duration::from_millis(150));
    }
    let _ = child.kill();
    let _ = child.wait();

    println!(
        "site: {} ({} articles), edited: content/{slug}/corrections.yaml",
        site.display(),
        articles.len()
    );
    summary("server: article rebuilt (log)", server);
    summary("server: site pages (log)", site_pages);
    summary("save → reload event", to_event);
    summary("save → new page served", end_to_end);
}
