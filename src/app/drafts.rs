//! Unfinished forms kept on disk: when the SSH link drops (SIGHUP) or the board is told to
//! stop (SIGTERM) with a form half filled, what was typed is saved here, and offered back
//! the next time the same user opens a board on the same database.
//!
//! One file per database, in the user's state directory
//! (`~/.local/state/salesboard/drafts/`), readable only by that user. Writing is atomic
//! (temporary file, then rename), so a crash mid-save never leaves half a draft.

use serde::{Serialize, de::DeserializeOwned};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where drafts live: `drafts/` in the per-user state directory.
pub fn dir() -> Option<PathBuf> {
    Some(crate::config::state_dir()?.join("drafts"))
}

/// The draft file for a database: named after a hash of its absolute path.
pub fn file_for(dir: &Path, db: &Path) -> PathBuf {
    let abs = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
    // FNV-1a: stable across runs and builds (std's hasher is not).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in abs.to_string_lossy().as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    dir.join(format!("{h:016x}.json"))
}

/// Saves `draft` for `db` in `dir` (created 0700 if missing; the file is 0600).
///
/// The temporary file gets a fresh random name and is created exclusively (`O_EXCL`,
/// which never follows a symlink), then renamed over the draft (a rename replaces a
/// symlink planted at the draft's name instead of following it).
pub fn save_in<T: Serialize>(dir: &Path, db: &Path, draft: &T) -> std::io::Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let path = file_for(dir, db);
    let text = serde_json::to_vec_pretty(draft).map_err(std::io::Error::other)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".draft-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(&text)?;
    tmp.as_file().sync_all()?;
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok(path)
}

/// Takes the draft saved for `db` in `dir`, if any: it is returned and the file removed.
/// A file that cannot be read as a draft is left in place (renamed `.bad`) and ignored.
pub fn take_in<T: DeserializeOwned>(dir: &Path, db: &Path) -> Option<T> {
    let path = file_for(dir, db);
    let bytes = read_plain(&path)?;
    match serde_json::from_slice(&bytes) {
        Ok(d) => {
            let _ = std::fs::remove_file(&path);
            Some(d)
        }
        Err(_) => {
            let _ = std::fs::rename(&path, path.with_extension("bad"));
            None
        }
    }
}

/// A draft is small; anything bigger is not one of ours.
const MAX_DRAFT: u64 = 1 << 20;

/// Reads a draft file without following a symlink planted at its name, without blocking
/// on a named pipe, and only when it is a regular file of a sensible size.
fn read_plain(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
        .open(path)
        .ok()?;
    let meta = f.metadata().ok()?;
    if !meta.is_file() || meta.len() > MAX_DRAFT {
        return None;
    }
    let mut bytes = Vec::new();
    f.take(MAX_DRAFT).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// [`save_in`] in the default place.
pub fn save<T: Serialize>(db: &Path, draft: &T) -> std::io::Result<PathBuf> {
    let d = dir().ok_or_else(|| std::io::Error::other("no home directory for drafts"))?;
    save_in(&d, db, draft)
}

/// [`take_in`] from the default place.
pub fn take<T: DeserializeOwned>(db: &Path) -> Option<T> {
    take_in(&dir()?, db)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct D {
        kind: String,
        values: Vec<(String, String)>,
    }

    #[test]
    fn a_draft_round_trips_once_and_only_for_its_database() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("state/drafts");
        let db = tmp.path().join("kpi.db");
        let other = tmp.path().join("other.db");
        std::fs::write(&db, b"").unwrap();
        std::fs::write(&other, b"").unwrap();
        let d = D {
            kind: "call".into(),
            values: vec![
                ("rep".into(), "Петров".into()),
                ("note".into(), "перезвонить".into()),
            ],
        };
        let path = save_in(&dir, &db, &d).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
        assert_eq!(take_in::<D>(&dir, &other), None);
        assert_eq!(take_in::<D>(&dir, &db), Some(d));
        assert_eq!(take_in::<D>(&dir, &db), None, "a draft is offered once");
    }

    #[test]
    fn a_planted_symlink_is_never_followed() {
        // Someone who can write the drafts directory plants symlinks at every name a save
        // could use, pointing at a file of the user's: the save must not write through them.
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("drafts");
        std::fs::create_dir(&dir).unwrap();
        let db = tmp.path().join("kpi.db");
        let victim = tmp.path().join("victim");
        std::fs::write(&victim, b"precious").unwrap();
        let draft_path = file_for(&dir, &db);
        std::os::unix::fs::symlink(&victim, &draft_path).unwrap();
        for name in [
            format!("{}.tmp{}", draft_path.display(), std::process::id()),
            draft_path
                .with_extension(format!("tmp{}", std::process::id()))
                .display()
                .to_string(),
        ] {
            let _ = std::os::unix::fs::symlink(&victim, name);
        }
        let d = D {
            kind: "call".into(),
            values: vec![("note".into(), "x".into())],
        };
        let saved = save_in(&dir, &db, &d).unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        // The draft replaced the symlink with a file of its own.
        assert!(!std::fs::symlink_metadata(&saved).unwrap().is_symlink());
        assert_eq!(take_in::<D>(&dir, &db), Some(d));
    }

    #[test]
    fn a_planted_pipe_or_link_is_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let db = tmp.path().join("kpi.db");
        let path = file_for(&dir, &db);
        // A named pipe would block the board at start; it is skipped at once.
        nix::unistd::mkfifo(&path, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
        assert_eq!(take_in::<D>(&dir, &db), None);
        std::fs::remove_file(&path).unwrap();
        // A symlink to a file elsewhere is not followed.
        let elsewhere = tmp.path().join("elsewhere.json");
        std::fs::write(&elsewhere, br#"{"kind":"call","values":[]}"#).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
        assert_eq!(take_in::<D>(&dir, &db), None);
        assert!(elsewhere.exists());
    }

    #[test]
    fn a_damaged_draft_is_set_aside_not_fatal() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let db = tmp.path().join("kpi.db");
        std::fs::write(file_for(&dir, &db), b"{not json").unwrap();
        assert_eq!(take_in::<D>(&dir, &db), None);
        assert!(file_for(&dir, &db).with_extension("bad").exists());
    }
}
