//! salesboard — a terminal live sales board over one shared SQLite file.
//!
//! Data flows one way: [`store`] (the only module that speaks SQL) → [`kpi`] (pure
//! computations) → reports and the board.

pub mod app;
pub mod cli;
pub mod config;
pub mod crash;
pub mod engine;
pub mod format;
pub mod input;
pub mod kpi;
pub mod model;
pub mod period;
pub mod report;
pub mod settings;
pub mod store;
pub mod text;
pub mod ui;

/// The bundled example database (`kpi.db.example`), for `salesboard demo`.
pub const EXAMPLE_DB: &[u8] = include_bytes!("../kpi.db.example");
