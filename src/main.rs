//! The `caseload` binary: parse flags, run the pipeline, print errors, exit with a fixed code
//! (0 ok, 1 run failed, 2 bad input).

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
