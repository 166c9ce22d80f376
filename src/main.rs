use clap::Parser;
use salesboard::cli::{Cli, run};
use std::process::ExitCode;

fn main() -> ExitCode {
    salesboard::crash::install();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(f) => {
            if !f.message.is_empty() {
                // Messages may quote what was typed or read from a file: never pass an
                // escape sequence through to the terminal.
                for line in f.message.lines() {
                    eprintln!("salesboard: {}", salesboard::text::clean(line));
                }
            }
            ExitCode::from(f.code)
        }
    }
}
