//! `emend serve`: build into memory, serve over HTTP, rebuild what an edit
//! touches, reload open pages, and show mistakes as an overlay while the last
//! good version stays served. Never writes the output folder.
//!
//! Three parts, one way: [`watch`] turns file events into a [`live::Scope`],
//! [`live`] rebuilds that scope into a new [`live::Snapshot`], and [`http`]
//! serves the snapshot and tells open pages over server-sent events.

pub mod http;
pub mod live;
pub mod review;
pub mod watch;

use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use crate::config::SiteConfig;
use crate::diagnostics::{self, Code, Diagnostic, Diagnostics, display_path};
use crate::progress::TerminalProgress;
use crate::site::BuildOptions;
use live::{LiveSite, Rebuild, Rebuilt, Scope};

/// The port tried first.
pub const DEFAULT_PORT: u16 = 1111;
/// How many ports are tried, counting up, when the first is taken.
const PORT_TRIES: u16 = 20;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Site root.
    pub root: PathBuf,
    /// First port to try (`0`: any free port).
    pub port: u16,
    /// Address to listen on.
    pub bind: IpAddr,
    /// Open the site in a browser once it is served.
    pub open: bool,
    /// Include drafts.
    pub drafts: bool,
    /// Print only errors.
    pub quiet: bool,
    /// Print every changed file.
    pub verbose: bool,
    /// Colour diagnostics.
    pub color: bool,
}

/// Serves the site until Ctrl-C. Errors are problems that prevent serving at
/// all (no site, no free port); mistakes in the site are shown while serving.
pub fn run(opts: &ServeOptions, out: &mut Diagnostics) -> bool {
    if !opts.root.join("site.yaml").is_file() {
        // Reports the missing site the way every command does.
        SiteConfig::load(&opts.root, out);
        return false;
    }
    out.ok(serve(opts)).is_some()
}

/// Serves a site folder that has a `site.yaml`.
fn serve(opts: &ServeOptions) -> Result<(), Diagnostic> {
    let abs_root = std::fs::canonicalize(&opts.root)
        .map_err(|e| crate::source::io_diagnostic(&opts.root, "open", &e))?;
    let log = Log {
        quiet: opts.quiet,
        verbose: opts.verbose,
        color: opts.color,
    };
    let listener = bind(opts.bind, opts.port, &log)?;
    let addr = listener
        .local_addr()
        .map_err(|e| Diagnostic::error(Code::Bind, format!("cannot listen: {e}")))?;
    let url = url_for(addr);

    let mut live = LiveSite::new(BuildOptions {
        root: opts.root.clone(),
        output: None,
        // Absolute URLs (canonical links, the 404 page) must point at this server.
        base_url: Some(url.clone()),
        drafts: opts.drafts,
        clean: false,
        list_unreviewed: false,
    });
    // Watch before the first build, so an edit made during it is not missed.
    let (tx, rx) = mpsc::channel();
    let watcher = match watch::Watcher::start(&abs_root, tx) {
        Ok(w) => Some(w),
        Err(e) => {
            log.diagnostics(&[Diagnostic::warning(
                Code::Watch,
                format!("cannot watch the site for changes ({e}); pages will not update"),
            )
            .help("on Linux, raise the limit: `sysctl fs.inotify.max_user_watches=524288`")]);
            None
        }
    };
    let first = live.rebuild(
        &Scope::Everything,
        &TerminalProgress::for_stderr(opts.quiet),
    );
    log.first_build(&first);
    let title = live.title().unwrap_or("the site").to_string();
    let shared = http::Shared::with_review(first.snapshot.clone(), &abs_root);

    let rebuilds = shared.clone();
    let errors_before = first.snapshot.errors.len();
    std::thread::Builder::new()
        .name("emend-rebuild".into())
        .spawn(move || {
            rebuild_loop(
                live,
                watcher,
                &rx,
                &abs_root,
                &rebuilds,
                &log,
                errors_before,
            )
        })
        .map_err(|e| Diagnostic::error(Code::Thread, format!("cannot start: {e}")))?;

    println!("Serving “{title}” at {url} (Ctrl-C to stop)");
    let _ = std::io::stdout().flush();
    if !opts.quiet {
        eprintln!(
            "Watching content/, themes/, templates/, static/ and site.yaml; pages reload on save"
        );
    }
    if opts.open
        && let Err(e) = open_browser(&url)
    {
        eprintln!("warning: cannot open a browser ({e}); open {url} yourself");
    }

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error(Code::Runtime, format!("cannot start: {e}")))?;
    let result = runtime.block_on(async move {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let server = http::serve(listener, shared, stopped, http::LIMITS);
        tokio::pin!(server);
        tokio::select! {
            result = &mut server => result,
            _ = tokio::signal::ctrl_c() => {
                let _ = stop.send(true);
                // Event streams end at once; give other requests a moment.
                tokio::time::timeout(Duration::from_secs(3), server)
                    .await
                    .unwrap_or(Ok(()))
            }
        }
    });
    if !opts.quiet {
        eprintln!("Stopped.");
    }
    result.map_err(|e| Diagnostic::error(Code::Serve, format!("the server failed: {e}")))
}

