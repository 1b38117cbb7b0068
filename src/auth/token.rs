//! Token text: signing and verification. Only the signature and claims are checked here; whether the
//! token is still valid in the database (known, not revoked) is checked by `verify_token`, which
//! `gate::authenticate` calls for every transport.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Header, decode, decode_header, encode};
use serde::{Deserialize, Serialize};

use super::keys::Keys;
use crate::error::{AppError, AppResult};

/// Longest token text looked at; anything longer is refused before parsing.
pub const MAX_TOKEN_BYTES: usize = 4096;

/// The claims every token carries (DESIGN.md §5).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    /// Agency code.
    pub agency: String,
    /// Role name (VIEWER, EDITOR, APPROVER, ADMIN).
    pub role: String,
    pub jti: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
}

impl Keys {
    /// Signs a token for these claims.
    pub fn sign(
        &self,
        subject: &str,
        agency: &str,
        role: &str,
        jti: &str,
        issued_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> AppResult<String> {
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: subject.to_owned(),
            agency: agency.to_owned(),
            role: role.to_owned(),
            jti: jti.to_owned(),
            iat: issued_at.timestamp(),
            nbf: issued_at.timestamp(),
            exp: expires_at.timestamp(),
        };
        let mut header = Header::new(self.algorithm);
        header.kid = Some(self.kid.clone());
        encode(&header, &claims, &self.encoding)
            .map_err(|e| AppError::Internal(format!("sign token: {e}")))
    }

    /// Verifies signature, algorithm, key id, issuer, audience, expiry and not-before. Every failure is
    /// the same UNAUTHENTICATED error, so a caller learns nothing about which check failed.
    pub fn verify(&self, token: &str) -> AppResult<Claims> {
        if token.is_empty() || token.len() > MAX_TOKEN_BYTES {
            return Err(AppError::Unauthenticated);
        }
        let header = decode_header(token).map_err(|_| AppError::Unauthenticated)?;
        // Keys are never fetched from `jku`/`x5u`; a token naming a key we do not hold (never had, or
        // retired) is refused.
        let kid = header.kid.as_deref().unwrap_or_default();
        let key = if kid == self.kid {
            Some(&self.decoding)
        } else {
            self.verifying
                .iter()
                .find(|(id, _)| id == kid)
                .map(|(_, key)| key)
        };
        let Some(key) = key else {
            return Err(AppError::Unauthenticated);
        };
        if header.alg != self.algorithm || !is_plain(&header) {
            return Err(AppError::Unauthenticated);
        }
        let data = decode::<Claims>(token, key, &self.validation).map_err(|e| {
            tracing::debug!(reason = %e, "token refused");
            AppError::Unauthenticated
        })?;
        Ok(data.claims)
    }
}

/// Our tokens carry only `alg`, `kid` and `typ: JWT`. A header naming key URLs, embedding a key or
/// declaring extensions was not made here, whatever its signature.
fn is_plain(header: &Header) -> bool {
    matches!(header.typ.as_deref(), None | Some("JWT"))
        && header.cty.is_none()
        && header.jku.is_none()
        && header.jwk.is_none()
        && header.x5u.is_none()
        && header.x5c.is_none()
        && header.x5t.is_none()
        && header.x5t_s256.is_none()
        && header.crit.is_none()
        && header.enc.is_none()
        && header.zip.is_none()
        && header.url.is_none()
        && header.nonce.is_none()
        && header.extras.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use base64::Engine;
    use chrono::Duration;

    fn keys() -> Keys {
        Keys::hs256(&[42u8; 32], &Config::new("sqlite::memory:")).expect("keys")
    }

    #[test]
    fn round_trip() {
        let keys = keys();
        let now = Utc::now();
        let token = keys
            .sign(
                "alice",
                "health",
                "EDITOR",
                "j1",
                now,
                now + Duration::hours(1),
            )
            .expect("sign");
        let claims = keys.verify(&token).expect("verify");
        assert_eq!(claims.sub, "alice");
        assert_eq!(claims.jti, "j1");
    }

    #[test]
    fn expired_and_future_tokens_are_refused() {
        let keys = keys();
        let now = Utc::now();
        let old = keys
            .sign(
                "a",
                "health",
                "VIEWER",
                "j",
                now - Duration::hours(2),
                now - Duration::hours(1),
            )
            .expect("sign");
        assert!(keys.verify(&old).is_err());
        let future = keys
            .sign(
                "a",
                "health",
                "VIEWER",
                "j",
                now + Duration::hours(1),
                now + Duration::hours(2),
            )
            .expect("sign");
        assert!(keys.verify(&future).is_err());
    }

    #[test]
    fn alg_none_and_foreign_keys_are_refused() {
        let keys = keys();
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let now = Utc::now().timestamp();
        let payload = format!(
            r#"{{"iss":"lienthong","aud":"lienthong-api","sub":"x","agency":"admin","role":"ADMIN","jti":"j","iat":{now},"nbf":{now},"exp":{}}}"#,
            now + 3600
        );
        let none = format!(
            "{}.{}.",
            b64.encode(r#"{"alg":"none","typ":"JWT"}"#),
            b64.encode(&payload)
        );
        assert!(keys.verify(&none).is_err());
        let other = Keys::hs256(&[9u8; 32], &Config::new("sqlite::memory:")).expect("keys");
        let forged = other
            .sign(
                "x",
                "admin",
                "ADMIN",
                "j",
                Utc::now(),
                Utc::now() + Duration::hours(1),
            )
            .expect("sign");
        assert!(keys.verify(&forged).is_err());
        assert!(keys.verify(&"a".repeat(MAX_TOKEN_BYTES + 1)).is_err());
    }

    #[test]
    fn string_exp_is_refused() {
        let keys = keys();
        let header = Header {
            kid: Some(keys.kid.clone()),
            ..Header::new(jsonwebtoken::Algorithm::HS256)
        };
        let claims = serde_json::json!({
            "iss": "lienthong", "aud": "lienthong-api", "sub": "x", "agency": "admin", "role": "ADMIN",
            "jti": "j", "iat": 0, "nbf": "0", "exp": "99999999999"
        });
        let token = encode(&header, &claims, &keys.encoding).expect("encode");
        assert!(keys.verify(&token).is_err());
    }

    #[test]
    fn headers_naming_key_urls_are_refused_even_when_signed() {
        let keys = keys();
        let now = Utc::now();
        let claims = Claims {
            iss: "lienthong".into(),
            aud: "lienthong-api".into(),
            sub: "x".into(),
            agency: "admin".into(),
            role: "ADMIN".into(),
            jti: "j".into(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: (now + Duration::hours(1)).timestamp(),
        };
        let plain = Header {
            kid: Some(keys.kid.clone()),
            ..Header::new(jsonwebtoken::Algorithm::HS256)
        };
        let token = encode(&plain, &claims, &keys.encoding).expect("encode");
        assert!(keys.verify(&token).is_ok());
        let with_url = Header {
            jku: Some("http://127.0.0.1:1/jwks.json".into()),
            ..plain.clone()
        };
        let token = encode(&with_url, &claims, &keys.encoding).expect("encode");
        assert!(keys.verify(&token).is_err());
    }
}
