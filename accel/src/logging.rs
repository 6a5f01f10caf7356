//! Logging off the hot path: access-log lines and error reports go through a
//! channel to one writer thread, so a Tokio task never blocks on stderr.

use std::io::Write;
use std::sync::mpsc;
use std::sync::OnceLock;

static SINK: OnceLock<mpsc::Sender<String>> = OnceLock::new();

/// Return the process-wide log sender, starting the writer thread on first use.
fn sink() -> &'static mpsc::Sender<String> {
    SINK.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<String>();
        let spawned = std::thread::Builder::new().name("covet-log".into()).spawn(move || {
            let stderr = std::io::stderr();
            while let Ok(line) = rx.recv() {
                let mut out = stderr.lock();
                let _ = writeln!(out, "{line}");
                // Write whatever else is already queued before flushing once.
                while let Ok(more) = rx.try_recv() {
                    let _ = writeln!(out, "{more}");
                }
                let _ = out.flush();
            }
        });
        if spawned.is_err() {
            eprintln!("covet-accel: could not start the log thread; log lines will be dropped");
        }
        tx
    })
}

/// Queue one log line; never blocks.
pub(crate) fn log(line: String) {
    let _ = sink().send(line);
}

/// Log an error with the server prefix.
pub(crate) fn error(message: &str) {
    log(format!("[covet-accel] ERROR {message}"));
}

/// Make Rust panics visible as one log line; the panicking task is then
/// dropped by Tokio (or turned into a Python exception by PyO3) and the
/// worker keeps serving.
pub(crate) fn install_panic_hook() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        std::panic::set_hook(Box::new(|info| {
            let location = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let payload = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            eprintln!("[covet-accel] PANIC (caught, worker continues){location}: {payload}");
        }));
    });
}