fn rebuild_loop(
    mut live: LiveSite,
    mut watcher: Option<watch::Watcher>,
    rx: &mpsc::Receiver<notify_debouncer_full::notify::Result<watch::Batch>>,
    root: &Path,
    shared: &http::Shared,
    log: &Log,
    mut errors_before: usize,
) {
    let mut pending = None;
    while let Some(batch) = watch::next_batch(rx, pending.take()) {
        let paths = match batch {
            Ok(paths) => paths,
            Err(e) => {
                log.diagnostics(&[Diagnostic::warning(
                    Code::Watch,
                    format!("watching failed: {e}"),
                )]);
                continue;
            }
        };
        if let Some(w) = watcher.as_mut()
            && let Err(e) = w.watch_new_folders()
        {
            log.diagnostics(&[Diagnostic::warning(
                Code::Watch,
                format!("cannot watch a new folder: {e}"),
            )]);
        }
        if let Some((scope, changed_sources)) = watch::scope_of(root, &paths) {
            let progress = TerminalProgress::for_stderr(log.quiet);
            let rebuild = live.rebuild(&scope, &progress);
            shared.publish(&rebuild);
            log.rebuild(&changed_sources, &rebuild, errors_before);
            errors_before = rebuild.snapshot.errors.len();
        }
        // The edited pages are served already; the index, feeds, glossary and
        // search index follow, unless more edits are waiting: they go first,
        // and the site pages are brought up to date once after the last.
        if let Ok(next) = rx.try_recv() {
            pending = Some(next);
            continue;
        }
        if let Some(rebuild) = live.update_site_pages() {
            shared.publish(&rebuild);
            log.site_pages(&rebuild);
            errors_before = rebuild.snapshot.errors.len();
        }
    }
}

/// Binds `ip:port`, or the next free port if it is taken.
fn bind(ip: IpAddr, port: u16, log: &Log) -> Result<TcpListener, Diagnostic> {
    let mut candidate = port;
    for _ in 0..PORT_TRIES {
        match TcpListener::bind((ip, candidate)) {
            Ok(listener) => return Ok(listener),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && candidate != 0 => {
                let Some(next) = candidate.checked_add(1) else {
                    break;
                };
                log.info(&format!("port {candidate} is in use; trying {next}"));
                candidate = next;
            }
            Err(e) => {
                return Err(Diagnostic::error(
                    Code::Bind,
                    format!("cannot listen on {ip}:{candidate}: {e}"),
                )
                .help("pass another address with --bind or another port with --port"));
            }
        }
    }
    Err(Diagnostic::error(
        Code::PortInUse,
        format!("ports {port} to {candidate} are all in use"),
    )
    .help("pass a free port with --port N, or --port 0 for any free port"))
}

