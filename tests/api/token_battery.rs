//! A seeded battery of well over a thousand forged or broken bearer tokens. Every one gets exactly the
//! uniform UNAUTHENTICATED answer, none gets data, and no key URL in a token is ever fetched; the same
//! machinery accepts a genuine token, so the battery cannot pass because everything is refused.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD as B64};
use entity::Role;
use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use http_body_util::BodyExt;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use lienthong::auth::{Keys, MAX_TOKEN_BYTES};
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::helpers::{SECRET, TestApp, test_config};

const ME: &str = "{ me { subject } }";
const REVOKE: &str =
    "mutation($jti: String!) { revokeToken(input: { jti: $jti }) { apiToken { jti active } } }";
const SEED: u64 = 0x6c69_656e_7468_6f6e;
const BASE64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The one answer every refused token gets (the `unauthenticated` snapshot of tests/api/auth.rs).
fn refusal() -> Value {
    json!({ "errors": [{
        "message": "authentication required: send a valid bearer token",
        "extensions": { "code": "UNAUTHENTICATED" }
    }] })
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

fn hs256(key: &[u8], input: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(input.as_bytes());
    B64.encode(mac.finalize().into_bytes())
}

/// A token from raw header and claims text, HMAC-SHA256-signed with `key` whatever the header says.
fn forge(header: &str, claims: &str, key: &[u8]) -> String {
    let input = format!("{}.{}", B64.encode(header), B64.encode(claims));
    let signature = hs256(key, &input);
    format!("{input}.{signature}")
}

fn decode_part(part: &str) -> Value {
    serde_json::from_slice(&B64.decode(part).expect("b64")).expect("json")
}

/// What the battery is made from: a genuine token, its claims, the key id, and where key URLs point.
struct Material {
    good: String,
    claims: Value,
    kid: String,
    jwks_url: String,
    now: i64,
}

impl Material {
    fn header(&self, alg: &str) -> Value {
        json!({ "typ": "JWT", "alg": alg, "kid": self.kid })
    }

    /// Our header and the genuine claims with `key` set to `value` (or removed, for `None`), signed with
    /// the real secret: only the claim is wrong.
    fn with(&self, key: &str, value: Option<Value>) -> String {
        let mut claims = self.claims.clone();
        match value {
            Some(v) => claims[key] = v,
            None => {
                claims.as_object_mut().expect("object").remove(key);
            }
        }
        forge(
            &self.header("HS256").to_string(),
            &claims.to_string(),
            SECRET.as_bytes(),
        )
    }
}

/// The forged tokens, family by family; each entry is the list of Authorization header values sent.
fn battery(m: &Material, revoked: &str, rng: &mut StdRng) -> Vec<(&'static str, Vec<Vec<u8>>)> {
    let mut out: Vec<(&'static str, Vec<Vec<u8>>)> = Vec::new();
    let mut add = |family: &'static str, token: String| {
        out.push((family, vec![format!("Bearer {token}").into_bytes()]));
    };
    let secret = SECRET.as_bytes();
    let claims_text = m.claims.to_string();
    let (good_head, rest) = m.good.split_once('.').expect("parts");
    let (good_payload, good_sig) = rest.split_once('.').expect("parts");
    let escalated = escalated_value(m).to_string();
    let rsa_public = fixture("rsa-test-public.pem");
    let ed_public = fixture("ed25519-test-public.pem");

    // alg none, in every spelling, with and without a signature, with and without our kid.
    for alg in ["none", "None", "NONE", "nOnE", ""] {
        for kid in [Some(m.kid.as_str()), None] {
            for claims in [claims_text.as_str(), escalated.as_str()] {
                let mut header = json!({ "typ": "JWT", "alg": alg });
                if let Some(kid) = kid {
                    header["kid"] = json!(kid);
                }
                let input = format!("{}.{}", B64.encode(header.to_string()), B64.encode(claims));
                add("alg none", format!("{input}."));
                add("alg none", input.clone());
                add("alg none", format!("{input}.{}", hs256(secret, &input)));
                add("alg none", format!("{input}.{good_sig}"));
                add("alg none", format!("{input}.AAAA"));
            }
        }
    }

    // HS/RS confusion: an asymmetric algorithm named, an HMAC made with the secret or the public key.
    let keys: [&[u8]; 5] = [
        secret,
        &rsa_public,
        &ed_public,
        rsa_public.trim_ascii_end(),
        ed_public.trim_ascii_end(),
    ];
    for alg in [
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA", "HS384",
        "HS512",
    ] {
        for key in keys {
            for kid in [Some(m.kid.as_str()), None] {
                let mut header = json!({ "typ": "JWT", "alg": alg });
                if let Some(kid) = kid {
                    header["kid"] = json!(kid);
                }
                add(
                    "alg confusion",
                    forge(&header.to_string(), &claims_text, key),
                );
            }
        }
    }
    // HS256 itself, MAC'd with the public keys instead of the secret.
    for key in &keys[1..] {
        add(
            "alg confusion",
            forge(&m.header("HS256").to_string(), &claims_text, key),
        );
    }

    // Signed with a wrong key: random secrets, near-misses of the real one, and real key pairs.
    for len in [0usize, 1, 16, 31, 32, 33, 48, 64, 128] {
        for _ in 0..6 {
            let mut key = vec![0u8; len];
            rng.fill_bytes(&mut key);
            add(
                "wrong key",
                forge(&m.header("HS256").to_string(), &claims_text, &key),
            );
        }
    }
    for i in 0..secret.len() {
        let mut key = secret.to_vec();
        key[i] ^= 1 << rng.random_range(0..7);
        add(
            "wrong key",
            forge(&m.header("HS256").to_string(), &claims_text, &key),
        );
    }
    for key in [
        &secret[..secret.len() - 1],
        &secret[1..],
        format!("{SECRET}\n").as_bytes(),
        format!(" {SECRET}").as_bytes(),
        SECRET.to_uppercase().as_bytes(),
    ] {
        add(
            "wrong key",
            forge(&m.header("HS256").to_string(), &claims_text, key),
        );
    }
    let pairs = [
        (
            Algorithm::RS256,
            EncodingKey::from_rsa_pem(&fixture("rsa-test-private.pem")).expect("rsa"),
        ),
        (
            Algorithm::EdDSA,
            EncodingKey::from_ed_pem(&fixture("ed25519-test-private.pem")).expect("ed"),
        ),
    ];
    for (alg, key) in &pairs {
        for kid in [Some(m.kid.clone()), None, Some("attacker".into())] {
            let header = Header {
                kid,
                ..Header::new(*alg)
            };
            add("wrong key", encode(&header, &m.claims, key).expect("sign"));
            add(
                "wrong key",
                encode(&header, &escalated_value(m), key).expect("sign"),
            );
        }
    }

    // Time claims of the wrong type or out of range, each signed with the real secret.
    let now = m.now;
    for claim in ["exp", "nbf", "iat"] {
        let real = m.claims[claim].as_i64().expect("number");
        for value in [
            json!(real.to_string()),
            json!(format!("{real}.0")),
            json!(real as f64 + 0.5),
            json!(real as f64 + 0.0001),
            json!(real as f64 - 0.5),
            json!(1e20),
            json!(-1),
            json!(-3600),
            json!(-real),
            json!(i64::MIN),
            json!(i64::MAX),
            json!(u64::MAX),
            json!(253_402_300_800_i64),
            json!(0),
            json!(null),
            json!(true),
            json!([real]),
            json!({ "value": real }),
            json!(""),
            json!(real + 1),
            json!(real - 1),
            json!(real + 86_400 * 365),
        ] {
            add("time claims", m.with(claim, Some(value)));
        }
    }
    // Expired beyond the 30 s leeway, and not yet valid.
    for offset in [31, 45, 61, 300, 3_600, 86_400, 31_536_000, now] {
        add("expired", m.with("exp", Some(json!(now - offset))));
        add("not yet valid", m.with("nbf", Some(json!(now + offset))));
        let mut future = m.claims.clone();
        future["iat"] = json!(now + offset);
        future["nbf"] = json!(now + offset);
        future["exp"] = json!(now + offset + 3_600);
        add(
            "not yet valid",
            forge(&m.header("HS256").to_string(), &future.to_string(), secret),
        );
    }

    // Missing claims, alone and in pairs.
    let required = [
        "exp", "nbf", "iat", "iss", "aud", "jti", "sub", "agency", "role",
    ];
    for (i, first) in required.iter().enumerate() {
        add("missing claim", m.with(first, None));
        for second in &required[i + 1..] {
            let mut claims = m.claims.clone();
            let map = claims.as_object_mut().expect("object");
            map.remove(*first);
            map.remove(*second);
            add(
                "missing claim",
                forge(&m.header("HS256").to_string(), &claims.to_string(), secret),
            );
        }
    }

    // Wrong issuer or audience, including array forms holding the right one.
    for claim in ["iss", "aud"] {
        let real = m.claims[claim].as_str().expect("string").to_owned();
        for value in [
            json!("someone-else"),
            json!(real.to_uppercase()),
            json!(format!(" {real}")),
            json!(format!("{real} ")),
            json!(format!("{real}x")),
            json!(&real[..real.len() - 1]),
            json!(""),
            json!([real]),
            json!([real, "other"]),
            json!(["other", real]),
            json!(["other"]),
            json!([]),
            json!(null),
            json!(1),
            json!({ "value": real }),
            json!(format!("{real}\u{0}")),
        ] {
            add("wrong iss/aud", m.with(claim, Some(value)));
        }
    }

    // Unknown jti: random ids, lookalikes of the real one, and text aimed at the query.
    let real_jti = m.claims["jti"].as_str().expect("jti").to_owned();
    for _ in 0..20 {
        let mut id = [0u8; 16];
        rng.fill_bytes(&mut id);
        let id: String = id.iter().map(|b| format!("{b:02x}")).collect();
        add("unknown jti", m.with("jti", Some(json!(id))));
    }
    for jti in [
        String::new(),
        real_jti.to_uppercase(),
        format!("{real_jti} "),
        format!(" {real_jti}"),
        real_jti[..real_jti.len() - 1].to_owned(),
        format!("{real_jti}0"),
        "%".into(),
        "_".repeat(real_jti.len()),
        "*".into(),
        "' OR '1'='1".into(),
        format!("{real_jti}' OR '1'='1"),
        "\"; DROP TABLE api_token; --".into(),
        format!("{real_jti}\u{0}"),
        format!("\u{0}{real_jti}"),
        "\u{0}".into(),
        format!("{real_jti}\n"),
        format!("{real_jti}\u{1}"),
        "a".repeat(65),
        "a".repeat(3_000),
    ] {
        add("unknown jti", m.with("jti", Some(json!(jti))));
    }
    add("unknown jti", m.with("jti", Some(json!(12345))));
    for claim in ["sub", "agency", "role", "iss", "aud"] {
        add("unknown jti", m.with(claim, Some(json!("\u{0}"))));
    }
    add("unknown jti", m.with("jti", Some(json!([real_jti]))));

    // A revoked token as issued, and re-signed with its claims spruced up.
    add("revoked", revoked.to_owned());
    let revoked_claims = decode_part(revoked.split('.').nth(1).expect("payload"));
    for (key, value) in [
        ("exp", json!(now + 7_200)),
        ("iat", json!(now)),
        ("role", json!("ADMIN")),
        ("sub", json!("someone")),
    ] {
        let mut claims = revoked_claims.clone();
        claims[key] = value;
        add(
            "revoked",
            forge(&m.header("HS256").to_string(), &claims.to_string(), secret),
        );
    }

    // Claims that disagree with the stored record, signed with the real secret.
    for (key, value) in [
        ("agency", json!("admin")),
        ("agency", json!("health")),
        ("agency", json!("HEALTH-380")),
        ("role", json!("ADMIN")),
        ("role", json!("APPROVER")),
        ("role", json!("admin")),
        ("role", json!("SUPERUSER")),
        ("sub", json!("demo-admin")),
        ("sub", json!("")),
        (
            "sub",
            json!(format!("{} ", m.claims["sub"].as_str().unwrap_or(""))),
        ),
    ] {
        add("claims vs record", m.with(key, Some(value)));
    }

    // The genuine token cut short at every position.
    for end in 0..m.good.len() {
        add("truncated", m.good[..end].to_owned());
    }
    // And with trailing bytes.
    for tail in [".", "..", "=", "==", "A", ".A", "%00"] {
        add("truncated", format!("{}{tail}", m.good));
    }

    // Single-character substitutions all along the genuine token.
    let bytes = m.good.as_bytes();
    for i in 0..bytes.len() {
        let mut changed = bytes.to_vec();
        let replacement = loop {
            let c = if bytes[i] == b'.' {
                b"A.-_=+/!"[rng.random_range(0..8)]
            } else {
                BASE64URL[rng.random_range(0..BASE64URL.len())]
            };
            if c != bytes[i] {
                break c;
            }
        };
        changed[i] = replacement;
        add("byte mutation", String::from_utf8(changed).expect("ascii"));
    }
    // Bit flips in the decoded header, payload and signature, re-encoded.
    let parts = [good_head, good_payload, good_sig];
    for (which, part) in parts.iter().enumerate() {
        let decoded = B64.decode(part).expect("b64");
        for i in 0..decoded.len() {
            let mut flipped = decoded.clone();
            flipped[i] ^= 1 << rng.random_range(0..8);
            let mut pieces: Vec<String> = parts.iter().map(|p| (*p).to_owned()).collect();
            pieces[which] = B64.encode(&flipped);
            add("byte mutation", pieces.join("."));
        }
    }

    // Oversized claims and headers, signed with the real secret.
    for size in [MAX_TOKEN_BYTES, 10 * 1024, 100 * 1024] {
        let mut claims = m.claims.clone();
        claims["pad"] = json!("x".repeat(size));
        add(
            "oversized",
            forge(&m.header("HS256").to_string(), &claims.to_string(), secret),
        );
        let mut header = m.header("HS256");
        header["pad"] = json!("x".repeat(size));
        add(
            "oversized",
            forge(&header.to_string(), &claims_text, secret),
        );
        add("oversized", "a".repeat(size + 1));
        add(
            "oversized",
            format!("{}.{}.{}", "a".repeat(size), good_payload, good_sig),
        );
    }
    // Just over the limit.
    let mut claims = m.claims.clone();
    let bare = forge(&m.header("HS256").to_string(), &claims_text, secret).len();
    claims["pad"] = json!("x".repeat((MAX_TOKEN_BYTES - bare) * 3 / 4));
    loop {
        let token = forge(&m.header("HS256").to_string(), &claims.to_string(), secret);
        if token.len() > MAX_TOKEN_BYTES {
            add("oversized", token);
            break;
        }
        claims["pad"] = json!(format!("{}x", claims["pad"].as_str().unwrap_or("")));
    }

    // A kid pointing elsewhere, signed with the real secret.
    for kid in [
        json!("unknown"),
        json!(""),
        json!(m.kid.to_uppercase()),
        json!(format!("{} ", m.kid)),
        json!(&m.kid[..m.kid.len() - 1]),
        json!(format!("{}0", m.kid)),
        json!("../../etc/passwd"),
        json!("../../../../../../dev/null"),
        json!("/etc/passwd"),
        json!("file:///etc/passwd"),
        json!("C:\\Windows\\win.ini"),
        json!("' OR '1'='1"),
        json!(format!("{}' OR '1'='1", m.kid)),
        json!("1; DROP TABLE api_token; --"),
        json!("\" UNION SELECT jti FROM api_token --"),
        json!(m.jwks_url),
        json!("k".repeat(2_000)),
        json!(1),
        json!(null),
        json!([m.kid]),
        json!({ "kid": m.kid }),
    ] {
        let mut header = m.header("HS256");
        header["kid"] = kid;
        add(
            "foreign kid",
            forge(&header.to_string(), &claims_text, secret),
        );
    }

    // Key URLs and embedded keys, pointing at the local listener that must never be called.
    let attacker = b"attacker-secret-attacker-secret-0123456789";
    let oct_jwk = json!({ "kty": "oct", "k": B64.encode(attacker), "alg": "HS256", "kid": m.kid });
    let rsa_jwk = json!({ "kty": "RSA", "alg": "RS256", "kid": m.kid, "e": "AQAB",
                          "n": B64.encode([0xc5u8; 256]) });
    let urls = [
        m.jwks_url.clone(),
        format!("{}?kid={}", m.jwks_url, m.kid),
        m.jwks_url.replace("jwks.json", ".well-known/jwks.json"),
        m.jwks_url.replace("jwks.json", "cert.pem"),
    ];
    for url in &urls {
        for field in ["jku", "x5u"] {
            for (alg, key) in [
                ("HS256", secret),
                ("HS256", attacker.as_slice()),
                ("RS256", attacker.as_slice()),
                ("RS256", rsa_public.as_slice()),
            ] {
                for kid in [json!(m.kid), json!("attacker")] {
                    let header = json!({ "typ": "JWT", "alg": alg, "kid": kid, field: url });
                    add("key urls", forge(&header.to_string(), &claims_text, key));
                }
            }
        }
        let both = json!({ "typ": "JWT", "alg": "HS256", "kid": m.kid, "jku": url, "x5u": url });
        add("key urls", forge(&both.to_string(), &claims_text, secret));
    }
    for jwk in [&oct_jwk, &rsa_jwk] {
        for (alg, key) in [("HS256", secret), ("HS256", attacker.as_slice())] {
            let header = json!({ "typ": "JWT", "alg": alg, "kid": m.kid, "jwk": jwk });
            add("key urls", forge(&header.to_string(), &claims_text, key));
        }
        let header = json!({ "typ": "JWT", "alg": "RS256", "kid": m.kid, "jwk": jwk });
        add(
            "key urls",
            forge(&header.to_string(), &claims_text, attacker),
        );
    }
    for (field, value) in [
        ("x5c", json!([STANDARD.encode(&rsa_public)])),
        ("x5t", json!(B64.encode([1u8; 20]))),
        ("x5t#S256", json!(B64.encode([1u8; 32]))),
        ("crit", json!(["exp"])),
        ("cty", json!("JWT")),
        ("typ", json!("at+jwt")),
        ("typ", json!("JWS")),
        ("url", json!(m.jwks_url)),
        ("nonce", json!("n")),
        ("extra", json!("x")),
    ] {
        let mut header = m.header("HS256");
        header[field] = value;
        add("key urls", forge(&header.to_string(), &claims_text, secret));
    }

    // Garbage: wrong number of parts, empty parts, bad base64, not JSON, not objects, duplicate keys.
    for token in [
        "a".to_owned(),
        ".".into(),
        "..".into(),
        "...".into(),
        "....".into(),
        good_head.to_owned(),
        format!("{good_head}.{good_payload}"),
        format!("{good_head}.{good_payload}.{good_sig}.{good_sig}"),
        format!("{good_head}.{good_payload}.{good_sig}.{good_payload}.{good_sig}"),
        format!("{good_head}.{good_head}.{good_payload}.{good_sig}"),
        format!(".{good_payload}.{good_sig}"),
        format!("{good_head}..{good_sig}"),
        format!("{good_head}.{good_payload}."),
        format!("..{good_sig}"),
        format!("{good_payload}.{good_head}.{good_sig}"),
        format!("{good_head}.{good_payload}.{good_payload}"),
        format!("{good_sig}.{good_payload}.{good_head}"),
        format!("{good_head}={}", &m.good[good_head.len()..]),
        format!("{good_head}.{good_payload}=.{good_sig}"),
        format!("{good_head}.{good_payload}.{good_sig}="),
        format!("{good_head}.{good_payload}.{good_sig}=="),
        format!("{}.{}.{}", B64.encode("!!"), good_payload, good_sig),
        format!("!!!.{good_payload}.{good_sig}"),
        format!("{good_head}.$$$.{good_sig}"),
        format!("{good_head}.{good_payload}.***"),
        format!("{good_head} .{good_payload}.{good_sig}"),
        format!("{good_head}.{good_payload} .{good_sig}"),
        m.good.replace('-', "+").replace('_', "/") + "+",
        "null".into(),
        "undefined".into(),
        "{}".into(),
        "[]".into(),
        "0".into(),
        "-".into(),
        "eyJ".into(),
        "eyJhbGciOiJIUzI1NiJ9".into(),
        "eyJhbGciOiJIUzI1NiJ9..".into(),
    ] {
        add("garbage", token);
    }
    // Header and claims re-encoded with padding or the standard alphabet, signature recomputed; kept only
    // where the encoding really differs from base64url without padding.
    let header_text = m.header("HS256").to_string();
    for suffix in ["", " ", "  ", "\n", "\t\t"] {
        let claims = format!("{claims_text}{suffix}");
        for input in [
            format!(
                "{}.{}",
                URL_SAFE.encode(&header_text),
                URL_SAFE.encode(&claims)
            ),
            format!(
                "{}.{}",
                STANDARD.encode(&header_text),
                STANDARD.encode(&claims)
            ),
        ] {
            if input.contains(['=', '+', '/']) {
                add("garbage", format!("{input}.{}", hs256(secret, &input)));
            }
        }
    }
    let not_objects = [
        "", "hello", "{", "}", "null", "123", "true", "\"str\"", "[]", "{}", "[{}]", "{\"a\":",
    ];
    for text in not_objects {
        add("garbage", forge(&header_text, text, secret));
        add("garbage", forge(text, &claims_text, secret));
        let input = format!("{}.{}", B64.encode(text), B64.encode(&claims_text));
        add("garbage", format!("{input}.{good_sig}"));
    }
    add(
        "garbage",
        forge(&format!("[{header_text}]"), &claims_text, secret),
    );
    add(
        "garbage",
        forge(&header_text, &format!("[{claims_text}]"), secret),
    );
    add(
        "garbage",
        forge(
            &format!("[{header_text}]"),
            &format!("[{claims_text}]"),
            secret,
        ),
    );
    let inner = claims_text.trim_start_matches('{').trim_end_matches('}');
    let head_inner = header_text.trim_start_matches('{').trim_end_matches('}');
    for duplicated in [
        format!("{{{inner},\"jti\":\"other\"}}"),
        format!("{{\"jti\":\"other\",{inner}}}"),
        format!("{{{inner},\"exp\":{}}}", now + 999_999),
        format!("{{{inner},\"role\":\"ADMIN\"}}"),
        format!("{{{inner},\"agency\":\"admin\"}}"),
        format!("{{{inner},{inner}}}"),
    ] {
        add("garbage", forge(&header_text, &duplicated, secret));
    }
    for duplicated in [
        format!("{{{head_inner},\"alg\":\"none\"}}"),
        format!("{{\"alg\":\"none\",{head_inner}}}"),
        format!("{{{head_inner},\"kid\":\"other\"}}"),
        format!("{{{head_inner},{head_inner}}}"),
    ] {
        add("garbage", forge(&duplicated, &claims_text, secret));
    }
    // Unicode: in the claims (signed), in the header, and raw in the token text.
    for (key, value) in [
        ("agency", "hеalth"), // Cyrillic е
        ("sub", "demo‑health"),
        ("role", "ΑDMIN"),
        ("jti", "ｊｔｉ"),
        ("iss", "lіenthong"),
        ("aud", "lienthong‐api"),
    ] {
        add("unicode", m.with(key, Some(json!(value))));
    }
    let mut header = m.header("HS256");
    header["kid"] = json!(format!("{}\u{200b}", m.kid));
    add("unicode", forge(&header.to_string(), &claims_text, secret));
    add(
        "unicode",
        forge(&format!("\u{feff}{header_text}"), &claims_text, secret),
    );
    add(
        "unicode",
        forge(&header_text, &format!("\u{feff}{claims_text}"), secret),
    );
    for raw in [
        format!("{good_head}.{good_payload}.{good_sig}é"),
        format!("ё{}", m.good),
        format!("{good_head}.{good_payload}\u{2024}{good_sig}"),
        "токен".into(),
        "🔑.🔑.🔑".into(),
        format!("{}\u{a0}", m.good),
    ] {
        add("unicode", raw);
    }

    // Scheme variants the code refuses: only "Bearer" (any case) and a space separate scheme and token.
    let good = &m.good;
    let forged = forge(&header_text, &escalated, attacker);
    for token in [good.as_str(), forged.as_str()] {
        for value in [
            token.to_owned(),
            format!("Bearer{token}"),
            format!("Bearer\t{token}"),
            format!("Bearer:{token}"),
            format!("Bearer: {token}"),
            format!("Bearer= {token}"),
            format!("Bearer_ {token}"),
            format!("Bearerx {token}"),
            format!("Bear {token}"),
            format!("Basic {token}"),
            format!("Basic {}", STANDARD.encode(format!("admin:{token}"))),
            format!("Token {token}"),
            format!("JWT {token}"),
            format!("OAuth {token}"),
            format!("Digest {token}"),
            format!("B\u{e9}arer {token}"),
            format!("Bearer\u{a0}{token}"),
            format!("Bearer {token} {token}"),
            format!("Bearer {token},{token}"),
            format!("Bearer {token}, Bearer {token}"),
            format!("Bearer Bearer {token}"),
            format!("Bearer bearer {token}"),
            format!("Bearer {token} extra"),
            format!("Bearer {token},"),
            format!("Bearer \"{token}\""),
            format!("Bearer '{token}'"),
            format!("Bearer <{token}>"),
            format!("Bearer {token}\tx"),
            format!("Bearer token={token}"),
            format!("Bearer access_token={token}"),
            "Bearer".into(),
            "Bearer ".into(),
            "Bearer  ".into(),
            "Bearer\t".into(),
        ] {
            out.push(("scheme", vec![value.into_bytes()]));
        }
    }
    // Two Authorization headers: a forged one first, the genuine one second.
    for first in [forged.as_str(), "x", ""] {
        out.push((
            "scheme",
            vec![
                format!("Bearer {first}").into_bytes(),
                format!("Bearer {good}").into_bytes(),
            ],
        ));
    }
    out
}

fn escalated_value(m: &Material) -> Value {
    let mut claims = m.claims.clone();
    claims["agency"] = json!("admin");
    claims["role"] = json!("ADMIN");
    claims
}

/// One request as a client would send it, with the given Authorization header values.
async fn attempt(app: &TestApp, authorization: &[Vec<u8>]) -> (StatusCode, Value) {
    let mut builder = Request::post("/graphql").header("content-type", "application/json");
    for value in authorization {
        builder = builder.header(
            "authorization",
            HeaderValue::from_bytes(value).expect("a value a client can send"),
        );
    }
    let body = json!({ "query": ME }).to_string();
    let (status, _, bytes) = app
        .send(builder.body(Body::from(body)).expect("request"))
        .await;
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// Counts connections made to a local port the forged key URLs point at.
async fn key_url_listener() -> (String, Arc<AtomicUsize>, std::net::SocketAddr) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (format!("http://{addr}/jwks.json"), accepted, addr)
}

#[tokio::test]
async fn over_a_thousand_forged_tokens_are_all_refused_alike_and_no_key_url_is_fetched() {
    let app = TestApp::places().await;
    let (jwks_url, outbound, listener_addr) = key_url_listener().await;
    let good = app.token("health-380");
    let kid = Keys::hs256(SECRET.as_bytes(), &test_config("sqlite::memory:"))
        .expect("keys")
        .kid()
        .to_owned();
    let claims = decode_part(good.split('.').nth(1).expect("payload"));
    let material = Material {
        good: good.clone(),
        claims,
        kid,
        jwks_url,
        now: chrono::Utc::now().timestamp(),
    };

    // Controls: the genuine token, through the same machinery, in the scheme spellings the code accepts.
    for value in [
        format!("Bearer {good}"),
        format!("bearer {good}"),
        format!("BEARER {good}"),
        format!("Bearer  {good}"),
    ] {
        let (status, body) = attempt(&app, &[value.clone().into_bytes()]).await;
        assert_eq!(status, 200, "{value}: {body}");
        assert_eq!(
            body["data"]["me"]["subject"], "demo-health-380",
            "{value}: {body}"
        );
    }
    // A token that works, then is revoked through the API.
    let revoked = app.issue("police", Role::Viewer).await;
    let (status, _) = attempt(&app, &[format!("Bearer {revoked}").into_bytes()]).await;
    assert_eq!(status, 200, "the token works before revocation");
    let revoked_jti = decode_part(revoked.split('.').nth(1).expect("payload"))["jti"]
        .as_str()
        .expect("jti")
        .to_owned();
    let (status, body) = app
        .gql(
            Some(&app.token("admin")),
            REVOKE,
            json!({ "jti": revoked_jti }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["revokeToken"]["apiToken"]["active"], false);

    let mut rng = StdRng::seed_from_u64(SEED);
    let mut seen = HashSet::new();
    let cases: Vec<_> = battery(&material, &revoked, &mut rng)
        .into_iter()
        .filter(|(_, values)| seen.insert(values.clone()))
        .collect();
    assert!(
        cases.len() >= 1_000,
        "only {} distinct forged tokens",
        cases.len()
    );
    let genuine = format!("Bearer {good}").into_bytes();
    assert!(
        cases
            .iter()
            .all(|(_, values)| values.as_slice() != std::slice::from_ref(&genuine)),
        "the genuine token is not part of the battery"
    );

    let expected = refusal();
    let results: Vec<_> = futures_util::stream::iter(cases.iter())
        .map(|(family, values)| {
            let app = &app;
            async move { (*family, values, attempt(app, values).await) }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let mut per_family: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for (family, values, (status, body)) in &results {
        *per_family.entry(family).or_default() += 1;
        if *status != StatusCode::UNAUTHORIZED || *body != expected {
            let shown: Vec<String> = values
                .iter()
                .map(|v| String::from_utf8_lossy(&v[..v.len().min(300)]).into_owned())
                .collect();
            failures.push(format!("{family}: {status} {body} for {shown:?}"));
        }
    }
    let accepted = results
        .iter()
        .filter(|(_, _, (_, body))| body.get("data").is_some_and(|d| !d.is_null()))
        .count();

    // Give any stray fetch a moment to land before counting.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let connections = outbound.load(Ordering::SeqCst);
    println!(
        "forged tokens tried: {}, accepted: {accepted}, non-uniform answers: {}, outbound connections: {connections}",
        results.len(),
        failures.len()
    );
    println!("per family: {per_family:?}");
    assert_eq!(accepted, 0, "{failures:#?}");
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(connections, 0, "a key URL in a token was fetched");
    // The listener does count: a connection of our own shows up.
    drop(
        tokio::net::TcpStream::connect(listener_addr)
            .await
            .expect("connect"),
    );
    for _ in 0..50 {
        if outbound.load(Ordering::SeqCst) == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(outbound.load(Ordering::SeqCst), 1, "the listener counts");

    // After all that, the genuine token still works.
    let (status, body) = attempt(&app, &[genuine]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["me"]["subject"], "demo-health-380");
}

/// Over a real socket the HTTP layer may refuse an oversized header before authentication; that is
/// acceptable only as a refusal: 431 or 400 without data, or the uniform 401.
#[tokio::test]
async fn oversized_tokens_over_a_socket_are_refused_before_or_at_authentication() {
    let app = TestApp::places().await;
    let server = app.serve().await;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Full<axum::body::Bytes>>();
    let good = app.token("health");
    let (head, rest) = good.split_once('.').expect("parts");
    let mut claims = decode_part(rest.split_once('.').expect("parts").0);
    for size in [MAX_TOKEN_BYTES, 10 * 1024, 100 * 1024] {
        claims["pad"] = json!("x".repeat(size));
        let token = forge(
            &String::from_utf8(B64.decode(head).expect("b64")).expect("utf8"),
            &claims.to_string(),
            SECRET.as_bytes(),
        );
        let request = Request::post(format!("http://{}/graphql", server.addr))
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {token}"))
            .body(http_body_util::Full::new(axum::body::Bytes::from(
                json!({ "query": ME }).to_string(),
            )))
            .expect("request");
        let response = client.request(request).await.expect("http");
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        match status.as_u16() {
            401 => assert_eq!(body, refusal(), "{size} bytes"),
            400 | 431 => assert!(body.get("data").is_none(), "{size} bytes: {body}"),
            other => panic!("{size} bytes: answered {other}: {body}"),
        }
        println!(
            "oversized token of {} bytes over a socket: {status}",
            token.len()
        );
    }
}
