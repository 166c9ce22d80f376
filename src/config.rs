//! The TOML config file: where the database is, the language, the poll interval. KPI rules
//! live in the database's settings table instead, so every board on one file agrees.

use crate::format::Lang;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The default config file, shipped as documentation and written by nothing.
pub const DEFAULT_CONFIG: &str = include_str!("../assets/config.toml");

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub db: Option<PathBuf>,
    pub lang: Option<String>,
    pub poll_interval_ms: Option<u64>,
}

impl Config {
    pub fn parse(text: &str, origin: &Path) -> Result<Config, String> {
        let c: Config =
            toml::from_str(text).map_err(|e| format!("{}: {}", origin.display(), e.message()))?;
        if let Some(l) = &c.lang {
            parse_lang(l).ok_or_else(|| {
                format!(
                    "{}: lang must be \"en\" or \"ru\", not \"{l}\"",
                    origin.display()
                )
            })?;
        }
        if c.poll_interval_ms == Some(0) {
            return Err(format!(
                "{}: poll_interval_ms must be at least 1",
                origin.display()
            ));
        }
        Ok(c)
    }

    /// The files looked at, most specific first.
    pub fn candidates() -> Vec<PathBuf> {
        let mut out = Vec::new();
        if let Some(p) = std::env::var_os("SALESBOARD_CONFIG") {
            out.push(PathBuf::from(p));
            return out;
        }
        if let Some(d) = directories::ProjectDirs::from("", "", "salesboard") {
            out.push(d.config_dir().join("config.toml"));
        }
        out.push(PathBuf::from("/etc/salesboard/config.toml"));
        out
    }

    /// Reads the first config file that exists. A broken file is an error, not ignored.
    pub fn load() -> Result<(Config, Option<PathBuf>), String> {
        for p in Self::candidates() {
            match std::fs::read_to_string(&p) {
                Ok(text) => return Ok((Self::parse(&text, &p)?, Some(p))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(format!("cannot read {}: {e}", p.display())),
            }
        }
        Ok((Config::default(), None))
    }

    /// The database path: `--db`, then `SALESBOARD_DB`, then the config file, then ./kpi.db.
    pub fn db_path(&self, flag: Option<&Path>) -> PathBuf {
        if let Some(p) = flag {
            return p.to_path_buf();
        }
        if let Some(p) = std::env::var_os("SALESBOARD_DB").filter(|p| !p.is_empty()) {
            return PathBuf::from(p);
        }
        self.db.clone().unwrap_or_else(|| PathBuf::from("kpi.db"))
    }

    /// The language: `--lang`, then the config file, then the locale environment.
    pub fn lang(&self, flag: Option<&str>) -> Lang {
        flag.and_then(parse_lang)
            .or_else(|| self.lang.as_deref().and_then(parse_lang))
            .unwrap_or_else(lang_from_env)
    }
}

/// Where per-user state lives (drafts, crash reports): `$SALESBOARD_STATE_DIR` (for tests),
/// else the per-user state directory (`~/.local/state/salesboard`).
pub fn state_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("SALESBOARD_STATE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    let dirs = directories::ProjectDirs::from("", "", "salesboard")?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_path_buf(),
    )
}

pub fn parse_lang(s: &str) -> Option<Lang> {
    match s.trim().to_ascii_lowercase().get(..2) {
        Some("en") => Some(Lang::En),
        Some("ru") => Some(Lang::Ru),
        _ => None,
    }
}

/// LC_ALL, then LC_MESSAGES, then LANG, as POSIX orders them; anything not Russian is English.
pub fn lang_from_env() -> Lang {
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Ok(v) = std::env::var(var)
            && !v.is_empty()
        {
            return parse_lang(&v).unwrap_or(Lang::En);
        }
    }
    Lang::En
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_default_config_parses() {
        assert_eq!(
            Config::parse(DEFAULT_CONFIG, Path::new("default")).unwrap(),
            Config::default()
        );
        let all_set: String = DEFAULT_CONFIG
            .lines()
            .map(|l| {
                l.strip_prefix("# ")
                    .filter(|r| r.contains(" = "))
                    .unwrap_or(l)
            })
            .collect::<Vec<_>>()
            .join("\n");
        let c = Config::parse(&all_set, Path::new("x")).unwrap();
        assert_eq!(c.lang.as_deref(), Some("ru"));
        assert_eq!(c.poll_interval_ms, Some(500));
    }

    #[test]
    fn bad_config_is_reported_with_its_path() {
        let e = Config::parse("lang = \"fr\"", Path::new("/etc/x.toml")).unwrap_err();
        assert!(e.contains("/etc/x.toml") && e.contains("lang"));
        assert!(
            Config::parse("colour = 1", Path::new("c"))
                .unwrap_err()
                .contains("colour")
        );
    }

    #[test]
    fn flag_beats_config() {
        let c = Config {
            db: Some("/srv/a.db".into()),
            ..Config::default()
        };
        assert_eq!(c.db_path(Some(Path::new("b.db"))), PathBuf::from("b.db"));
        assert_eq!(c.lang(Some("ru")), Lang::Ru);
        assert_eq!(parse_lang("ru_RU.UTF-8"), Some(Lang::Ru));
        assert_eq!(parse_lang("C"), None);
    }
}
