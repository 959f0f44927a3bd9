//! The `caseload` binary: parse flags, run the pipeline, print errors, exit with a fixed code
//! (0 ok, 1 run failed, 2 bad input).

/// `println!` that never panics: a closed stdout (`caseload … | head`) is not a failure of
/// the run, whose files are written whatever happens to the console.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `print!` that never panics (see `say!`).
macro_rules! say_part {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

mod app;
mod cli;

use clap::Parser;

fn main() {
    one_malloc_arena();
    let cli = cli::Cli::parse();
    if let Err(e) = app::run(cli) {
        eprintln!("error: {}", e.message());
        std::process::exit(e.exit_code());
    }
}

/// Asks glibc's allocator for one arena shared by all threads instead of one per thread
/// (unless the user set `MALLOC_ARENA_MAX` or `GLIBC_TUNABLES`). The simulation's hot loop
/// allocates nothing, so threads seldom contend for it, while per-thread arenas left the
/// histograms' freed blocks scattered: with one arena `run scenarios/default_force.toml
/// -n 10000` peaks at 38 MB instead of 40–42 MB and takes ~10% less CPU, and `sensitivity`
/// is no slower (README, Performance).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn one_malloc_arena() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_some()
        || std::env::var_os("GLIBC_TUNABLES").is_some()
    {
        return;
    }
    // SAFETY: `mallopt` only changes an allocator parameter, takes no pointers, and is
    // called before any other thread exists; a refusal (return 0) leaves the default.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Elsewhere the platform's allocator keeps its own settings.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn one_malloc_arena() {}
