//! `token`: token text, `lienthong::auth::Keys::verify` (header and claims checks), and the WebSocket
//! `connection_init` token extraction, `lienthong::graphql::ws::token_of`.
//!
//! Invariants:
//! - the input as a token never panics and is refused with UNAUTHENTICATED unless it carries a valid
//!   signature by the target's secret (checked with HMAC directly, not through the JWT library);
//! - that signed token with one edit driven by the input (byte replaced, inserted, removed, cut, or the
//!   input spliced in) is refused unless the edit left it unchanged;
//! - the input as a `connection_init` payload never panics, and whatever token it yields is refused the
//!   same way; the signed token sent in each supported spelling is extracted and accepted.
//!
//! Also compiled into the root crate's `tests/fuzz_corpus.rs`, which replays the seeds and regressions.
#![cfg_attr(fuzzing, no_main)]

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use hmac::{Hmac, Mac};
use lienthong::auth::{Claims, Keys};
use lienthong::config::Config;
use lienthong::error::AppError;
use lienthong::graphql::ws::token_of;
use sha2::Sha256;

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| run(data));

#[cfg(all(not(fuzzing), not(test)))]
fn main() {}

const SECRET: [u8; 32] = [42; 32];

struct Fixture {
    keys: Keys,
    token: String,
    claims: Claims,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let Ok(keys) = Keys::hs256(&SECRET, &Config::new("sqlite::memory:")) else {
            panic!("keys");
        };
        let now = Utc::now();
        let Ok(token) = keys.sign(
            "alice",
            "health",
            "EDITOR",
            "j1",
            now - Duration::minutes(1),
            now + Duration::days(3650),
        ) else {
            panic!("sign");
        };
        let Ok(claims) = keys.verify(&token) else {
            panic!("a fresh token is refused");
        };
        Fixture {
            keys,
            token,
            claims,
        }
    })
}

/// Whether the text carries a valid HS256 signature by the fixture's secret, checked here without the
/// JWT library: no other token may be accepted.
fn signed_here(token: &str) -> bool {
    let Some((signed, signature)) = token.rsplit_once('.') else {
        return false;
    };
    let Ok(signature) = URL_SAFE_NO_PAD.decode(signature) else {
        return false;
    };
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&SECRET) else {
        panic!("HMAC takes keys of any length");
    };
    mac.update(signed.as_bytes());
    mac.verify_slice(&signature).is_ok()
}

/// The token is refused with UNAUTHENTICATED unless signed with the fixture's secret; with `only_fixture`,
/// unless it is the fixture's token itself.
fn check(token: &str, only_fixture: bool) {
    let fixture = fixture();
    match fixture.keys.verify(token) {
        Ok(claims) => {
            assert!(
                signed_here(token),
                "a token not signed here was accepted: {token}"
            );
            if only_fixture || token == fixture.token {
                assert_eq!(token, fixture.token, "an edited token was accepted");
                assert_eq!(claims, fixture.claims);
            }
        }
        Err(AppError::Unauthenticated) => {
            assert_ne!(token, fixture.token, "the signed token was refused");
        }
        Err(other) => panic!("refused with {other:?} instead of UNAUTHENTICATED"),
    }
}

pub fn run(data: &[u8]) {
    let fixture = fixture();

    // The input as a token.
    check(&String::from_utf8_lossy(data), false);

    // The signed token, edited.
    if let Some((&op, rest)) = data.split_first() {
        let mut edited = fixture.token.clone().into_bytes();
        let index = rest
            .first()
            .map_or(0, |&b| usize::from(b) * 7 % (edited.len() + 1));
        let byte = rest.get(1).copied().unwrap_or(b'A');
        match op % 5 {
            0 => {
                let i = index.min(edited.len() - 1);
                edited[i] = byte;
            }
            1 => edited.insert(index, byte),
            2 => {
                edited.remove(index.min(edited.len() - 1));
            }
            3 => edited.truncate(index),
            _ => {
                let tail = edited.split_off(index);
                edited.extend_from_slice(rest.get(2..).unwrap_or_default());
                edited.extend_from_slice(&tail);
            }
        }
        if let Ok(edited) = String::from_utf8(edited) {
            check(&edited, true);
        }
    }

    // The input as a connection_init payload.
    if let Ok(payload) = serde_json::from_slice::<serde_json::Value>(data)
        && let Some(token) = token_of(&payload)
    {
        check(&token, false);
    }
    for payload in [
        serde_json::json!({ "Authorization": format!("Bearer {}", fixture.token) }),
        serde_json::json!({ "authorization": format!("bearer  {} ", fixture.token) }),
        serde_json::json!({ "token": fixture.token }),
    ] {
        assert_eq!(
            token_of(&payload).as_deref(),
            Some(fixture.token.as_str()),
            "{payload}"
        );
    }
}
