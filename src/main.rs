//! The `tvang` command. Thin: parses arguments, calls the core, prints.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    // A user never sees a backtrace. Batches already written are flushed and safe; say so.
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!("{}", tvang::text::internal_error(&what));
    }));
    tvang::quiet_panics::install();
    cli::run()
}

// sled's flusher thread and the import thread allocate heavily at once; glibc malloc serialises
// them on an arena lock (seen in profiles). mimalloc's per-thread heaps remove that contention.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
