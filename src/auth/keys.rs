//! Signing keys and the verification rules for tokens (DESIGN.md §5, §8).

use std::path::{Path, PathBuf};

use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Validation};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::error::{AppError, AppResult};

/// Shortest secret accepted: HS256 is only as strong as its key.
const MIN_SECRET_BYTES: usize = 32;

/// The key tokens are signed and verified with, and the one `Validation` every token must pass.
pub struct Keys {
    pub(super) encoding: EncodingKey,
    pub(super) decoding: DecodingKey,
    /// Key id put in every token header; a token naming another key is refused without further work.
    pub(super) kid: String,
    pub(super) algorithm: Algorithm,
    pub(super) validation: Validation,
    pub(super) issuer: String,
    pub(super) audience: String,
    /// Key of the MACs that seal pagination cursors, derived from the signing key material.
    cursor_key: [u8; 32],
    /// Keys of the key set that no longer sign but still verify their tokens, by key id (HS256).
    pub(super) verifying: Vec<(String, DecodingKey)>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .finish()
    }
}

impl Keys {
    /// HS256 keys from a shared secret.
    pub fn hs256(secret: &[u8], config: &Config) -> AppResult<Keys> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(AppError::bad_input(
                "LIENTHONG_JWT_SECRET",
                format!("the secret must be at least {MIN_SECRET_BYTES} bytes"),
            ));
        }
        let keys = (
            EncodingKey::from_secret(secret),
            DecodingKey::from_secret(secret),
        );
        Ok(Keys::assemble(
            Algorithm::HS256,
            keys,
            &key_id(secret),
            secret,
            config,
        ))
    }

    /// EdDSA (Ed25519) or RS256 keys from a PEM key pair; the algorithm follows from the key type.
    pub fn from_pem(private_pem: &[u8], public_pem: &[u8], config: &Config) -> AppResult<Keys> {
        let bad = |e: jsonwebtoken::errors::Error| {
            AppError::bad_input(
                "LIENTHONG_JWT_PRIVATE_KEY_FILE",
                format!("not a usable key: {e}"),
            )
        };
        let (algorithm, keys) = match EncodingKey::from_ed_pem(private_pem) {
            Ok(enc) => (
                Algorithm::EdDSA,
                (enc, DecodingKey::from_ed_pem(public_pem).map_err(bad)?),
            ),
            Err(_) => {
                let enc = EncodingKey::from_rsa_pem(private_pem).map_err(bad)?;
                (
                    Algorithm::RS256,
                    (enc, DecodingKey::from_rsa_pem(public_pem).map_err(bad)?),
                )
            }
        };
        let keys = Keys::assemble(algorithm, keys, &key_id(public_pem), private_pem, config);
        // A pair that does not belong together would sign tokens nobody can verify: refuse at start-up.
        let now = chrono::Utc::now();
        let probe = keys.sign(
            "probe",
            "probe",
            "VIEWER",
            "probe",
            now,
            now + chrono::Duration::minutes(1),
        )?;
        keys.verify(&probe).map_err(|_| {
            AppError::bad_input(
                "LIENTHONG_JWT_PUBLIC_KEY_FILE",
                "does not match the private key",
            )
        })?;
        Ok(keys)
    }

    fn assemble(
        algorithm: Algorithm,
        (encoding, decoding): (EncodingKey, DecodingKey),
        kid: &str,
        secret_material: &[u8],
        config: &Config,
    ) -> Keys {
        let mut validation = Validation::new(algorithm);
        // Only the configured algorithm: no `none`, no HS/RS confusion.
        validation.algorithms = vec![algorithm];
        validation.leeway = config.token_leeway_secs.min(30);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = true;
        validation.set_issuer(&[config.token_issuer.as_str()]);
        validation.set_audience(&[config.token_audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        Keys {
            verifying: Vec::new(),
            encoding,
            decoding,
            kid: kid.to_owned(),
            algorithm,
            validation,
            issuer: config.token_issuer.clone(),
            audience: config.token_audience.clone(),
            cursor_key: Sha256::new()
                .chain_update(b"lienthong pagination cursors\0")
                .chain_update(secret_material)
                .finalize()
                .into(),
        }
    }

    /// Key for sealing pagination cursors; secret, and the same in every process sharing the keys.
    pub fn cursor_key(&self) -> &[u8] {
        &self.cursor_key
    }

    /// Loads the secret the configuration names; with neither secret nor file on SQLite, generates one
    /// once and keeps it beside the database file (mode 0600). PostgreSQL deployments must give one, since
    /// several instances have to share it.
    pub fn load(config: &Config) -> AppResult<Keys> {
        if let Some((private, public)) = &config.jwt_key_pair {
            let read = |path: &PathBuf, field: &str| {
                std::fs::read(path)
                    .map_err(|e| AppError::bad_input(field, format!("{}: {e}", path.display())))
            };
            return Keys::from_pem(
                &read(private, "LIENTHONG_JWT_PRIVATE_KEY_FILE")?,
                &read(public, "LIENTHONG_JWT_PUBLIC_KEY_FILE")?,
                config,
            );
        }
        if let Some(path) = super::key_set::path_of(config)
            && (config.jwt_keyset_file.is_some() || path.exists())
        {
            return Keys::from_set(&super::key_set::KeySet::read(&path)?, config);
        }
        let secret = Keys::single_secret(config)?;
        Keys::hs256(&secret, config)
    }

    /// HS256 keys from a key set: the current key signs; active keys verify their own tokens.
    pub fn from_set(set: &super::key_set::KeySet, config: &Config) -> AppResult<Keys> {
        use super::key_set::KeyState;
        let current = set.current()?;
        let mut keys = Keys::hs256(current.secret.as_bytes(), config)?;
        keys.kid.clone_from(&current.kid);
        keys.verifying = set
            .keys
            .iter()
            .filter(|k| k.state == KeyState::Active)
            .map(|k| (k.kid.clone(), DecodingKey::from_secret(k.secret.as_bytes())))
            .collect();
        Ok(keys)
    }

    /// A fresh random secret for a key set.
    pub fn generate_secret() -> String {
        random_secret()
    }

    /// The key id a secret gets in a key set.
    pub fn kid_of(secret: &[u8]) -> String {
        key_id(secret)
    }

    /// Whether a single secret is configured (flag or file) or was generated beside a SQLite database.
    pub fn has_single_secret(config: &Config) -> bool {
        config.jwt_secret.is_some()
            || config.jwt_secret_file.is_some()
            || sqlite_secret_path(&config.database_url).is_some_and(|p| p.exists())
    }

    /// The one HS256 secret configured without a key set (flag, file, or generated beside SQLite).
    pub fn single_secret(config: &Config) -> AppResult<Vec<u8>> {
        let secret = if let Some(secret) = &config.jwt_secret {
            secret.trim().as_bytes().to_vec()
        } else if let Some(path) = &config.jwt_secret_file {
            std::fs::read_to_string(path)
                .map_err(|e| {
                    AppError::bad_input(
                        "LIENTHONG_JWT_SECRET_FILE",
                        format!("{}: {e}", path.display()),
                    )
                })?
                .trim()
                .as_bytes()
                .to_vec()
        } else if let Some(path) = sqlite_secret_path(&config.database_url) {
            read_or_create_secret(&path)?
        } else if config.is_sqlite() {
            // An in-memory database lives only as long as the process; so may its secret.
            random_secret().into_bytes()
        } else {
            return Err(AppError::bad_input(
                "LIENTHONG_JWT_SECRET",
                "a PostgreSQL deployment needs LIENTHONG_JWT_SECRET, LIENTHONG_JWT_SECRET_FILE or \
                 LIENTHONG_JWT_KEYSET_FILE",
            ));
        };
        Ok(secret)
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }
}

/// A key id derived from key material without revealing it.
fn key_id(material: &[u8]) -> String {
    Sha256::digest(material)[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `sqlite://data/lienthong.db?mode=rwc` keeps its secret in `data/lienthong.db.jwt-secret`.
fn sqlite_secret_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let file = rest.split('?').next().unwrap_or_default();
    if file.is_empty() || file.contains(":memory:") || rest.contains("mode=memory") {
        return None;
    }
    Some(PathBuf::from(format!("{file}.jwt-secret")))
}

pub(super) fn random_secret() -> String {
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes)
}

fn read_or_create_secret(path: &Path) -> AppResult<Vec<u8>> {
    if let Ok(text) = std::fs::read_to_string(path) {
        return Ok(text.trim().as_bytes().to_vec());
    }
    let secret = random_secret();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            use std::io::Write;
            file.write_all(secret.as_bytes())?;
            file.sync_all()?;
            tracing::info!(path = %path.display(), "generated a token signing secret");
            Ok(secret.into_bytes())
        }
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(std::fs::read_to_string(path)?.trim().as_bytes().to_vec())
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_path_sits_beside_the_database() {
        assert_eq!(
            sqlite_secret_path("sqlite://data/x.db?mode=rwc"),
            Some(PathBuf::from("data/x.db.jwt-secret"))
        );
        assert_eq!(sqlite_secret_path("sqlite::memory:"), None);
        assert_eq!(sqlite_secret_path("postgres://localhost/x"), None);
    }

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("fixture")
    }

    #[test]
    fn key_pairs_select_their_algorithm_and_refuse_the_others() {
        let config = Config::new("sqlite::memory:");
        let ed_private = fixture("ed25519-test-private.pem");
        let ed =
            Keys::from_pem(&ed_private, &fixture("ed25519-test-public.pem"), &config).expect("ed");
        assert_eq!(ed.algorithm, Algorithm::EdDSA);
        let rsa_public = fixture("rsa-test-public.pem");
        let rsa =
            Keys::from_pem(&fixture("rsa-test-private.pem"), &rsa_public, &config).expect("rsa");
        assert_eq!(rsa.algorithm, Algorithm::RS256);
        let now = chrono::Utc::now();
        let later = now + chrono::Duration::minutes(5);
        let token = ed.sign("s", "a", "VIEWER", "j", now, later).expect("sign");
        assert!(ed.verify(&token).is_ok());
        assert!(
            rsa.verify(&token).is_err(),
            "a token of one key pair is refused by another"
        );
        // HS/RS confusion: HS256 "signed" with the RSA public key must not pass as RS256.
        let mut confused = Keys::hs256(&rsa_public, &config).expect("hs");
        confused.kid = rsa.kid.clone();
        let forged = confused
            .sign("s", "a", "VIEWER", "j", now, later)
            .expect("sign");
        assert!(rsa.verify(&forged).is_err());
        assert!(
            Keys::from_pem(&ed_private, &rsa_public, &config).is_err(),
            "mismatched pair refused"
        );
    }

    #[test]
    fn short_secrets_are_refused() {
        let config = Config::new("sqlite::memory:");
        assert!(Keys::hs256(b"short", &config).is_err());
        assert!(Keys::hs256(&[7u8; 32], &config).is_ok());
    }
}
