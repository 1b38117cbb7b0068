//! `lienthong key list | add | use | retire`: the signing key set (see `auth::key_set`). Servers read
//! the set when they start: restart every instance after `add` and after `use`.

use clap::Subcommand;
use entity::api_token;
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter};

use super::{Output, print_json};
use crate::auth::Keys;
use crate::auth::key_set::{self, KeyEntry, KeySet, KeyState};
use crate::config::Config;
use crate::error::{AppError, AppResult};

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// List the keys of the set (never their secrets).
    List,
    /// Add a fresh key that verifies but does not sign yet. The first `add` starts the set from the
    /// configured secret, which stays current.
    Add,
    /// Make a key current: new tokens are signed with it; the previous current key still verifies.
    Use { kid: String },
    /// Retire a key: its tokens are refused from the next start on. Refused while unexpired, unrevoked
    /// tokens signed with it remain, unless --force.
    Retire {
        kid: String,
        #[arg(long)]
        force: bool,
    },
}

pub async fn run(action: KeyCommand, config: &Config, output: Output) -> AppResult<()> {
    let path = key_set::path_of(config).ok_or_else(|| {
        AppError::bad_input(
            "LIENTHONG_JWT_KEYSET_FILE",
            "name the key set file (--jwt-keyset-file); it defaults to DB.jwt-keys.json only beside \
             a SQLite file",
        )
    })?;
    if config.jwt_key_pair.is_some() {
        return Err(AppError::bad_input(
            "LIENTHONG_JWT_PRIVATE_KEY_FILE",
            "key sets hold HS256 secrets; a PEM key pair is rotated by replacing its files",
        ));
    }
    let existing = path.exists().then(|| KeySet::read(&path)).transpose()?;
    match action {
        KeyCommand::List => {
            let set = existing.unwrap_or(started_from_secret(config)?);
            show(&set, output);
            Ok(())
        }
        KeyCommand::Add => {
            // A set starts from the secret tokens were signed with so far, if any; on a new
            // installation its first key is current at once.
            let mut set = match existing {
                Some(set) => set,
                None if Keys::has_single_secret(config) => started_from_secret(config)?,
                None => KeySet::default(),
            };
            let first = set.keys.is_empty();
            let secret = Keys::generate_secret();
            let entry = KeyEntry {
                kid: Keys::kid_of(secret.as_bytes()),
                secret,
                state: if first {
                    KeyState::Current
                } else {
                    KeyState::Active
                },
                added_at: chrono::Utc::now(),
                legacy: false,
            };
            let kid = entry.kid.clone();
            set.keys.push(entry);
            set.write(&path)?;
            if first {
                report(output, "current", &kid, "it signs from the next start on");
            } else {
                report(
                    output,
                    "added",
                    &kid,
                    "restart every instance, then `key use` it",
                );
            }
            Ok(())
        }
        KeyCommand::Use { kid } => {
            let mut set = existing.ok_or_else(no_set)?;
            if set.find_mut(&kid)?.state == KeyState::Retired {
                return Err(AppError::InvalidState(format!("key {kid} is retired")));
            }
            for key in &mut set.keys {
                if key.state == KeyState::Current {
                    key.state = KeyState::Active;
                }
            }
            set.find_mut(&kid)?.state = KeyState::Current;
            set.write(&path)?;
            report(
                output,
                "current",
                &kid,
                "restart every instance to sign with it",
            );
            Ok(())
        }
        KeyCommand::Retire { kid, force } => {
            let mut set = existing.ok_or_else(no_set)?;
            let key = set.find_mut(&kid)?;
            if key.state == KeyState::Current {
                return Err(AppError::InvalidState(format!(
                    "key {kid} is current: make another key current first"
                )));
            }
            let live = live_tokens(config, &kid, key.legacy).await?;
            if live > 0 && !force {
                return Err(AppError::InvalidState(format!(
                    "{live} unexpired, unrevoked token(s) were signed with key {kid}; retire it once \
                     they expire (or rotate them), or give --force to refuse them now"
                )));
            }
            key.state = KeyState::Retired;
            key.secret.clear();
            set.write(&path)?;
            report(output, "retired", &kid, "restart every instance");
            Ok(())
        }
    }
}

fn no_set() -> AppError {
    AppError::InvalidState("there is no key set yet: start one with `lienthong key add`".into())
}

/// A set holding the configured single secret as its current key: its key id is the one tokens
/// signed so far carry, so they stay valid.
fn started_from_secret(config: &Config) -> AppResult<KeySet> {
    let secret = Keys::single_secret(config)?;
    Ok(KeySet {
        keys: vec![KeyEntry {
            kid: Keys::kid_of(&secret),
            secret: String::from_utf8_lossy(&secret).into_owned(),
            state: KeyState::Current,
            added_at: chrono::Utc::now(),
            legacy: true,
        }],
    })
}

/// Unexpired, unrevoked tokens signed with `kid` (for the legacy key, also those without a key id).
async fn live_tokens(config: &Config, kid: &str, legacy: bool) -> AppResult<u64> {
    let db = crate::db::connect(config).await?;
    crate::schema_version::require_current(&db).await?;
    let signed_by = if legacy {
        Condition::any()
            .add(api_token::Column::Kid.eq(kid))
            .add(api_token::Column::Kid.is_null())
    } else {
        Condition::all().add(api_token::Column::Kid.eq(kid))
    };
    Ok(api_token::Entity::find()
        .filter(signed_by)
        .filter(api_token::Column::RevokedAt.is_null())
        .filter(api_token::Column::ExpiresAt.gt(chrono::Utc::now()))
        .count(&db)
        .await?)
}

fn show(set: &KeySet, output: Output) {
    match output {
        Output::Json => {
            let keys: Vec<_> = set
                .keys
                .iter()
                .map(|k| serde_json::json!({ "kid": k.kid, "state": k.state, "addedAt": k.added_at }))
                .collect();
            print_json(&serde_json::json!({ "keys": keys }));
        }
        Output::Text => {
            println!("{:<18} {:<8} ADDED", "KID", "STATE");
            for k in &set.keys {
                let state = serde_json::to_value(k.state).unwrap_or_default();
                println!(
                    "{:<18} {:<8} {}",
                    k.kid,
                    state.as_str().unwrap_or("?"),
                    k.added_at.format("%Y-%m-%d %H:%M")
                );
            }
        }
    }
}

fn report(output: Output, what: &str, kid: &str, next: &str) {
    match output {
        Output::Json => print_json(&serde_json::json!({ "kid": kid, "state": what })),
        Output::Text => {
            println!("{kid}");
            eprintln!("key {kid} {what}; {next}");
        }
    }
}
