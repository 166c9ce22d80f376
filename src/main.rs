use clap::Parser;
use salesboard::cli::{Cli, run};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    salesboard::crash::install();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return parse_failure(&e),
    };
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

/// What clap has to say about the command line (an error, or `--help` / `--version`),
/// printed as plain text with every line cleaned: a mistyped argument is quoted back, and
/// it may carry escape sequences (a screen clear, a clipboard write) that must not reach
/// the terminal.
fn parse_failure(e: &clap::Error) -> ExitCode {
    let text = e.render().to_string();
    let cleaned: String = text
        .lines()
        .map(|l| format!("{}\n", salesboard::text::clean(l)))
        .collect();
    let code = e.exit_code();
    let _ = if e.use_stderr() {
        std::io::stderr().lock().write_all(cleaned.as_bytes())
    } else {
        std::io::stdout().lock().write_all(cleaned.as_bytes())
    };
    ExitCode::from(u8::try_from(code).unwrap_or(2))
}
