//! The 3.1 → 3.0.3 rewrite, one construct at a time (exact output, key order included), and the
//! promise behind it: a 3.1 document and its hand translation to 3.0 generate the same Rust.

use generator::normalize::to_openapi_30;
use generator::{generate, Config, Errors};
use serde_json::{json, Value};

/// A 3.1 document with one schema `T`.
fn with_schema(schema: Value) -> Value {
    json!({
        "openapi": "3.1.0",
        "info": { "title": "t", "version": "1" },
        "paths": {},
        "components": { "schemas": { "T": schema } }
    })
}

/// Rewrites `schema` and compares the result with `expected`, key order included.
#[track_caller]
fn check(schema: Value, expected: Value) {
    let normalized = to_openapi_30(with_schema(schema)).unwrap();
    assert_eq!(normalized.document["openapi"], "3.0.3");
    let got = &normalized.document["components"]["schemas"]["T"];
    assert_eq!(
        serde_json::to_string(got).unwrap(),
        serde_json::to_string(&expected).unwrap()
    );
}

#[track_caller]
fn check_error(document: Value, location: &str, message: &str) {
    let Errors(errors) = to_openapi_30(document).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.location == location && e.message.contains(message)),
        "expected {location:?} / {message:?} in {errors:?}"
    );
}

#[test]
fn type_arrays_with_null_become_nullable() {
    check(
        json!({ "type": ["string", "null"], "description": "d", "maxLength": 3 }),
        json!({ "type": "string", "nullable": true, "description": "d", "maxLength": 3 }),
    );
    check(
        json!({ "type": ["null", "object"], "properties": { "a": { "type": ["integer", "null"] } } }),
        json!({ "type": "object", "nullable": true, "properties": { "a": { "type": "integer", "nullable": true } } }),
    );
}

#[test]
fn type_arrays_without_null() {
    check(json!({ "type": ["boolean"] }), json!({ "type": "boolean" }));
    check(
        json!({ "type": ["string", "integer"] }),
        json!({ "oneOf": [{ "type": "string" }, { "type": "integer" }] }),
    );
    check(
        json!({ "type": ["string", "integer", "null"] }),
        json!({ "oneOf": [{ "type": "string" }, { "type": "integer" }], "nullable": true }),
    );
}

#[test]
fn the_null_type_alone() {
    check(
        json!({ "type": ["null"] }),
        json!({ "enum": [null], "nullable": true }),
    );
    check(
        json!({ "type": "null" }),
        json!({ "nullable": true, "enum": [null] }),
    );
}

#[test]
fn const_becomes_a_one_value_enum() {
    check(
        json!({ "type": "string", "const": "fixed" }),
        json!({ "type": "string", "enum": ["fixed"] }),
    );
}

#[test]
fn enums_listing_null_are_nullable_and_keep_null() {
    check(
        json!({ "type": ["string", "null"], "enum": ["a", null] }),
        json!({ "type": "string", "nullable": true, "enum": ["a", null] }),
    );
    check(
        json!({ "type": "string", "enum": ["a", null] }),
        json!({ "type": "string", "nullable": true, "enum": ["a", null] }),
    );
    // A schema without `type`: `nullable` goes first.
    check(
        json!({ "description": "d", "enum": ["a", null] }),
        json!({ "nullable": true, "description": "d", "enum": ["a", null] }),
    );
}

#[test]
fn examples_become_the_first_example() {
    check(
        json!({ "type": "string", "examples": ["one", "two"] }),
        json!({ "type": "string", "example": "one" }),
    );
    check(
        json!({ "type": "string", "examples": [] }),
        json!({ "type": "string" }),
    );
}

