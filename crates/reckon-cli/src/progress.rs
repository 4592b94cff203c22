//! Progress bars on standard error, only on a terminal and never with --quiet.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};
use reckon_service::Progress;

/// Draws one bar per stage with indicatif.
pub(crate) struct Bars {
    bar: std::cell::RefCell<Option<ProgressBar>>,
    enabled: bool,
}

impl Bars {
    pub(crate) fn new(quiet: bool) -> Bars {
        Bars {
            bar: std::cell::RefCell::new(None),
            enabled: !quiet && std::io::stderr().is_terminal(),
        }
    }
}

impl Progress for Bars {
    fn start(&self, stage: &str, total: u64) {
        if !self.enabled {
            return;
        }
        let bar = if total > 0 {
            let bar = ProgressBar::new(total);
            if let Ok(style) =
                ProgressStyle::with_template("{msg:>8} [{bar:40}] {pos}/{len} ({eta})")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        } else {
            ProgressBar::new_spinner()
        };
        bar.set_message(stage.to_string());
        *self.bar.borrow_mut() = Some(bar);
    }

    fn set(&self, done: u64) {
        if let Some(bar) = self.bar.borrow().as_ref() {
            bar.set_position(done);
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.bar.borrow_mut().take() {
            bar.finish_and_clear();
        }
    }
}
