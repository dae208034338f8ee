//! `emend serve` as a stranger on the network or a hostile link would meet it:
//! where it listens, and that no request reaches a file outside the site it
//! built. Requests are written byte for byte on a `TcpStream`, so no client
//! normalises `..`, percent escapes, backslashes or NUL bytes on the way.

mod common;
#[path = "common/serve.rs"]
mod serve;

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream, UdpSocket};
use std::process::Command;
use std::time::Duration;

use common::*;
use serve::Server;

const PATIENCE: Duration = Duration::from_secs(60);

/// Markers of the files that must never be served.
const SECRETS: &[&str] = &[
    "SECRET-BESIDE-THE-SITE",
    "SECRET-BESIDE-THE-OUTPUT",
    "SECRET-LEFT-IN-THE-OUTPUT",
];

/// Sends `request` exactly as given and reads the whole answer: the status
/// (`None` if the server closed the connection without one) and the bytes.
fn raw(addr: SocketAddr, request: &[u8]) -> (Option<u16>, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(request).unwrap();
    let mut response = Vec::new();
    // A reset after an error answer is fine: what was read is what was sent.
    let _ = stream.read_to_end(&mut response);
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .strip_prefix("HTTP/1.1 ")
        .and_then(|r| r.get(..3))
        .and_then(|s| s.parse().ok());
    (status, response)
}

/// `GET target` with a `Host` header, the target written byte for byte.
fn get(addr: SocketAddr, target: &[u8]) -> (Option<u16>, String) {
    let mut request = b"GET ".to_vec();
    request.extend_from_slice(target);
    request.extend_from_slice(
        format!(" HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    raw(addr, &request)
}

/// The local addresses of the sockets listening on `port` (Linux: from
/// `/proc/net/tcp` and `/proc/net/tcp6`, as the kernel sees them).
fn listening_addresses(port: u16) -> Vec<IpAddr> {
    let mut found = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // fields[1] = local "ADDR:PORT" in hex, fields[3] = state (0A = LISTEN)
            let (Some(local), Some(&"0A")) = (fields.get(1), fields.get(3)) else {
                continue;
            };
            let Some((hex_addr, hex_port)) = local.split_once(':') else {
                continue;
            };
            if u16::from_str_radix(hex_port, 16) != Ok(port) {
                continue;
            }
            found.push(parse_proc_addr(hex_addr));
        }
    }
    found
}

/// An address as `/proc/net/tcp*` writes it: 32-bit words in host byte order.
fn parse_proc_addr(hex: &str) -> IpAddr {
    let words: Vec<u32> = (0..hex.len() / 8)
        .map(|i| u32::from_str_radix(&hex[i * 8..i * 8 + 8], 16).unwrap())
        .collect();
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_ne_bytes()).collect();
    match bytes.len() {
        4 => IpAddr::from(<[u8; 4]>::try_from(bytes).unwrap()),
        _ => IpAddr::from(<[u8; 16]>::try_from(bytes).unwrap()),
    }
}

/// This machine's address on its way out to the network, if it has one that
/// is not loopback (no packet is sent: a UDP `connect` only picks a route).
fn outward_address() -> Option<IpAddr> {
    let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).ok()?;
    socket.connect(("192.0.2.1", 9)).ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

fn reachable(ip: IpAddr, port: u16) -> bool {
    TcpStream::connect_timeout(&SocketAddr::new(ip, port), Duration::from_secs(5)).is_ok()
}

#[test]
fn serve_listens_on_loopback_only_unless_told_otherwise() {
    let site = fixture("basic");
    let server = Server::start(site.path(), &["--quiet"]);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "printed {}",
        server.url
    );
    let port = server.port();
    let (status, _) = get(server.addr(), b"/");
    assert_eq!(status, Some(200), "served on the printed address");
    if cfg!(target_os = "linux") {
        assert_eq!(
            listening_addresses(port),
            [IpAddr::from(Ipv4Addr::LOCALHOST)],
            "the only listening socket on port {port}"
        );
    }

    // The check can fail: asked to, serve listens everywhere.
    let open = Server::start(site.path(), &["--quiet", "--bind", "0.0.0.0"]);
    let port = open.port();
    if cfg!(target_os = "linux") {
        assert_eq!(
            listening_addresses(port),
            [IpAddr::from(Ipv4Addr::UNSPECIFIED)]
        );
    }
}

#[test]
#[cfg_attr(
    not(has_outward_address),
    ignore = "needs a network address other than loopback"
)]
fn serve_is_unreachable_from_the_network_unless_told_otherwise() {
    let site = fixture("basic");
    let ip = outward_address().expect("a non-loopback address when the tests were built");
    let server = Server::start(site.path(), &["--quiet"]);
    let port = server.port();
    assert!(!reachable(ip, port), "reachable at {ip}:{port}");
    // The check can fail: asked to, serve is reachable from the network.
    let open = Server::start(site.path(), &["--quiet", "--bind", "0.0.0.0"]);
    let port = open.port();
    assert!(
        reachable(ip, port),
        "--bind 0.0.0.0 not reachable at {ip}:{port}"
    );
}

