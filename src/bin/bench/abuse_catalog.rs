//! Abusive requests and how the server must answer each: the one list `lienthong-bench abuse` sends
//! under load and `tests/api/abuse.rs` checks one by one (it includes this file).

use serde_json::json;

/// One abusive HTTP request to `/graphql` (the caller adds a valid bearer token unless `token` says
/// otherwise) and the refusal expected.
pub struct Abuse {
    pub name: &'static str,
    pub method: &'static str,
    /// Path and query string.
    pub uri: String,
    pub content_type: &'static str,
    pub body: String,
    /// Replaces the caller's bearer token when set.
    pub token: Option<String>,
    pub status: u16,
    /// The `extensions.code` of the first error.
    pub code: &'static str,
}

/// The limits the catalog is built against (the server's defaults; see `Config::new`).
pub struct Limits {
    pub body_bytes: usize,
    pub depth: usize,
    pub complexity: usize,
    pub aliases: usize,
    pub directives: usize,
}

fn post(name: &'static str, body: String, status: u16, code: &'static str) -> Abuse {
    Abuse {
        name,
        method: "POST",
        uri: "/graphql".into(),
        content_type: "application/json",
        body,
        token: None,
        status,
        code,
    }
}

fn query(name: &'static str, query: &str) -> Abuse {
    post(
        name,
        json!({ "query": query }).to_string(),
        200,
        "BAD_USER_INPUT",
    )
}

/// Refused by the handler's own checks on the text or the parsed document (400), before validation.
fn refused_before_validation(name: &'static str, text: &str) -> Abuse {
    Abuse {
        status: 400,
        ..query(name, text)
    }
}

fn with_variables(name: &'static str, query: &str, variables: serde_json::Value) -> Abuse {
    post(
        name,
        json!({ "query": query, "variables": variables }).to_string(),
        200,
        "BAD_USER_INPUT",
    )
}

pub fn catalog(limits: &Limits) -> Vec<Abuse> {
    // Past the depth limit, within the nesting bound checked before parsing.
    let deep = limits.depth + 8;
    let depth = format!(
        "{{ district(code: \"380\") {{ {} code {} }} }}",
        "vaccineLots(first: 1) { district { ".repeat(deep),
        "} } ".repeat(deep)
    );
    // Two fields per repetition: a thousand over the complexity limit.
    let breadth = format!(
        "{{ me {{ {} }} }}",
        "subject role ".repeat(limits.complexity / 2 + 500)
    );
    let aliases: String = (0..limits.aliases * 60)
        .map(|i| format!("a{i}: me {{ subject }} "))
        .collect();
    let cycle =
        "query { ...A } fragment A on Query { me { subject } ...B } fragment B on Query { ...A }";
    // Each fragment spreads the one before twice: 2^40 fields if expanded naively.
    let mut bomb = String::from("query { ...F40 } fragment F0 on Query { me { subject } } ");
    for i in 1..=40 {
        bomb.push_str(&format!(
            "fragment F{i} on Query {{ ...F{p} ...F{p} }} ",
            p = i - 1
        ));
    }
    let directives = format!(
        "{{ me {} {{ subject }} }}",
        "@skip(if: false) ".repeat(limits.directives * 50)
    );
    let nested_list = format!(
        "{{ districts(filter: {{ search: {}\"x\"{} }}) {{ totalCount }} }}",
        "[".repeat(2_000),
        "]".repeat(2_000)
    );
    let nested_selections = format!("{}{}", "{ me ".repeat(5_000), "}".repeat(5_000));
    let nested_json = format!(
        "{{\"query\":\"{{ me {{ subject }} }}\",\"variables\":{{\"v\":{}1{}}}}}",
        "[".repeat(5_000),
        "]".repeat(5_000)
    );
    let long_reason = "x".repeat(limits.body_bytes * 3 / 4);
    let many_codes: Vec<String> = (0..limits.body_bytes / 16)
        .map(|i| format!("agency-{i}"))
        .collect();
    let batch: Vec<_> = (0..100)
        .map(|_| json!({ "query": "{ me { subject } }" }))
        .collect();
    let mutation = "mutation { updateDistrict(input: { code: \"380\", treatmentBeds: 1 }) { district { code } } }";
    let operations: String = (0..limits.body_bytes / 40)
        .map(|i| format!("query Q{i} {{ me {{ subject }} }} "))
        .collect();
    vec![
        query("depth", &depth),
        refused_before_validation("breadth", &breadth),
        refused_before_validation("alias flood", &format!("{{ {aliases} }}")),
        query("fragment cycle", cycle),
        query("fragment bomb", &bomb),
        query("directive flood", &directives),
        refused_before_validation("nested list literal", &nested_list),
        refused_before_validation("nested selections", &nested_selections),
        refused_before_validation(
            "introspection",
            "{ __schema { types { name fields { name } } } }",
        ),
        query("field suggestion", "{ districs { totalCount } }"),
        with_variables(
            "huge string variable",
            "mutation($i: RequestTransferInput!) { requestTransfer(input: $i) { transfer { id } } }",
            json!({ "i": { "lotId": 1, "toDistrictCode": "381", "doses": 1, "reason": long_reason } }),
        ),
        with_variables(
            "huge list variable",
            "query($code: String!) { district(code: $code) { code } }",
            json!({ "code": many_codes }),
        ),
        post("nested JSON variable", nested_json, 400, "BAD_USER_INPUT"),
        post(
            "oversized body",
            json!({ "query": "{ me { subject } }", "variables": { "pad": "x".repeat(limits.body_bytes * 4) } }).to_string(),
            413,
            "BAD_USER_INPUT",
        ),
        refused_before_validation("operations without a name", &operations),
        post(
            "batched array",
            serde_json::Value::Array(batch).to_string(),
            400,
            "BAD_USER_INPUT",
        ),
        Abuse {
            method: "GET",
            uri: format!("/graphql?query={}", encode(mutation)),
            body: String::new(),
            status: 405,
            ..post("GET mutation", String::new(), 405, "BAD_USER_INPUT")
        },
        Abuse {
            content_type: "text/plain",
            status: 415,
            ..post(
                "text/plain POST",
                json!({ "query": mutation }).to_string(),
                415,
                "BAD_USER_INPUT",
            )
        },
        Abuse {
            content_type: "application/x-www-form-urlencoded",
            status: 415,
            ..post(
                "form POST",
                format!("query={}", encode(mutation)),
                415,
                "BAD_USER_INPUT",
            )
        },
        Abuse {
            token: Some(format!("eyJhbGciOiJub25lIn0.{}.", "A".repeat(6_000))),
            status: 401,
            code: "UNAUTHENTICATED",
            ..query("oversized forged token", "{ me { subject } }")
        },
    ]
}

/// Percent-encodes a query string value.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
