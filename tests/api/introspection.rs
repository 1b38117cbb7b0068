//! The standard introspection queries of graphql-js and GraphiQL are answered (where introspection is
//! on), and what they return is the schema `schema.graphql` holds; data queries keep the depth limit.

use std::collections::BTreeSet;

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code};

const GRAPHQL_JS: &str = include_str!("fixtures/introspection-graphql-js.graphql");
const GRAPHIQL: &str = include_str!("fixtures/introspection-graphiql.graphql");

/// `Type.field(arg,...)` for every field of every type we define, from the SDL.
fn members_of_sdl(sdl: &str) -> BTreeSet<String> {
    let doc = parse_schema(sdl).expect("valid SDL");
    let mut out = BTreeSet::new();
    for definition in &doc.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        let name = ty.node.name.node.to_string();
        out.insert(name.clone());
        match &ty.node.kind {
            TypeKind::Object(o) => {
                for f in &o.fields {
                    let args: Vec<_> = f
                        .node
                        .arguments
                        .iter()
                        .map(|a| a.node.name.node.to_string())
                        .collect();
                    out.insert(format!("{name}.{}({})", f.node.name.node, args.join(",")));
                }
            }
            TypeKind::InputObject(o) => {
                for f in &o.fields {
                    out.insert(format!("{name}.{}", f.node.name.node));
                }
            }
            TypeKind::Enum(e) => {
                for v in &e.values {
                    out.insert(format!("{name}.{}", v.node.value.node));
                }
            }
            _ => {}
        }
    }
    out
}

/// The same set, from an introspection result.
fn members_of_introspection(schema: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for ty in schema["types"].as_array().expect("types") {
        let name = ty["name"].as_str().expect("name");
        let builtin = ["String", "Int", "Float", "Boolean", "ID"];
        if name.starts_with("__") || builtin.contains(&name) {
            continue;
        }
        out.insert(name.to_owned());
        for f in ty["fields"].as_array().into_iter().flatten() {
            let args: Vec<_> = f["args"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| a["name"].as_str().unwrap_or_default())
                .collect();
            out.insert(format!(
                "{name}.{}({})",
                f["name"].as_str().unwrap_or_default(),
                args.join(",")
            ));
        }
        for f in ty["inputFields"].as_array().into_iter().flatten() {
            out.insert(format!("{name}.{}", f["name"].as_str().unwrap_or_default()));
        }
        for v in ty["enumValues"].as_array().into_iter().flatten() {
            out.insert(format!("{name}.{}", v["name"].as_str().unwrap_or_default()));
        }
    }
    out
}

#[tokio::test]
async fn standard_introspection_queries_return_the_committed_schema() {
    let app = TestApp::places().await;
    let token = app.token("health");
    let committed = members_of_sdl(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
            .expect("schema.graphql"),
    );
    for (client, query) in [("graphql-js", GRAPHQL_JS), ("graphiql", GRAPHIQL)] {
        let (status, body) = app.gql(Some(&token), query, json!({})).await;
        assert_eq!(status, 200, "{client}: {body}");
        assert!(body.get("errors").is_none(), "{client}: {body}");
        let served = members_of_introspection(&body["data"]["__schema"]);
        assert_eq!(
            served, committed,
            "{client}: introspection differs from schema.graphql"
        );
        assert_eq!(
            body["data"]["__schema"]["queryType"]["name"], "QueryRoot",
            "{client}"
        );
    }
}

#[tokio::test]
async fn data_queries_keep_the_depth_limit_even_beside_introspection() {
    let app = TestApp::places().await;
    let token = app.token("health");
    // Fourteen levels of data: refused, alone or sent together with an introspection field.
    let deep = format!(
        "district(code: \"380\") {{ {}code{} }}",
        "vaccineLots(first: 1) { district { ".repeat(6),
        " } }".repeat(6)
    );
    for query in [
        format!("{{ {deep} }}"),
        format!("{{ __typename {deep} }}"),
        format!("{{ __schema {{ queryType {{ name }} }} {deep} }}"),
    ] {
        let (_, body) = app.gql(Some(&token), &query, json!({})).await;
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("nested too deep"), "{query}: {body}");
        assert!(body["data"].is_null(), "{body}");
    }
    // An introspection document deeper than the introspection limit is refused too.
    let of_type = "ofType { ".repeat(30) + "name" + &" }".repeat(30);
    let (_, body) = app
        .gql(
            Some(&token),
            &format!("{{ __schema {{ types {{ {of_type} }} }} }}"),
            json!({}),
        )
        .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("nested too deep"),
        "{body}"
    );
}

#[tokio::test]
async fn introspection_stays_refused_where_it_is_off() {
    let app = TestApp::places_with(|c| c.introspection = false).await;
    let (_, body) = app
        .gql(Some(&app.token("health")), GRAPHQL_JS, json!({}))
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
}