/// A site next to a secret, built once (so `public/` exists), with a secret
/// beside the output folder and a stale file inside it.
fn site_among_secrets() -> (tempfile::TempDir, std::path::PathBuf) {
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("site");
    copy_dir(&repo().join("tests/fixtures/basic"), &root);
    build(&root);
    assert!(root.join("public/index.html").is_file());
    std::fs::write(outer.path().join("secret.txt"), SECRETS[0]).unwrap();
    std::fs::write(root.join("secret.txt"), SECRETS[1]).unwrap();
    std::fs::write(root.join("public/stale.txt"), SECRETS[2]).unwrap();
    (outer, root)
}

fn assert_refused(addr: SocketAddr, target: &[u8], statuses: &[u16]) {
    let shown = String::from_utf8_lossy(target);
    let (status, response) = get(addr, target);
    assert!(
        status.is_some_and(|s| statuses.contains(&s)),
        "{shown:?}: status {status:?}, expected one of {statuses:?}\n{response}"
    );
    for secret in SECRETS {
        assert!(!response.contains(secret), "{shown:?} returned {secret}");
    }
    assert!(
        !response.contains("root:x:0:0") && !response.contains("base_url"),
        "{shown:?} returned a system or source file:\n{response}"
    );
}

#[test]
fn no_request_path_reaches_a_file_outside_the_built_site() {
    let (outer, root) = site_among_secrets();
    let server = Server::start(&root, &["--quiet"]);
    let addr = server.addr();

    // The raw client and the server's decoding work: an escaped letter is
    // decoded once and the file served, so the refusals below are refusals.
    let (status, body) = get(addr, b"/alpha/%6friginal.txt");
    assert_eq!(status, Some(200), "{body}");
    assert!(body.contains("The MP mentioned"), "{body}");

    let outside = outer.path().join("secret.txt");
    let outside = outside.to_str().unwrap();
    let absolute_form = format!("http://{addr}/../secret.txt");
    let absolute_form_escaped = format!("http://{addr}/%2e%2e/%2e%2e/secret.txt");
    let escaped_absolute = format!("/{}", outside.replace('/', "%2f"));
    let doubled_absolute = format!("/{outside}");
    let targets: Vec<&[u8]> = vec![
        // Raw `..` segments.
        b"/../secret.txt",
        b"/../../secret.txt",
        b"/alpha/../../secret.txt",
        b"/../site/secret.txt",
        b"/alpha/../secret.txt",
        b"/./secret.txt",
        // Percent-encoded dots and slashes, in either case.
        b"/%2e%2e%2fsecret.txt",
        b"/%2e%2e/secret.txt",
        b"/%2E%2E%2F%2E%2E%2Fsecret.txt",
        b"/alpha/%2e%2e%2f%2e%2e%2fsecret.txt",
        b"/.%2e/secret.txt",
        b"/%2e./secret.txt",
        b"/..%2fsecret.txt",
        // Double-encoded: decoded once, these are literal `%2e` names.
        b"/%252e%252e%252fsecret.txt",
        b"/%252e%252e/secret.txt",
        b"/alpha/%252e%252e%252f%252e%252e%252fsecret.txt",
        // Overlong UTF-8 dots and slash (invalid UTF-8 after decoding).
        b"/%c0%ae%c0%ae/secret.txt",
        b"/%c0%ae%c0%ae%c0%afsecret.txt",
        // Encoded backslashes.
        b"/..%5csecret.txt",
        b"/%5c..%5csecret.txt",
        b"/alpha%5c..%5c..%5csecret.txt",
        b"/C:%5csecret.txt",
        // Absolute paths, plain, doubled and encoded.
        outside.as_bytes(),
        doubled_absolute.as_bytes(),
        escaped_absolute.as_bytes(),
        b"/etc/passwd",
        b"//etc/passwd",
        b"/%2fetc%2fpasswd",
        // NUL bytes, encoded.
        b"/secret.txt%00",
        b"/%00/../secret.txt",
        b"/alpha/original.txt%00.html",
        // Files of the site that are not part of what was built, and a file
        // left in the output folder that this build did not make.
        b"/secret.txt",
        b"/site.yaml",
        b"/content/alpha/meta.yaml",
        b"/content/alpha/corrections.yaml",
        b"/public/index.html",
        b"/stale.txt",
        // The absolute form of a request target (RFC 9112, 3.2.2).
        absolute_form.as_bytes(),
        absolute_form_escaped.as_bytes(),
    ];
    for target in targets {
        assert_refused(addr, target, &[404]);
    }

    // Bytes no request target may contain: refused before any routing.
    for target in [
        &b"/..\\secret.txt"[..],
        b"/alpha\\..\\..\\secret.txt",
        b"\\..\\secret.txt",
        b"/secret.txt\0",
        b"/\0/../secret.txt",
        b"/alpha/original.txt\0.html",
        b"file:///etc/passwd",
        b"../secret.txt",
        b"*",
    ] {
        assert_refused(addr, target, &[400, 404]);
    }

    // Still serving after all that.
    let (status, _) = get(addr, b"/alpha/");
    assert_eq!(status, Some(200));
}

