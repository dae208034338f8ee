//! A running `emend serve` for the serve tests: the real binary on a free
//! port (`--port 0`) in a fixture site, its URL read from the first line it
//! prints, its stderr collected, killed when dropped. Included with
//! `#[path = "common/serve.rs"] mod serve;` by the tests that need it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long to wait for the server to print its URL.
const PATIENCE: Duration = Duration::from_secs(60);

/// A running `emend serve`, killed when dropped.
pub struct Server {
    /// The server process.
    pub child: Child,
    /// The URL the server printed, with its trailing slash.
    pub url: String,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    /// `emend serve --port 0 ARGS` in `root`.
    pub fn start(root: &Path, args: &[&str]) -> Server {
        Self::start_with(root, args, &[])
    }

    /// `emend serve --port 0 ARGS` in `root`, with extra environment variables.
    pub fn start_with(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("emend"))
            .current_dir(root)
            .args(["serve", "--port", "0"])
            .args(args)
            .envs(env.iter().copied())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let mut err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let (tx, rx) = channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                let _ = tx.send(line);
            }
        });
        let line = rx.recv_timeout(PATIENCE).unwrap_or_else(|_| {
            panic!("serve printed no URL; stderr:\n{}", stderr.lock().unwrap())
        });
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_string();
        Server { child, url, stderr }
    }

    /// `host:port` of the printed URL.
    pub fn host_port(&self) -> String {
        self.url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string()
    }

    /// The port of the printed URL (`http://localhost:PORT/` when bound to all addresses).
    pub fn port(&self) -> u16 {
        let host_port = self.host_port();
        let (_, port) = host_port.rsplit_once(':').unwrap();
        port.parse().unwrap()
    }

    /// Where to connect: loopback, which every `--bind` in the tests includes.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port()))
    }

    /// Everything the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
