//! `spec/resource-servers.yaml` against Auth0's own document (`spec/reference/`, OpenAPI 3.1): for
//! each of the five operations, every property and enum value of the request and response is there,
//! with the same type, constraints, nullability, default, required list and description; the
//! parameters, security and error descriptions are Auth0's; the error bodies and headers are ours.

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

/// One operation of the spec, and what it must have.
struct Expected {
    path: &'static str,
    method: &'static str,
    rust_name: &'static str,
    /// The request body schema in the reference, if any.
    request: Option<&'static str>,
    success: &'static str,
    /// The success answer's schema in the reference, if any.
    response: Option<&'static str>,
}

/// The five operations.
const OPERATIONS: [Expected; 5] = [
    Expected {
        path: "/resource-servers",
        method: "get",
        rust_name: "list_resource_servers",
        request: None,
        success: "200",
        response: Some("ListResourceServerResponseContent"),
    },
    Expected {
        path: "/resource-servers",
        method: "post",
        rust_name: "create_resource_server",
        request: Some("CreateResourceServerRequestContent"),
        success: "201",
        response: Some("CreateResourceServerResponseContent"),
    },
    Expected {
        path: "/resource-servers/{id}",
        method: "get",
        rust_name: "get_resource_server",
        request: None,
        success: "200",
        response: Some("GetResourceServerResponseContent"),
    },
    Expected {
        path: "/resource-servers/{id}",
        method: "patch",
        rust_name: "update_resource_server",
        request: Some("UpdateResourceServerRequestContent"),
        success: "201",
        response: Some("UpdateResourceServerResponseContent"),
    },
    Expected {
        path: "/resource-servers/{id}",
        method: "delete",
        rust_name: "delete_resource_server",
        request: None,
        success: "204",
        response: None,
    },
];

/// Compares a schema that may be a `oneOf` (the list answer: an array, or a page object).
fn compare_alternatives(
    reference: &Value,
    r: &Value,
    spec: &Value,
    s: &Value,
    at: &str,
    problems: &mut Vec<String>,
) -> usize {
    let (r, s) = (resolve(reference, r), resolve(spec, s));
    match (r.get("oneOf"), s.get("oneOf")) {
        (Some(Value::Array(rs)), Some(Value::Array(ss))) if rs.len() == ss.len() => rs
            .iter()
            .zip(ss)
            .enumerate()
            .map(|(i, (r, s))| compare(reference, r, spec, s, &format!("{at}|{i}"), problems))
            .sum(),
        (None, None) => compare(reference, r, spec, s, at, problems),
        _ => {
            problems.push(format!("{at}: `oneOf` differs"));
            0
        }
    }
}

