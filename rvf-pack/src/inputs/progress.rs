//! Progress of long input work (reading, sorting, encoding), reported to
//! whatever the caller passes: nothing (`&()`), or an `indicatif` bar that
//! the command line shows on a terminal.

/// Receives stages and positions. Both methods default to doing nothing.
pub trait Progress {
    /// A new stage begins; `total` units of work, 0 when unknown.
    fn stage(&self, _name: &str, _total: u64) {}
    /// `done` units of the current stage are complete.
    fn at(&self, _done: u64) {}
}

/// No progress reporting.
impl Progress for () {}

/// Report every this many units (a power of two) from tight loops.
pub const EVERY: u64 = 1 << 20;

/// Report position `i` when it is a multiple of [`EVERY`].
#[inline]
pub fn tick(p: &dyn Progress, i: u64) {
    if i & (EVERY - 1) == 0 && i > 0 {
        p.at(i);
    }
}

impl Progress for indicatif::ProgressBar {
    fn stage(&self, name: &str, total: u64) {
        let template = if total > 0 {
            "{spinner} {msg} [{bar:30}] {percent}% [{elapsed}]"
        } else {
            "{spinner} {msg} [{elapsed}]"
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            self.set_style(style.progress_chars("=> "));
        }
        if total > 0 {
            self.set_length(total);
        } else {
            self.unset_length();
        }
        self.set_position(0);
        self.set_message(name.to_string());
    }
    fn at(&self, done: u64) {
        self.set_position(done);
    }
}
