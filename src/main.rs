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
    let cli = cli::Cli::parse();
    if let Err(e) = app::run(cli) {
        eprintln!("error: {}", e.message());
        std::process::exit(e.exit_code());
    }
}
