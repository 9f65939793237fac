//! What the command line shows while a run goes: a progress line on a terminal, and the peak
//! memory for `-v`.

use std::time::Instant;

use crate::pipeline::Progress;

/// A progress line on a terminal's standard error (files and folders seen, and the rate) for a
/// harvest running longer than about a second (`HEAT_PROGRESS_AFTER_MS` sets that delay);
/// nothing when standard error is not a terminal. The line is cleared when the value is
/// dropped.
pub(crate) struct ProgressLine {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressLine {
    /// Starts showing `progress`, unless `quiet` or standard error is not a terminal.
    pub(crate) fn start(quiet: bool, progress: Progress) -> ProgressLine {
        use std::io::IsTerminal;
        if quiet || !std::io::stderr().is_terminal() {
            return ProgressLine {
                stop: None,
                thread: None,
            };
        }
        let delay = std::env::var("HEAT_PROGRESS_AFTER_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000u64);
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let start = Instant::now();
        let thread = std::thread::spawn(move || {
            use std::sync::mpsc::RecvTimeoutError;
            if stopped.recv_timeout(std::time::Duration::from_millis(delay))
                != Err(RecvTimeoutError::Timeout)
            {
                return;
            }
            let mut last = u64::MAX;
            loop {
                let (files, folders) = progress.seen();
                if files != last {
                    let rate = files as f64 / start.elapsed().as_secs_f64().max(0.001);
                    eprint!("\rheat: {files} files, {folders} folders seen, {rate:.0} files/s   ");
                } else {
                    eprint!(
                        "\rheat: {files} files, {folders} folders seen; writing the harvest   "
                    );
                }
                last = files;
                match stopped.recv_timeout(std::time::Duration::from_millis(250)) {
                    Err(RecvTimeoutError::Timeout) => continue,
                    _ => break,
                }
            }
            eprint!("\r{:80}\r", "");
        });
        ProgressLine {
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The process's peak resident memory in KiB, where the system tells it (Linux).
pub(crate) fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
