//! The signing key set file: HS256 secrets with key ids, one of them current (signs new tokens), others
//! active (still verify the tokens they signed) or retired (their tokens are refused). Rotation: `key
//! add` (restart every instance: they now verify with it), `key use` (restart: it signs), and once the
//! old key's tokens have expired, `key retire`. Kept with mode 0600, beside the database file by
//! default; back it up with the database.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyState {
    /// Signs new tokens and verifies; exactly one key is current.
    Current,
    /// Verifies the tokens it signed.
    Active,
    /// Verifies nothing: its tokens are refused. Its secret is erased.
    Retired,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyEntry {
    pub kid: String,
    /// Empty once retired.
    #[serde(default)]
    pub secret: String,
    pub state: KeyState,
    pub added_at: DateTime<Utc>,
    /// The single secret the set started from: tokens issued before key sets (no stored key id) are its.
    #[serde(default)]
    pub legacy: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct KeySet {
    pub keys: Vec<KeyEntry>,
}

impl KeySet {
    pub fn read(path: &Path) -> AppResult<KeySet> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            AppError::bad_input(
                "LIENTHONG_JWT_KEYSET_FILE",
                format!("{}: {e}", path.display()),
            )
        })?;
        let set: KeySet = serde_json::from_str(&text).map_err(|e| {
            AppError::bad_input(
                "LIENTHONG_JWT_KEYSET_FILE",
                format!("{}: {e}", path.display()),
            )
        })?;
        set.current()?;
        Ok(set)
    }

    /// Writes the set atomically (a new file renamed over the old), readable by its owner only.
    pub fn write(&self, path: &Path) -> AppResult<()> {
        self.current()?;
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| AppError::Internal(format!("key set: {e}")))?;
        let tmp = PathBuf::from(format!("{}.tmp", path.display()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        {
            use std::io::Write;
            let mut file = options.open(&tmp)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
        }
        std::fs::rename(&tmp, path)?;
        Ok(())
    }

    /// The key that signs.
    pub fn current(&self) -> AppResult<&KeyEntry> {
        let mut current = self.keys.iter().filter(|k| k.state == KeyState::Current);
        match (current.next(), current.next()) {
            (Some(key), None) => Ok(key),
            _ => Err(AppError::bad_input(
                "LIENTHONG_JWT_KEYSET_FILE",
                "the key set must have exactly one current key",
            )),
        }
    }

    pub fn find_mut(&mut self, kid: &str) -> AppResult<&mut KeyEntry> {
        self.keys
            .iter_mut()
            .find(|k| k.kid == kid)
            .ok_or_else(|| AppError::bad_input("kid", format!("no key {kid} in the key set")))
    }
}

/// The key set file the configuration names: the flag, or `DB.jwt-keys.json` beside a SQLite database.
pub fn path_of(config: &Config) -> Option<PathBuf> {
    if let Some(path) = &config.jwt_keyset_file {
        return Some(path.clone());
    }
    let rest = config
        .database_url
        .strip_prefix("sqlite://")
        .or_else(|| config.database_url.strip_prefix("sqlite:"))?;
    let file = rest.split('?').next().unwrap_or_default();
    if file.is_empty() || file.contains(":memory:") || rest.contains("mode=memory") {
        return None;
    }
    Some(PathBuf::from(format!("{file}.jwt-keys.json")))
}