/// The address to show and to use as the base URL.
fn url_for(addr: SocketAddr) -> String {
    let host = match addr.ip() {
        ip if ip.is_unspecified() => "localhost".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    format!("http://{host}:{}/", addr.port())
}

/// Opens `url` with `$BROWSER` if set, else the system's opener.
fn open_browser(url: &str) -> std::io::Result<()> {
    let browser = std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty());
    let (program, args) = match browser {
        Some(b) => browser_command(&b, url).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("$BROWSER `{b}` is not a command line: is a quote left open?"),
            )
        })?,
        None if cfg!(target_os = "macos") => ("open".into(), vec![url.into()]),
        None if cfg!(windows) => (
            "cmd".into(),
            vec!["/C".into(), "start".into(), String::new(), url.into()],
        ),
        None => ("xdg-open".into(), vec![url.into()]),
    };
    std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(drop)
}

/// The program and arguments `$BROWSER` asks for: its first command (on
/// Unix the variable may list several, separated by `:`), split into words
/// like a shell command line (quotes and backslashes as in `sh`), with `%s`
/// replaced by the URL, or the URL appended when no word has `%s`. `None`
/// when it names no command.
pub fn browser_command(browser: &str, url: &str) -> Option<(String, Vec<String>)> {
    let separator = if cfg!(windows) { None } else { Some(':') };
    let mut words = shell_words(browser, separator)?;
    if words.is_empty() {
        return None;
    }
    if words.iter().any(|w| w.contains("%s")) {
        for w in &mut words {
            *w = w.replace("%s", url);
        }
    } else {
        words.push(url.to_string());
    }
    let program = words.remove(0);
    Some((program, words))
}

