//! The progress bar of long builds (indicatif), drawn on stderr only when it
//! is a terminal, and only once a build has taken long enough to be worth it:
//! short builds finish without a flicker.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::site::Progress;

/// How long a build runs before its progress bar appears.
pub const SHOW_AFTER: Duration = Duration::from_millis(400);

/// A [`Progress`] that draws a bar on a terminal's stderr.
pub struct TerminalProgress {
    bar: ProgressBar,
    enabled: bool,
    started: Instant,
    shown: AtomicBool,
}

impl TerminalProgress {
    /// A bar that may appear if stderr is a terminal and `quiet` is off.
    pub fn for_stderr(quiet: bool) -> Self {
        Self::new(!quiet && std::io::stderr().is_terminal())
    }

    /// A bar that may appear only if `enabled`.
    pub fn new(enabled: bool) -> Self {
        let bar = ProgressBar::hidden();
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} building {pos}/{len} articles {wide_bar} {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        TerminalProgress {
            bar,
            enabled,
            started: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }

    /// Whether the bar should be visible after `elapsed`.
    fn due(&self, elapsed: Duration) -> bool {
        self.enabled && elapsed >= SHOW_AFTER
    }

    /// Whether the bar has been made visible.
    pub fn is_shown(&self) -> bool {
        self.shown.load(Ordering::Relaxed)
    }

    fn advance_at(&self, elapsed: Duration) {
        self.bar.inc(1);
        if self.due(elapsed)
            && self
                .shown
                .compare_exchange(false, true, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

impl Progress for TerminalProgress {
    fn start(&self, total: usize) {
        self.bar.set_length(total as u64);
    }

    fn advance(&self) {
        self.advance_at(self.started.elapsed());
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appears_only_for_long_builds_and_only_when_enabled() {
        let bar = TerminalProgress::new(true);
        bar.start(3);
        bar.advance_at(Duration::from_millis(10));
        assert!(!bar.is_shown(), "a quick build shows no bar");
        bar.advance_at(SHOW_AFTER);
        assert!(bar.is_shown());
        assert_eq!(bar.bar.position(), 2);

        let off = TerminalProgress::new(false);
        off.start(3);
        off.advance_at(Duration::from_secs(10));
        assert!(!off.is_shown(), "never on a pipe or with -q");
    }
}