#[cfg(unix)]
#[test]
fn links_out_of_the_site_are_refused_not_served() {
    let (outer, root) = site_among_secrets();
    let secret = outer.path().join("secret.txt");
    // A static file and an article's original that lead outside the site.
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::os::unix::fs::symlink(&secret, root.join("static/leak.txt")).unwrap();
    std::os::unix::fs::symlink(outer.path(), root.join("static/up")).unwrap();
    let original = root.join("content/alpha/original.txt");
    std::fs::remove_file(&original).unwrap();
    std::os::unix::fs::symlink(&secret, &original).unwrap();

    let server = Server::start(&root, &["--quiet"]);
    let addr = server.addr();
    for target in [
        &b"/leak.txt"[..],
        b"/up/secret.txt",
        b"/alpha/original.txt",
        b"/alpha/",
    ] {
        // 404, or 503 while nothing could be built: never the file.
        assert_refused(addr, target, &[404, 503]);
    }
    // The refusal is reported, not silent.
    let (status, body) = get(addr, b"/__emend/status");
    assert_eq!(status, Some(200));
    assert!(body.contains("symlink-outside"), "{body}");
}

/// `GET target` with the given `Host` header.
fn get_with_host(addr: SocketAddr, target: &str, host: &str) -> (Option<u16>, String) {
    raw(
        addr,
        format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

#[test]
fn only_loopback_names_and_the_bound_address_are_answered() {
    // DNS rebinding: a page on evil.example resolves its name to 127.0.0.1 and
    // reads the preview (and its status, with file paths) with the victim's browser.
    let site = fixture("basic");
    let server = Server::start(site.path(), &["--quiet"]);
    let addr = server.addr();
    let port = server.port();
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "localhost".to_string(),
        format!("LOCALHOST.:{port}"),
        format!("app.localhost:{port}"),
        format!("[::1]:{port}"),
        format!("127.0.0.2:{port}"),
    ] {
        for target in ["/", "/__emend/status"] {
            let (status, body) = get_with_host(addr, target, &host);
            assert_eq!(status, Some(200), "Host: {host} {target}: {body}");
        }
    }
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("localhost.evil.example:{port}"),
        format!("192.0.2.1:{port}"),
        "127.0.0.1.nip.io".to_string(),
    ] {
        for target in ["/", "/alpha/", "/__emend/status", "/__emend/events"] {
            let (status, body) = get_with_host(addr, target, &host);
            assert_eq!(status, Some(421), "Host: {host} {target}: {body}");
            assert!(!body.contains("\"errors\""), "{body}");
        }
    }
}

#[test]
fn slow_and_idle_connections_are_bounded() {
    let site = fixture("basic");
    let server = Server::start(site.path(), &["--quiet"]);
    let addr = server.addr();
    // Slowloris: headers never finished. The server closes the connection
    // after its header timeout (10 s) instead of keeping it for good.
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        .unwrap();
    // An idle connection that sends nothing at all.
    let mut idle = TcpStream::connect(addr).unwrap();
    // More connections than the server keeps (256): the extra ones are closed
    // at once, and the server stays responsive with fewer than 1,024 descriptors.
    let crowd: Vec<TcpStream> = (0..300)
        .filter_map(|_| TcpStream::connect(addr).ok())
        .collect();
    assert!(crowd.len() >= 256);
    let start = std::time::Instant::now();
    for stream in [&mut slow, &mut idle] {
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut buf = Vec::new();
        let closed = stream.read_to_end(&mut buf);
        assert!(
            closed.is_ok() || start.elapsed() < Duration::from_secs(29),
            "{closed:?}"
        );
    }
    let waited = start.elapsed();
    assert!(waited < Duration::from_secs(20), "closed after {waited:?}");
    drop(crowd);
    // Once they are gone, requests are answered again.
    std::thread::sleep(Duration::from_millis(200));
    let (status, _) = get(addr, b"/");
    assert_eq!(status, Some(200));
}

#[test]
fn a_named_pipe_saved_while_serving_is_an_error_not_a_hang() {
    // A FIFO under content/ used to block the rebuild thread for good while
    // the status still said "no errors".
    let site = fixture("basic");
    let server = Server::start(site.path(), &["--quiet"]);
    let addr = server.addr();
    let corrections = site.path().join("content/alpha/corrections.yaml");
    std::fs::remove_file(&corrections).unwrap();
    let made = Command::new("mkfifo").arg(&corrections).status().unwrap();
    assert!(made.success());
    let deadline = std::time::Instant::now() + PATIENCE;
    loop {
        let (_, body) = get(addr, b"/__emend/status");
        if body.contains("not-a-file") {
            assert!(
                body.contains("it is a named pipe (FIFO), not a regular file"),
                "{body}"
            );
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no error reported: {body}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // And the server still rebuilds once the file is back.
    std::fs::remove_file(&corrections).unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/basic/content/alpha/corrections.yaml"),
        &corrections,
    )
    .unwrap();
    let deadline = std::time::Instant::now() + PATIENCE;
    loop {
        let (_, body) = get(addr, b"/__emend/status");
        if body.contains("\"errors\":[]") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{body}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
