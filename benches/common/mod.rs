//! What the benchmarks share: the database they measure.

use salesboard::store::Store;
use std::path::{Path, PathBuf};

/// `target/bench`, created when missing.
pub fn bench_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir).expect("target/bench");
    dir
}

/// A private copy of `SALESBOARD_BENCH_DB` named `name` in `target/bench` (the benchmarks
/// write to it; the file itself is left alone), or a small database seeded there when the
/// variable is not set.
pub fn database(name: &str) -> PathBuf {
    let work = bench_dir().join(name);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", work.display()));
    }
    match std::env::var_os("SALESBOARD_BENCH_DB") {
        Some(src) => {
            // A consistent copy however the source was left (the backup API).
            let from = rusqlite::Connection::open_with_flags(
                &src,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .expect("SALESBOARD_BENCH_DB opens");
            from.backup(rusqlite::MAIN_DB, &work, None)
                .expect("copy of the benchmark database");
        }
        None => {
            let mut s = Store::init(&work).expect("a new database");
            let o = salesboard::store::seed::SeedOptions::small(
                chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("a date"),
            );
            salesboard::store::seed::seed(&mut s, &o).expect("seeded");
        }
    }
    work
}
