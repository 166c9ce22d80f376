use clap::Parser;
use salesboard::cli::{Cli, run};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("salesboard: {}", f.message);
            }
            ExitCode::from(f.code)
        }
    }
}