#[test]
fn numeric_exclusive_bounds_become_boolean_ones() {
    check(
        json!({ "type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10 }),
        json!({ "type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 10, "exclusiveMaximum": true }),
    );
    // Beside an inclusive bound, the stricter one is kept.
    check(
        json!({ "type": "number", "minimum": 5, "exclusiveMinimum": 1, "maximum": 7, "exclusiveMaximum": 6.5 }),
        json!({ "type": "number", "minimum": 5, "maximum": 6.5, "exclusiveMaximum": true }),
    );
    // 3.0's boolean form in a 3.1 document (OpenAI's) is read as 3.0 reads it.
    check(
        json!({ "type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1, "exclusiveMaximum": false }),
        json!({ "type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1 }),
    );
}

#[test]
fn references_with_siblings_keep_them() {
    check(
        json!({ "type": "object", "properties": {
            "a": { "$ref": "#/components/schemas/U", "description": "Doc of a." },
            "b": { "$ref": "#/components/schemas/U", "x-release-lifecycle": "EA" },
            "c": { "$ref": "#/components/schemas/U", "type": ["object", "null"] }
        } }),
        json!({ "type": "object", "properties": {
            "a": { "allOf": [{ "$ref": "#/components/schemas/U" }], "description": "Doc of a." },
            "b": { "$ref": "#/components/schemas/U", "x-release-lifecycle": "EA" },
            "c": { "allOf": [{ "$ref": "#/components/schemas/U" }], "type": "object", "nullable": true }
        } }),
    );
}

#[test]
fn schemas_without_type_and_boolean_schemas() {
    check(
        json!({ "type": "array", "items": true, "description": "anything" }),
        json!({ "type": "array", "items": {}, "description": "anything" }),
    );
    check(
        json!({ "properties": { "a": {} }, "additionalProperties": false }),
        json!({ "properties": { "a": {} }, "additionalProperties": false }),
    );
}

#[test]
fn nested_schemas_everywhere_are_rewritten() {
    let document = json!({
        "openapi": "3.1.1",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": { "title": "t", "version": "1" },
        "paths": {
            "/a": { "$ref": "#/components/pathItems/A" }
        },
        "webhooks": { "ping": { "post": { "responses": { "200": { "description": "ok" } } } } },
        "components": {
            "pathItems": {
                "A": { "get": {
                    "parameters": [{ "name": "q", "in": "query", "schema": { "type": ["string", "null"] } }],
                    "responses": { "200": {
                        "description": "ok",
                        "headers": { "X-N": { "schema": { "type": ["integer", "null"] } } },
                        "content": { "application/json": { "schema": { "type": "array", "items": { "const": 1 } } } }
                    } }
                } }
            },
            "requestBodies": { "B": { "content": { "application/json": { "schema": { "examples": [1] } } } } }
        }
    });
    let normalized = to_openapi_30(document).unwrap();
    assert_eq!(
        normalized.document,
        json!({
            "openapi": "3.0.3",
            "info": { "title": "t", "version": "1" },
            "paths": {
                "/a": { "get": {
                    "parameters": [{ "name": "q", "in": "query", "schema": { "type": "string", "nullable": true } }],
                    "responses": { "200": {
                        "description": "ok",
                        "headers": { "X-N": { "schema": { "type": "integer", "nullable": true } } },
                        "content": { "application/json": { "schema": { "type": "array", "items": { "enum": [1] } } } }
                    } }
                } }
            },
            "components": {
                "requestBodies": { "B": { "content": { "application/json": { "schema": { "example": 1 } } } } }
            }
        })
    );
    let warnings: Vec<String> = normalized
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        warnings,
        ["#/webhooks: `webhooks` are not supported; they are ignored"]
    );
}

#[test]
fn annotations_3_0_lacks_are_dropped_with_a_warning() {
    let document = json!({
        "openapi": "3.1.0",
        "info": { "title": "t", "version": "1" },
        "paths": { "/up": { "post": {
            "callbacks": { "done": {} },
            "requestBody": { "content": { "application/octet-stream": { "schema": {
                "type": "string", "contentMediaType": "image/png", "$comment": "a picture"
            } } } },
            "responses": { "204": { "description": "ok" } }
        } } }
    });
    let normalized = to_openapi_30(document).unwrap();
    let operation = &normalized.document["paths"]["/up"]["post"];
    assert!(operation.get("callbacks").is_none());
    assert_eq!(
        operation["requestBody"]["content"]["application/octet-stream"]["schema"],
        json!({ "type": "string" })
    );
    let locations: Vec<&str> = normalized
        .warnings
        .iter()
        .map(|w| w.location.as_str())
        .collect();
    assert_eq!(
        locations,
        [
            "#/paths/~1up/post/requestBody/content/application~1octet-stream/schema/contentMediaType",
            "#/paths/~1up/post/callbacks",
        ]
    );
}

#[test]
fn unsupported_constructs_are_located_errors() {
    check_error(
        with_schema(json!({ "properties": { "a/b": { "type": 7 } } })),
        "#/components/schemas/T/properties/a~1b/type",
        "must be a string or an array",
    );
    check_error(
        with_schema(json!({ "type": "integer", "exclusiveMinimum": "0" })),
        "#/components/schemas/T/exclusiveMinimum",
        "must be a number",
    );
    check_error(
        json!({ "openapi": "3.1.0", "info": {}, "paths": { "/x": { "$ref": "#/components/pathItems/Nope" } } }),
        "#/paths/~1x/$ref",
        "must exist",
    );
    check_error(
        json!({ "openapi": "3.0.3" }),
        "#/openapi",
        "found version \"3.0.3\"",
    );
}

#[test]
fn generate_reads_31_and_names_other_versions() {
    let spec = "openapi: 3.1.0\ninfo: { title: t, version: '1' }\npaths: {}\nwebhooks: {}\n";
    let output = generate(spec, &Config::new("t")).unwrap();
    assert!(output.warnings.iter().any(|w| w.location == "#/webhooks"));
    for (spec, location, message) in [
        (
            "swagger: '2.0'\n",
            "#/swagger",
            "Swagger \"2.0\" documents are not supported",
        ),
        (
            "openapi: 2.5.0\n",
            "#/openapi",
            "unsupported OpenAPI version \"2.5.0\"",
        ),
        (
            "{\"openapi\": 4}",
            "#/openapi",
            "unsupported OpenAPI version 4",
        ),
    ] {
        let Errors(errors) = generate(spec, &Config::new("t")).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].location, location);
        assert!(errors[0].message.contains(message), "{errors:?}");
    }
    // JSON read the quick way (`openapi` first) and the full way (`openapi` later, or an escape
    // in the version) gives the same crate.
    let first = r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#;
    let later = r#"{"info": {"title": "t", "version": "1"}, "openapi": "3.1.0", "paths": {}}"#;
    let escaped =
        r#"{"openapi": "3.1\u002e0", "info": {"title": "t", "version": "1"}, "paths": {}}"#;
    let files = |spec| generate(spec, &Config::new("t")).unwrap().files;
    assert_eq!(files(first), files(later));
    assert_eq!(files(first), files(escaped));
    // An unsupported 3.1 construct is located in the document the user wrote.
    let spec = "openapi: 3.1.0\ninfo: { title: t, version: '1' }\npaths: {}\ncomponents:\n  schemas:\n    T: { properties: { a: { type: [7] } } }\n";
    let Errors(errors) = generate(spec, &Config::new("t")).unwrap_err();
    assert_eq!(
        errors[0].location,
        "#/components/schemas/T/properties/a/type/0"
    );
}

#[test]
fn a_31_document_and_its_hand_translation_generate_the_same_rust() {
    let config = Config::new("constructs-client").spec_label("constructs");
    let v31 = generate(include_str!("fixtures/constructs.oas3.1.yaml"), &config).unwrap();
    let v30 = generate(include_str!("fixtures/constructs.oas3.0.yaml"), &config).unwrap();
    assert_eq!(
        v31.files.keys().collect::<Vec<_>>(),
        v30.files.keys().collect::<Vec<_>>()
    );
    for (path, contents) in &v30.files {
        assert_eq!(&v31.files[path], contents, "{path} differs");
    }
    // The fixture really exercises the constructs: the pieces they become are there.
    let types = &v31.files["src/types.rs"];
    for piece in [
        "pub nickname: crate::Nullable<String>",
        "/// The owner, described beside the reference.",
        "pub owner: crate::Nullable<Person>",
        "pub mood: crate::Nullable<Mood>",
        "pub kind: PetKind",
        "Minimum: 0 (exclusive). Maximum: 100 (exclusive).",
        "pub weight: crate::Nullable<f64>",
        "pub anything: Option<serde_json::Value>",
    ] {
        assert!(types.contains(piece), "{piece:?} not in:\n{types}");
    }
}

/// Rewrites `schema` and returns the result and the warnings' `(location, message)`.
fn rewrite(schema: Value) -> (Value, Vec<(String, String)>) {
    let normalized = to_openapi_30(with_schema(schema)).unwrap();
    let warnings = normalized
        .warnings
        .into_iter()
        .map(|w| (w.location, w.message))
        .collect();
    (
        normalized.document["components"]["schemas"]["T"].clone(),
        warnings,
    )
}

#[test]
fn json_schema_keywords_are_rewritten_or_dropped_with_a_located_warning() {
    // Constraints the client does not check: dropped, each with a warning at its pointer.
    for keyword in [
        "contains",
        "minContains",
        "maxContains",
        "if",
        "then",
        "else",
        "dependentSchemas",
        "propertyNames",
        "unevaluatedItems",
        "contentEncoding",
        "contentMediaType",
        "contentSchema",
    ] {
        let (schema, warnings) = rewrite(json!({ "type": "object", keyword: {} }));
        assert_eq!(schema, json!({ "type": "object" }), "{keyword}");
        assert_eq!(
            warnings,
            [(
                format!("#/components/schemas/T/{keyword}"),
                format!("`{keyword}` is not checked by the client; it is ignored")
            )]
        );
    }
    // `dependentRequired` is checked: carried to the model as an extension.
    let (schema, warnings) =
        rewrite(json!({ "type": "object", "dependentRequired": { "a": ["b"] } }));
    assert_eq!(
        (schema, warnings),
        (
            json!({ "type": "object", "x-dependentRequired": { "a": ["b"] } }),
            vec![]
        )
    );
    // Names and annotations: dropped without a word.
    let (schema, warnings) = rewrite(json!({
        "$id": "x", "$anchor": "a", "$dynamicAnchor": "d", "$defs": { "A": {} },
        "$comment": "c", "type": "string"
    }));
    assert_eq!((schema, warnings), (json!({ "type": "string" }), vec![]));
    // A tuple is an array of any values.
    let (schema, warnings) = rewrite(json!({
        "type": "array", "prefixItems": [{ "type": "string" }], "items": { "type": "integer" }
    }));
    assert_eq!(schema, json!({ "type": "array", "items": {} }));
    assert_eq!(warnings[0].0, "#/components/schemas/T/prefixItems");
    // One pattern: its schema types the additional properties.
    let (schema, warnings) = rewrite(json!({
        "type": "object", "patternProperties": { "^x-": { "type": ["string", "null"] } },
        "additionalProperties": false
    }));
    assert_eq!(
        schema,
        json!({ "type": "object", "additionalProperties": { "type": "string", "nullable": true } })
    );
    assert_eq!(warnings[0].0, "#/components/schemas/T/patternProperties");
    // Several patterns: any additional property is kept.
    let (schema, _) = rewrite(json!({
        "type": "object", "patternProperties": { "^a": { "type": "string" }, "^b": {} }
    }));
    assert_eq!(
        schema,
        json!({ "type": "object", "additionalProperties": true })
    );
    // `unevaluatedProperties` is the merged type's `additionalProperties`.
    let (schema, warnings) = rewrite(json!({
        "allOf": [{ "type": "object" }], "unevaluatedProperties": false
    }));
    assert_eq!(
        (schema, warnings),
        (
            json!({ "allOf": [{ "type": "object" }], "additionalProperties": false }),
            vec![]
        )
    );
    // `false`: a property that must be absent is left out; elsewhere nothing is valid (`not`).
    let (schema, warnings) = rewrite(json!({
        "type": "object", "properties": { "gone": false, "kept": { "items": false } }
    }));
    assert_eq!(
        schema,
        json!({ "type": "object", "properties": { "kept": { "items": { "not": {} } } } })
    );
    assert_eq!(warnings[0].0, "#/components/schemas/T/properties/gone");
    // `$dynamicRef` is not followed: any value.
    let (schema, warnings) = rewrite(json!({ "$dynamicRef": "#node", "description": "d" }));
    assert_eq!(schema, json!({ "description": "d" }));
    assert_eq!(warnings[0].0, "#/components/schemas/T/$dynamicRef");
}

#[test]
fn examples_that_are_not_an_array_are_dropped_with_a_warning() {
    let normalized = to_openapi_30(with_schema(json!({
        "type": "string", "format": "binary", "examples": { "mars": "@mars.jpg" }
    })))
    .unwrap();
    assert_eq!(
        normalized.document["components"]["schemas"]["T"],
        json!({ "type": "string", "format": "binary" })
    );
    let warnings: Vec<String> = normalized
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        warnings,
        ["#/components/schemas/T/examples: `examples` must be an array; it is only an annotation, so it is ignored"]
    );
}
