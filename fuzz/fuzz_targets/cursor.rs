//! `cursor`: pagination cursors, `lienthong::graphql::cursor::CursorSeal`.
//!
//! The input picks a key, two (field, arguments) pairs, a position, a one-byte change and, in what is left,
//! an arbitrary cursor text. Invariants:
//! - decoding never panics, and yields a position only for exactly the text the same seal encodes it as;
//!   every refusal is BAD_USER_INPUT on `after`;
//! - a position encodes and decodes back to itself (ids are row ids: a negative one is refused);
//! - a cursor opens under another seal only when that seal has the same key, field and arguments up to
//!   the order of object keys, null values and the paging arguments `first` and `after`;
//! - a cursor with one byte changed is refused.
//!
//! Also compiled into the root crate's `tests/fuzz_corpus.rs`, which replays the seeds and regressions.
#![cfg_attr(fuzzing, no_main)]

#[path = "common/input.rs"]
mod input;

use std::collections::BTreeMap;

use async_graphql::{Name, Value};
use chrono::DateTime;
use input::Input;
use lienthong::error::AppError;
use lienthong::graphql::cursor::CursorSeal;
use lienthong::keyset::Position;

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| run(data));

#[cfg(all(not(fuzzing), not(test)))]
fn main() {}

const KEYS: [&[u8]; 2] = [b"cursor key one", b"cursor key two"];
const FIELDS: [&str; 4] = ["transfers", "screenings", "reports", "districts"];
const NAMES: [&str; 8] = [
    "filter", "order", "first", "after", "status", "kind", "a", "b",
];

pub fn run(data: &[u8]) {
    let mut input = Input::new(data);
    let (key_a, field_a, args_a) = seal_inputs(&mut input);
    let (key_b, field_b, args_b) = seal_inputs(&mut input);
    let seal_a = CursorSeal::new(key_a, field_a, &args_a);
    let seal_b = CursorSeal::new(key_b, field_b, &args_b);
    let position = position(&mut input);
    let (at, change) = (input.byte(), input.byte());
    let text = String::from_utf8_lossy(input.rest()).into_owned();

    // Arbitrary text opens only if it is exactly the encoding of what it opens to.
    if let Some(p) = opened(seal_a.decode(&text)) {
        assert_eq!(
            seal_a.encode(p),
            text,
            "a cursor not made by the seal opened"
        );
    }

    // Round trip.
    let cursor = seal_a.encode(position);
    let valid = position.id >= 0;
    assert_eq!(
        opened(seal_a.decode(&cursor)),
        valid.then_some(position),
        "round trip of {position:?} via {cursor}"
    );

    // Bound to key, field and arguments.
    let same = key_a == key_b && field_a == field_b && normal(&args_a) == normal(&args_b);
    assert_eq!(
        opened(seal_b.decode(&cursor)),
        (same && valid).then_some(position),
        "cursor of {field_a}{args_a:?} under {field_b}{args_b:?}"
    );

    // One byte changed.
    let mut bytes = cursor.clone().into_bytes();
    let i = usize::from(at) % bytes.len();
    bytes[i] = change;
    if let Ok(changed) = String::from_utf8(bytes)
        && changed != cursor
    {
        assert_eq!(
            opened(seal_a.decode(&changed)),
            None,
            "{changed} opened, changed from {cursor}"
        );
    }
}

/// The position of an opened cursor; a refusal must be the documented one.
fn opened(result: Result<Position, AppError>) -> Option<Position> {
    match result {
        Ok(p) => Some(p),
        Err(AppError::BadUserInput { field, .. }) if field == "after" => None,
        Err(other) => panic!("refused with {other:?}"),
    }
}

fn seal_inputs(input: &mut Input<'_>) -> (&'static [u8], &'static str, Vec<(Name, Value)>) {
    let choice = input.byte();
    let key = KEYS[usize::from(choice & 1)];
    let field = FIELDS[usize::from(choice >> 1) % FIELDS.len()];
    let mut args: Vec<(Name, Value)> = Vec::new();
    for _ in 0..input.byte() % 4 {
        let name = NAMES[usize::from(input.byte()) % NAMES.len()];
        let value = value(input, 0);
        // A query cannot give an argument twice.
        if !args.iter().any(|(n, _)| n.as_str() == name) {
            args.push((Name::new(name), value));
        }
    }
    (key, field, args)
}

fn value(input: &mut Input<'_>, depth: u8) -> Value {
    match input.byte() % 8 {
        0 => Value::Null,
        1 => Value::from(input.i64()),
        2 => Value::Boolean(input.byte() & 1 == 1),
        3 => {
            let len = usize::from(input.byte() % 8);
            Value::String(String::from_utf8_lossy(input.bytes(len)).into_owned())
        }
        4 => Value::Enum(Name::new(NAMES[usize::from(input.byte()) % NAMES.len()])),
        5 if depth < 3 => {
            let len = input.byte() % 4;
            Value::List((0..len).map(|_| value(input, depth + 1)).collect())
        }
        6 if depth < 3 => {
            let mut map = async_graphql::indexmap::IndexMap::new();
            for _ in 0..input.byte() % 4 {
                let name = NAMES[usize::from(input.byte()) % NAMES.len()];
                map.insert(Name::new(name), value(input, depth + 1));
            }
            Value::Object(map)
        }
        _ => Value::from(i64::from(input.byte())),
    }
}

fn position(input: &mut Input<'_>) -> Position {
    let kind = input.byte();
    let (at, id) = (input.i64(), input.i64());
    match kind % 3 {
        0 => Position::id(id),
        1 => match DateTime::from_timestamp_nanos(at)
            .checked_add_signed(chrono::TimeDelta::seconds(i64::from(input.byte())))
        {
            Some(time) => {
                let p = Position::time(time, id);
                let nanos = i128::from(time.timestamp()) * 1_000_000_000
                    + i128::from(time.timestamp_subsec_nanos());
                assert_eq!(p.at, Some(nanos));
                p
            }
            None => Position::id(id),
        },
        _ => Position {
            at: Some(i128::from(at) * i128::from(input.i64())),
            id,
        },
    }
}

/// What a seal is bound to, written independently of the server's canonical form.
#[derive(Debug, PartialEq)]
enum Normal {
    Scalar(Value),
    List(Vec<Normal>),
    Object(BTreeMap<String, Normal>),
}

fn normal(args: &[(Name, Value)]) -> BTreeMap<String, Normal> {
    args.iter()
        .filter(|(name, value)| {
            !matches!(name.as_str(), "first" | "after") && *value != Value::Null
        })
        .map(|(name, value)| (name.to_string(), normal_value(value)))
        .collect()
}

fn normal_value(value: &Value) -> Normal {
    match value {
        Value::List(items) => Normal::List(items.iter().map(normal_value).collect()),
        Value::Object(map) => Normal::Object(
            map.iter()
                .filter(|(_, v)| **v != Value::Null)
                .map(|(k, v)| (k.to_string(), normal_value(v)))
                .collect(),
        ),
        other => Normal::Scalar(other.clone()),
    }
}