#[test]
fn every_operation_matches_the_reference() {
    let (reference, spec) = documents();
    assert_eq!(spec["openapi"], "3.0.3");
    assert_eq!(spec["servers"], reference["servers"]);
    assert_eq!(spec["security"], reference["security"]);
    assert_eq!(
        spec["components"]["securitySchemes"],
        reference["components"]["securitySchemes"]
    );
    let mut problems = Vec::new();
    let mut compared = Vec::new();
    let declared: usize = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    assert_eq!(declared, OPERATIONS.len(), "the spec has other operations");
    for Expected {
        path,
        method,
        rust_name,
        request,
        success,
        response,
    } in OPERATIONS
    {
        let operation = &spec["paths"][path][method];
        let reference_operation = &reference["paths"][path][method];
        let at = format!("{method} {path}");
        assert!(operation.is_object(), "{at} is missing");

        // The operation itself: the same fields as Auth0's (but its code samples), and our method name.
        assert_eq!(operation["x-rust-method-name"], rust_name, "{at}");
        for key in reference_operation.as_object().unwrap().keys() {
            if !matches!(key.as_str(), "x-codeSamples" | "requestBody" | "responses") {
                assert_eq!(operation[key], reference_operation[key], "{at}: `{key}`");
            }
        }

        let mut count = 0;
        if let Some(name) = request {
            let body = &operation["requestBody"];
            assert_eq!(
                body["content"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .collect::<Vec<_>>(),
                reference_operation["requestBody"]["content"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .collect::<Vec<_>>(),
                "{at}: request media types"
            );
            count += compare(
                &reference,
                &reference["components"]["schemas"][name],
                &spec,
                &body["content"]["application/json"]["schema"],
                &format!("{at} request"),
                &mut problems,
            );
        } else {
            assert!(
                operation.get("requestBody").is_none(),
                "{at}: a request body"
            );
        }

        let answers = operation["responses"].as_object().unwrap();
        let reference_answers = reference_operation["responses"].as_object().unwrap();
        assert_eq!(
            answers.keys().collect::<Vec<_>>(),
            reference_answers.keys().collect::<Vec<_>>(),
            "{at}: statuses"
        );
        match response {
            Some(name) => {
                count += compare_alternatives(
                    &reference,
                    &reference["components"]["schemas"][name],
                    &spec,
                    &answers[success]["content"]["application/json"]["schema"],
                    &format!("{at} response"),
                    &mut problems,
                )
            }
            None => assert!(answers[success].get("content").is_none(), "{at}: a body"),
        }
        compared.push((at.clone(), count));

        // Every error answer: Auth0's description, and the error body we add.
        for (status, answer) in answers {
            if !status.starts_with('4') {
                continue;
            }
            assert_eq!(
                answer["description"], reference_answers[status]["description"],
                "{at} {status}"
            );
            let body = resolve(&spec, &answer["content"]["application/json"]["schema"]);
            let fields: BTreeSet<&str> = body["properties"]
                .as_object()
                .unwrap_or_else(|| panic!("{at} {status}: no error body"))
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(
                fields,
                BTreeSet::from(["error", "errorCode", "message", "statusCode"]),
                "{at} {status}"
            );
        }
        let headers: BTreeSet<&str> = answers["429"]["headers"]
            .as_object()
            .unwrap_or_else(|| panic!("{at}: 429 has no headers"))
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            headers,
            BTreeSet::from([
                "X-RateLimit-Limit",
                "X-RateLimit-Remaining",
                "X-RateLimit-Reset"
            ]),
            "{at}"
        );
    }
    assert!(
        problems.is_empty(),
        "spec/ differs from the reference:\n{}",
        problems.join("\n")
    );
    // Every property of every schema, and the schemas they reference, was looked at.
    let minimum = [
        ("get /resource-servers", 88),
        ("post /resource-servers", 78),
        ("get /resource-servers/{id}", 41),
        ("patch /resource-servers/{id}", 77),
        ("delete /resource-servers/{id}", 0),
    ];
    for ((at, count), (expected_at, minimum)) in compared.iter().zip(minimum) {
        assert_eq!(at, expected_at);
        assert!(*count >= minimum, "{at}: only {count} schemas compared");
    }
}

#[test]
fn the_list_parameters_are_auth0s() {
    let (_, spec) = documents();
    let parameters = spec["paths"]["/resource-servers"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let by_name = |name: &str| {
        parameters
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no parameter {name}"))
    };
    let names: Vec<&str> = parameters
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "identifiers",
            "page",
            "per_page",
            "include_totals",
            "include_fields"
        ]
    );
    assert!(parameters.iter().all(|p| p["in"] == "query"));
    let identifiers = by_name("identifiers");
    // Repeated: `?identifiers=a&identifiers=b`.
    assert_eq!(
        (&identifiers["style"], &identifiers["explode"]),
        (&Value::from("form"), &Value::from(true))
    );
    assert_eq!(identifiers["schema"]["type"], "array");
    assert_eq!(identifiers["schema"]["items"]["type"], "string");
    assert_eq!(identifiers["schema"]["items"]["minLength"], 1);
    assert_eq!(by_name("page")["schema"]["type"], "integer");
    assert_eq!(by_name("page")["schema"]["minimum"], 0);
    assert_eq!(by_name("per_page")["schema"]["minimum"], 1);
    assert_eq!(by_name("per_page")["schema"]["maximum"], 100);
    for flag in ["include_totals", "include_fields"] {
        assert_eq!(by_name(flag)["schema"]["type"], "boolean");
    }
    // The get takes `include_fields` too, and the update a required body.
    let get = &spec["paths"]["/resource-servers/{id}"]["get"]["parameters"];
    assert_eq!(get[1]["name"], "include_fields");
    assert_eq!(
        spec["paths"]["/resource-servers/{id}"]["patch"]["requestBody"]["required"],
        true
    );
    // `signing_secret` is a secret wherever it is sent.
    for schema in [
        "CreateResourceServerRequestContent",
        "UpdateResourceServerRequestContent",
    ] {
        assert_eq!(
            spec["components"]["schemas"][schema]["properties"]["signing_secret"]["format"],
            "password"
        );
    }
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
