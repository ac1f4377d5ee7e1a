//! `spec/resource-servers.yaml` against Auth0's own document (`spec/reference/`, OpenAPI 3.1): every
//! property and enum value of the update request and response is there, with the same type,
//! constraints, nullability, default, required list and description.

use std::collections::BTreeSet;

use serde_json::Value;
use xtask::codegen::workspace_root;

fn documents() -> (Value, Value) {
    let root = workspace_root();
    let reference =
        std::fs::read_to_string(root.join("spec/reference/auth0-resource-servers.oas3.1.json"))
            .unwrap();
    let spec = std::fs::read_to_string(root.join("spec/resource-servers.yaml")).unwrap();
    (
        serde_json::from_str(&reference).unwrap(),
        serde_yaml::from_str(&spec).unwrap(),
    )
}

fn resolve<'a>(document: &'a Value, mut schema: &'a Value) -> &'a Value {
    while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let pointer = reference.strip_prefix('#').expect("a local reference");
        schema = document
            .pointer(pointer)
            .unwrap_or_else(|| panic!("{reference} points at nothing"));
    }
    schema
}

/// `(types without "null", nullable)` in either dialect: 3.1 `type: [X, "null"]` or 3.0 `nullable: true`.
fn type_and_nullability(schema: &Value) -> (BTreeSet<String>, bool) {
    let mut types: BTreeSet<String> = match schema.get("type") {
        Some(Value::String(t)) => [t.clone()].into(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => BTreeSet::new(),
    };
    let nullable = types.remove("null")
        || schema.get("nullable") == Some(&Value::Bool(true))
        || schema
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.contains(&Value::Null));
    (types, nullable)
}

/// Compares one schema pair and everything under it; returns how many schemas were compared.
fn compare(
    reference: &Value,
    r: &Value,
    spec: &Value,
    s: &Value,
    at: &str,
    problems: &mut Vec<String>,
) -> usize {
    let (r, s) = (resolve(reference, r), resolve(spec, s));
    let mut compared = 1;
    if type_and_nullability(r) != type_and_nullability(s) {
        problems.push(format!(
            "{at}: type/nullability {:?} != {:?}",
            type_and_nullability(r),
            type_and_nullability(s)
        ));
    }
    for key in [
        "enum",
        "maxLength",
        "minLength",
        "pattern",
        "minimum",
        "maximum",
        "default",
        "required",
        "description",
        "additionalProperties",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minItems",
        "maxItems",
    ] {
        if r.get(key) != s.get(key) {
            problems.push(format!(
                "{at}: `{key}` {:?} != {:?}",
                r.get(key),
                s.get(key)
            ));
        }
    }
    // `format` is kept; the spec may add `format: password` to mark a secret.
    if r.get("format") != s.get("format") && s.get("format") != Some(&Value::from("password")) {
        problems.push(format!(
            "{at}: `format` {:?} != {:?}",
            r.get("format"),
            s.get("format")
        ));
    }
    let properties = |v: &Value| {
        v.get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (rp, sp) = (properties(r), properties(s));
    let (rk, sk): (BTreeSet<_>, BTreeSet<_>) = (rp.keys().collect(), sp.keys().collect());
    if rk != sk {
        problems.push(format!("{at}: properties {rk:?} != {sk:?}"));
    }
    for (name, rv) in &rp {
        if let Some(sv) = sp.get(name) {
            compared += compare(reference, rv, spec, sv, &format!("{at}.{name}"), problems);
        }
    }
    if let (Some(ri), Some(si)) = (r.get("items"), s.get("items")) {
        compared += compare(reference, ri, spec, si, &format!("{at}[]"), problems);
    } else if r.get("items").is_some() != s.get("items").is_some() {
        problems.push(format!("{at}: `items` present in only one document"));
    }
    compared
}

#[test]
fn the_update_request_and_response_match_the_reference() {
    let (reference, spec) = documents();
    assert_eq!(spec["openapi"], "3.0.3");
    let operation = &spec["paths"]["/resource-servers/{id}"]["patch"];
    let reference_operation = &reference["paths"]["/resource-servers/{id}"]["patch"];
    let mut problems = Vec::new();
    let request = &operation["requestBody"]["content"]["application/json"]["schema"];
    let compared_request = compare(
        &reference,
        &reference["components"]["schemas"]["UpdateResourceServerRequestContent"],
        &spec,
        request,
        "request",
        &mut problems,
    );
    let response = &operation["responses"]["201"]["content"]["application/json"]["schema"];
    let compared_response = compare(
        &reference,
        &reference["components"]["schemas"]["UpdateResourceServerResponseContent"],
        &spec,
        response,
        "response",
        &mut problems,
    );
    assert!(
        problems.is_empty(),
        "spec/ differs from the reference:\n{}",
        problems.join("\n")
    );
    // Every property of both schemas, and the schemas they reference, was looked at.
    assert!(
        compared_request >= 24 && compared_response >= 29,
        "{compared_request} {compared_response}"
    );

    // The operation itself.
    assert_eq!(operation["operationId"], reference_operation["operationId"]);
    assert_eq!(operation["parameters"], reference_operation["parameters"]);
    assert_eq!(operation["security"], reference_operation["security"]);
    assert_eq!(spec["servers"], reference["servers"]);
    assert_eq!(
        spec["components"]["securitySchemes"],
        reference["components"]["securitySchemes"]
    );
    for status in ["400", "401", "403", "409", "429"] {
        let declared = &operation["responses"][status];
        assert_eq!(
            declared["description"],
            reference_operation["responses"][status]["description"]
        );
        let body = resolve(&spec, &declared["content"]["application/json"]["schema"]);
        let fields: BTreeSet<&String> = body["properties"].as_object().unwrap().keys().collect();
        assert_eq!(
            fields,
            ["error", "errorCode", "message", "statusCode"]
                .iter()
                .map(|s| s.to_string())
                .collect::<BTreeSet<_>>()
                .iter()
                .collect()
        );
    }
    let headers: BTreeSet<&String> = operation["responses"]["429"]["headers"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(headers.len(), 3);
    assert!(headers.iter().all(|h| h.starts_with("X-RateLimit-")));
}

#[test]
fn the_comparison_catches_a_difference() {
    // The check is not vacuous: a changed constraint in the spec is reported.
    let (reference, mut spec) = documents();
    spec["components"]["schemas"]["UpdateResourceServerRequestContent"]["properties"]["name"]
        ["maxLength"] = 201.into();
    spec["components"]["schemas"]["ResourceServerTokenEncryption"]["nullable"] = false.into();
    let mut problems = Vec::new();
    let request = spec["paths"]["/resource-servers/{id}"]["patch"]["requestBody"]["content"]
        ["application/json"]["schema"]
        .clone();
    compare(
        &reference,
        &reference["components"]["schemas"]["UpdateResourceServerRequestContent"],
        &spec,
        &request,
        "request",
        &mut problems,
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("request.name: `maxLength`")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("request.token_encryption: type/nullability")),
        "{problems:?}"
    );
}