/// Splits the first command of `line` into words as a POSIX shell would
/// (blanks separate words; '…' keeps everything literally; "…" keeps all
/// but `\"`, `\\`, `\$` and `` \` ``; a backslash outside quotes escapes
/// the next character), stopping at an unquoted `separator`. `None` for an
/// unclosed quote.
fn shell_words(line: &str, separator: Option<char>) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if Some(c) == separator => break,
            ' ' | '\t' | '\n' => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => w.push(c),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\' | '$' | '`') => w.push(c),
                            '\n' => {}
                            c => {
                                w.push('\\');
                                w.push(c);
                            }
                        },
                        c => w.push(c),
                    }
                }
            }
            '\\' => {
                let w = word.get_or_insert_with(String::new);
                match chars.next() {
                    Some('\n') | None => {}
                    Some(c) => w.push(c),
                }
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Some(words)
}

/// What `serve` prints on stderr.
struct Log {
    quiet: bool,
    verbose: bool,
    color: bool,
}

impl Log {
    fn info(&self, line: &str) {
        if !self.quiet {
            eprintln!("{line}");
        }
    }

    fn diagnostics(&self, diagnostics: &[Diagnostic]) {
        let shown: Vec<Diagnostic> = diagnostics
            .iter()
            .filter(|d| !self.quiet || d.is_error())
            .cloned()
            .collect();
        diagnostics::eprint(&shown, self.color);
    }

    fn first_build(&self, first: &Rebuild) {
        self.diagnostics(&first.diagnostics);
        let errors = first.snapshot.errors.len();
        self.info(&format!(
            "Built {} article{} ({} pages) in {} ms",
            first.articles,
            plural(first.articles),
            first.pages,
            first.elapsed.as_millis()
        ));
        if errors > 0 {
            eprintln!(
                "{}; serving what built, with the errors shown on every page",
                diagnostics::summary_line(diagnostics::Counts {
                    errors,
                    ..Default::default()
                })
            );
        }
    }

    /// With `-v`: phase timings and every changed file.
    fn details(&self, rebuild: &Rebuild) {
        if self.verbose {
            for (name, d) in &rebuild.timings {
                eprintln!("  {name:<12} {:>8.1} ms", d.as_secs_f64() * 1000.0);
            }
            if !rebuild.kept_site_files.is_empty() {
                eprintln!("  site files kept: {}", rebuild.kept_site_files.join(", "));
            }
            for path in &rebuild.changed {
                eprintln!("  changed: {path}");
            }
        }
    }

    fn site_pages(&self, rebuild: &Rebuild) {
        self.info(&format!(
            "updated the site pages in {:.1} ms; {} file{} changed",
            rebuild.elapsed.as_secs_f64() * 1000.0,
            rebuild.changed.len(),
            plural(rebuild.changed.len())
        ));
        self.details(rebuild);
        self.diagnostics(&rebuild.diagnostics);
    }

    fn rebuild(&self, sources: &[PathBuf], rebuild: &Rebuild, errors_before: usize) {
        let what = match &rebuild.rebuilt {
            Rebuilt::Everything => "everything".to_string(),
            Rebuilt::Articles(slugs) => slugs.join(", "),
            Rebuilt::SitePages => "the site pages".to_string(),
        };
        let sources: Vec<String> = sources.iter().map(|p| display_path(p)).collect();
        let shown = match sources.as_slice() {
            [one] => one.clone(),
            [first, rest @ ..] => format!("{first} (+{} more)", rest.len()),
            [] => "a file".into(),
        };
        let errors = rebuild.snapshot.errors.len();
        let new_errors = rebuild.diagnostics.iter().filter(|d| d.is_error()).count();
        self.info(&format!(
            "{shown} changed: rebuilt {what} in {:.1} ms; {} file{} changed",
            rebuild.elapsed.as_secs_f64() * 1000.0,
            rebuild.changed.len(),
            plural(rebuild.changed.len())
        ));
        self.details(rebuild);
        self.diagnostics(&rebuild.diagnostics);
        if new_errors > 0 {
            eprintln!(
                "{}; the last good version stays served, with the errors shown on the page",
                diagnostics::summary_line(diagnostics::Counts {
                    errors: new_errors,
                    ..Default::default()
                })
            );
        } else if errors > 0 {
            eprintln!(
                "{} still to fix elsewhere (shown on the page)",
                diagnostics::summary_line(diagnostics::Counts {
                    errors,
                    ..Default::default()
                })
            );
        } else if errors_before > 0 {
            self.info("All errors fixed.");
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_commands_split_like_a_shell_command_line() {
        let u = "http://127.0.0.1:1111/";
        let cmd = |b: &str| browser_command(b, u);
        let owned =
            |p: &str, a: &[&str]| Some((p.to_string(), a.iter().map(|s| s.to_string()).collect()));
        assert_eq!(cmd("firefox"), owned("firefox", &[u]));
        assert_eq!(
            cmd("firefox --new-window"),
            owned("firefox", &["--new-window", u])
        );
        assert_eq!(
            cmd("  chromium   --incognito\t--app=%s  "),
            owned("chromium", &["--incognito", &format!("--app={u}")])
        );
        assert_eq!(
            cmd("'/opt/My Browser/run' --profile \"work two\" it\\'s"),
            owned("/opt/My Browser/run", &["--profile", "work two", "it's", u])
        );
        assert_eq!(
            cmd(r#"open -a "Google Chrome" "%s""#),
            owned("open", &["-a", "Google Chrome", u])
        );
        assert_eq!(
            cmd(r#"echo "a \"quoted\" \$x \y" ''"#),
            owned("echo", &[r#"a "quoted" $x \y"#, "", u])
        );
        if cfg!(unix) {
            // Several commands: the first one is used.
            assert_eq!(
                cmd("firefox -P 'a:b':chromium"),
                owned("firefox", &["-P", "a:b", u])
            );
        }
        assert_eq!(cmd("   "), None);
        assert_eq!(cmd("firefox 'unclosed"), None);
        assert_eq!(cmd("firefox \"unclosed"), None);
    }

    #[test]
    fn urls_name_a_reachable_host() {
        assert_eq!(
            url_for("127.0.0.1:1111".parse().unwrap()),
            "http://127.0.0.1:1111/"
        );
        assert_eq!(
            url_for("0.0.0.0:8000".parse().unwrap()),
            "http://localhost:8000/"
        );
        assert_eq!(url_for("[::1]:1111".parse().unwrap()), "http://[::1]:1111/");
    }

    #[test]
    fn a_taken_port_moves_to_the_next_free_one() {
        let log = Log {
            quiet: true,
            verbose: false,
            color: false,
        };
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let got = bind("127.0.0.1".parse().unwrap(), port, &log).unwrap();
        assert_ne!(got.local_addr().unwrap().port(), port);
    }
}
