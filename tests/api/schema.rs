//! `schema.graphql` is exactly what the server serves, and every part of it is documented.

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};

#[test]
fn schema_file_matches_the_served_schema() {
    let served = lienthong::sdl();
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql");
    assert!(
        served == committed,
        "schema.graphql is stale: run `cargo run -- schema > schema.graphql`"
    );
}

/// Front-end developers read the SDL descriptions: every type, field, input field and enum value we
/// define carries one, and so does every argument. The library's `*Edge` and `PageInfo` are exempt.
#[test]
fn every_type_and_field_is_documented() {
    let doc = parse_schema(lienthong::sdl()).expect("valid SDL");
    let mut undocumented = Vec::new();
    for definition in &doc.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        let ty = &ty.node;
        let name = ty.name.node.as_str();
        if name.ends_with("Edge") || name == "PageInfo" {
            continue;
        }
        if ty.description.is_none() {
            undocumented.push(name.to_owned());
        }
        let members: Vec<(String, bool)> = match &ty.kind {
            TypeKind::Object(o) => o
                .fields
                .iter()
                .flat_map(|f| {
                    let field = f.node.name.node.to_string();
                    let arguments = f.node.arguments.iter().map(move |a| {
                        (
                            format!("{}({})", f.node.name.node, a.node.name.node),
                            a.node.description.is_some(),
                        )
                    });
                    std::iter::once((field, f.node.description.is_some())).chain(arguments)
                })
                .collect(),
            TypeKind::InputObject(o) => o
                .fields
                .iter()
                .map(|f| (f.node.name.node.to_string(), f.node.description.is_some()))
                .collect(),
            TypeKind::Enum(e) => e
                .values
                .iter()
                .map(|v| (v.node.value.node.to_string(), v.node.description.is_some()))
                .collect(),
            _ => Vec::new(),
        };
        undocumented.extend(
            members
                .into_iter()
                .filter(|(_, has)| !has)
                .map(|(m, _)| format!("{name}.{m}")),
        );
    }
    assert!(undocumented.is_empty(), "undocumented: {undocumented:#?}");
}
