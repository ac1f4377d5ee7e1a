//! OpenAPI 3.1 → 3.0.3: the thin layer that lets the 3.0 reader (`openapiv3`) and the rest of the
//! generator read 3.1 documents, and that `cargo xtask spec-import` uses to write `spec/`.
//!
//! [`to_openapi_30`] rewrites a 3.1 document, held as a [`serde_json::Value`] (key order kept), into
//! the 3.0.3 document a careful hand translation would give:
//!
//! | 3.1 | 3.0.3 |
//! |---|---|
//! | `type: [X, "null"]` | `type: X`, `nullable: true` |
//! | `type: ["null"]` | `nullable: true`, `enum: [null]` |
//! | `type: [X, Y]` | `oneOf: [{type: X}, {type: Y}]` (plus `nullable` when `"null"` is listed) |
//! | `const: v` | `enum: [v]` |
//! | `enum` listing `null` | the same `enum`, and `nullable: true` |
//! | `examples: [a, ...]` | `example: a` |
//! | `examples` that is not an array | dropped, with a warning |
//! | `exclusiveMinimum: n` | `minimum: n`, `exclusiveMinimum: true` (same for the maximum) |
//! | `$ref` beside `description`, `nullable`, ... | `allOf: [{$ref}]` beside them (`x-` extensions stay beside the `$ref`) |
//! | `true` / `{}` as a schema | `{}` |
//! | `false` as a property's schema | the property left out, with a warning |
//! | `false` as any other schema | `not: {}` (which the model types as any value, with a warning) |
//! | `jsonSchemaDialect`, `$schema`, `$comment`, `$id`, `$anchor`, `$dynamicAnchor`, `$defs` | dropped (a `$ref` into `$defs` is then an error) |
//! | `webhooks`, `callbacks` | dropped, with a warning |
//! | `dependentRequired` | `x-dependentRequired`, which the model reads (the client checks it) |
//! | `contains`, `minContains`, `maxContains`, `if`/`then`/`else`, `dependentSchemas`, `propertyNames`, `unevaluatedItems`, `contentEncoding`, `contentMediaType`, `contentSchema` | dropped, with a warning: they only constrain values, and the client does not check them |
//! | `prefixItems` | `items: {}` (any JSON values), with a warning |
//! | `patternProperties` | `additionalProperties`: the pattern's schema when there is one pattern and no other `additionalProperties`, else `true`; with a warning |
//! | `unevaluatedProperties` | `additionalProperties` (allOf members are merged into one type); ignored with a warning beside `additionalProperties` |
//! | `$dynamicRef` | `{}` (any JSON value), with a warning |
//! | `components/pathItems` | copied into each path that `$ref`s them |
//! | `openapi: 3.1.x` | `openapi: 3.0.3` |
//!
//! Nothing panics on bad input; what cannot be read is an error located by its JSON pointer.

use serde_json::{Map, Value};

use crate::{Diagnostic, Errors};

/// A document rewritten to OpenAPI 3.0.3, and what was dropped on the way.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The 3.0.3 document, keys in the order of the input.
    pub document: Value,
    /// What was dropped or approximated, each located by a JSON pointer into the input.
    pub warnings: Vec<Diagnostic>,
}

/// Whether an `openapi` version string is 3.1.x.
pub fn is_openapi_31(version: &str) -> bool {
    version == "3.1" || version.starts_with("3.1.")
}

/// Rewrites an OpenAPI 3.1.x document into an equivalent OpenAPI 3.0.3 document.
///
/// Fails with every unsupported construct found, each located by its JSON pointer; the input must
/// say `openapi: 3.1.x`.
pub fn to_openapi_30(document: Value) -> Result<Normalized, Errors> {
    let mut out = Context::default();
    let Value::Object(mut root) = document else {
        return Err(Errors(vec![Diagnostic::new(
            "#",
            "an OpenAPI document must be an object",
        )]));
    };
    match root.get("openapi") {
        Some(Value::String(version)) if is_openapi_31(version) => {}
        Some(other) => {
            return Err(Errors(vec![Diagnostic::new(
                "#/openapi",
                format!("expected an OpenAPI 3.1.x document, found version {other}"),
            )]))
        }
        None => {
            return Err(Errors(vec![Diagnostic::new(
                "#",
                "not an OpenAPI document: there is no `openapi` field",
            )]))
        }
    }
    root.insert("openapi".to_owned(), Value::from("3.0.3"));
    root.shift_remove("jsonSchemaDialect");
    if root.shift_remove("webhooks").is_some() {
        out.warn(
            "#/webhooks",
            "`webhooks` are not supported; they are ignored",
        );
    }
    if !root.contains_key("paths") {
        root.insert("paths".to_owned(), Value::Object(Map::new()));
    }

    // Path items kept in components are copied into the paths that refer to them.
    let path_items = match root.get_mut("components").and_then(Value::as_object_mut) {
        Some(components) => components.shift_remove("pathItems"),
        None => None,
    };
    let path_items = match path_items {
        None => Map::new(),
        Some(Value::Object(items)) => items,
        Some(_) => {
            out.error("#/components/pathItems", "`pathItems` must be an object");
            Map::new()
        }
    };
    // Paths and components are rewritten on two threads (each a few milliseconds of a large
    // document's), their diagnostics kept in that order.
    let (mut paths, mut components) = (None, None);
    for (key, value) in root.iter_mut() {
        match key.as_str() {
            "paths" => paths = Some(value),
            "components" => components = Some(value),
            _ => {}
        }
    }
    let mut from_components = Context::default();
    let from_paths = std::thread::scope(|scope| {
        let from_paths = scope.spawn(|| {
            let mut out = Context::default();
            match paths {
                Some(Value::Object(paths)) => {
                    for (path, item) in paths.iter_mut() {
                        let at = format!("#/paths/{}", escape(path));
                        resolve_path_item(item, &path_items, &at, &mut out);
                        path_item(item, &at, &mut out);
                    }
                }
                _ => out.error("#/paths", "`paths` must be an object"),
            }
            out
        });
        if let Some(Value::Object(components)) = components {
            for (kind, entries) in components.iter_mut() {
                let Value::Object(entries) = entries else {
                    continue;
                };
                for (name, entry) in entries.iter_mut() {
                    let at = format!("#/components/{}/{}", escape(kind), escape(name));
                    let out = &mut from_components;
                    match kind.as_str() {
                        "schemas" => schema(entry, &at, out),
                        "parameters" | "headers" => parameter(entry, &at, out),
                        "requestBodies" => request_body(entry, &at, out),
                        "responses" => response(entry, &at, out),
                        _ => {}
                    }
                }
            }
        }
        from_paths
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    // What the document-level steps above found, then the paths', then the components'.
    for part in [from_paths, from_components] {
        out.errors.extend(part.errors);
        out.warnings.extend(part.warnings);
    }

    if out.errors.is_empty() {
        Ok(Normalized {
            document: Value::Object(root),
            warnings: out.warnings,
        })
    } else {
        Err(Errors(out.errors))
    }
}

#[derive(Default)]
struct Context {
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Context {
    fn error(&mut self, at: &str, message: impl Into<String>) {
        self.errors.push(Diagnostic::new(at, message));
    }

    fn warn(&mut self, at: &str, message: impl Into<String>) {
        self.warnings.push(Diagnostic::new(at, message));
    }
}

/// Escapes one JSON pointer segment (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The segment [`escape`] escaped: `~1` → `/`, then `~0` → `~`.
pub fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Replaces a path item that `$ref`s `#/components/pathItems/...` with a copy of its target (its
/// own fields beside the `$ref` win).
fn resolve_path_item(
    item: &mut Value,
    path_items: &Map<String, Value>,
    at: &str,
    out: &mut Context,
) {
    for _ in 0..64 {
        let Some(Value::String(reference)) = item.get("$ref") else {
            return;
        };
        let Some(target) = reference
            .strip_prefix("#/components/pathItems/")
            .and_then(|name| path_items.get(&unescape(name)))
        else {
            out.error(
                &format!("{at}/$ref"),
                format!("unsupported path item `$ref` {reference:?}: only #/components/pathItems/... is supported, and it must exist"),
            );
            return;
        };
        let mut resolved = target.clone();
        if let (Value::Object(resolved), Value::Object(own)) = (&mut resolved, &*item) {
            for (key, value) in own {
                if key != "$ref" {
                    resolved.insert(key.clone(), value.clone());
                }
            }
        }
        *item = resolved;
    }
    out.error(at, "`$ref` cycle among path items");
}

fn path_item(item: &mut Value, at: &str, out: &mut Context) {
    let Value::Object(item) = item else {
        out.error(at, "a path item must be an object");
        return;
    };
    if let Some(parameters) = item.get_mut("parameters") {
        parameter_list(parameters, &format!("{at}/parameters"), out);
    }
    for method in METHODS {
        if let Some(operation) = item.get_mut(method) {
            self::operation(operation, &format!("{at}/{method}"), out);
        }
    }
}

fn operation(operation: &mut Value, at: &str, out: &mut Context) {
    let Value::Object(operation) = operation else {
        out.error(at, "an operation must be an object");
        return;
    };
    if let Some(parameters) = operation.get_mut("parameters") {
        parameter_list(parameters, &format!("{at}/parameters"), out);
    }
    if let Some(body) = operation.get_mut("requestBody") {
        request_body(body, &format!("{at}/requestBody"), out);
    }
    if let Some(Value::Object(responses)) = operation.get_mut("responses") {
        for (status, answer) in responses.iter_mut() {
            response(answer, &format!("{at}/responses/{}", escape(status)), out);
        }
    }
    if operation.shift_remove("callbacks").is_some() {
        out.warn(
            &format!("{at}/callbacks"),
            "`callbacks` are not supported; they are ignored",
        );
    }
}

fn parameter_list(parameters: &mut Value, at: &str, out: &mut Context) {
    let Value::Array(parameters) = parameters else {
        out.error(at, "`parameters` must be an array");
        return;
    };
    for (i, parameter) in parameters.iter_mut().enumerate() {
        self::parameter(parameter, &format!("{at}/{i}"), out);
    }
}

/// A parameter or a header: a `schema`, or a `content` map.
fn parameter(parameter: &mut Value, at: &str, out: &mut Context) {
    if let Some(schema) = parameter.get_mut("schema") {
        self::schema(schema, &format!("{at}/schema"), out);
    }
    content(parameter, at, out);
}

fn request_body(body: &mut Value, at: &str, out: &mut Context) {
    content(body, at, out);
}

fn response(answer: &mut Value, at: &str, out: &mut Context) {
    content(answer, at, out);
    if let Some(Value::Object(headers)) = answer.get_mut("headers") {
        for (name, header) in headers.iter_mut() {
            parameter(header, &format!("{at}/headers/{}", escape(name)), out);
        }
    }
}

fn content(holder: &mut Value, at: &str, out: &mut Context) {
    if let Some(Value::Object(media)) = holder.get_mut("content") {
        for (media_type, entry) in media.iter_mut() {
            if let Some(schema) = entry.get_mut("schema") {
                let at = format!("{at}/content/{}/schema", escape(media_type));
                self::schema(schema, &at, out);
            }
        }
    }
}

/// Keywords that name or annotate a schema and change nothing in a client: dropped.
const ANNOTATIONS: [&str; 6] = [
    "$schema",
    "$comment",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$defs",
];

/// JSON Schema keywords that only constrain values, which the client does not check: dropped with
/// a warning (responses are never checked anyway; a request that breaks one is refused by the
/// server instead of before sending).
const UNCHECKED: [&str; 12] = [
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
];

/// The JSON Schema 2020-12 keywords OpenAPI 3.0 lacks, each rewritten to what 3.0 can say or
/// dropped, as the module doc's table says.
fn json_schema_keywords(object: &mut Map<String, Value>, at: &str, out: &mut Context) {
    for keyword in ANNOTATIONS {
        object.shift_remove(keyword);
    }
    for keyword in UNCHECKED {
        if object.shift_remove(keyword).is_some() {
            out.warn(
                &format!("{at}/{}", escape(keyword)),
                format!("`{keyword}` is not checked by the client; it is ignored"),
            );
        }
    }
    // Checked by the client: carried to the model as an extension, which `openapiv3` keeps.
    if let Some(dependent) = object.shift_remove("dependentRequired") {
        object.insert("x-dependentRequired".to_owned(), dependent);
    }
    if object.shift_remove("$dynamicRef").is_some() {
        out.warn(
            &format!("{at}/$dynamicRef"),
            "`$dynamicRef` is not followed; the schema accepts any JSON value",
        );
        object.retain(|key, _| key.starts_with("x-") || key == "description");
    }
    if object.shift_remove("prefixItems").is_some() {
        out.warn(
            &format!("{at}/prefixItems"),
            "`prefixItems` (a tuple) is not typed; the array holds any JSON values",
        );
        object.insert("items".to_owned(), Value::Object(Map::new()));
    }
    if let Some(patterns) = object.shift_remove("patternProperties") {
        out.warn(
            &format!("{at}/patternProperties"),
            "`patternProperties`: property names are not checked against the patterns; such \
             properties are kept as additional properties",
        );
        let value = match (object.get("additionalProperties"), patterns) {
            (None | Some(Value::Bool(false)), Value::Object(patterns)) if patterns.len() == 1 => {
                patterns.into_iter().next().map(|(_, schema)| schema)
            }
            _ => Some(Value::Bool(true)),
        };
        if let Some(value) = value {
            object.insert("additionalProperties".to_owned(), value);
        }
    }
    if let Some(unevaluated) = object.shift_remove("unevaluatedProperties") {
        // The generator merges `allOf` members into one struct, so "no properties but those
        // the members declare" is that struct's `additionalProperties`.
        if object.contains_key("additionalProperties") {
            out.warn(
                &format!("{at}/unevaluatedProperties"),
                "`unevaluatedProperties` beside `additionalProperties` is ignored",
            );
        } else {
            object.insert("additionalProperties".to_owned(), unevaluated);
        }
    }
}

/// Rewrites one schema, and every schema under it, in place.
fn schema(schema: &mut Value, at: &str, out: &mut Context) {
    let object = match schema {
        Value::Bool(true) => {
            *schema = Value::Object(Map::new());
            return;
        }
        Value::Bool(false) => {
            // Nothing is valid: `not: {}`, which the model types as any value, with a warning.
            let mut never = Map::new();
            never.insert("not".to_owned(), Value::Object(Map::new()));
            *schema = Value::Object(never);
            return;
        }
        Value::Object(object) => object,
        _ => {
            out.error(at, "a schema must be an object or a boolean");
            return;
        }
    };
    json_schema_keywords(object, at, out);

    if object.contains_key("$ref") {
        reference_with_siblings(object, at, out);
        return;
    }

    let losers = losing_bounds(object);
    let mut nullable = false;
    let mut rebuilt = Map::with_capacity(object.len() + 1);
    for (key, value) in std::mem::take(object) {
        if losers.contains(&key.as_str()) {
            continue;
        }
        match key.as_str() {
            "type" => type_keyword(value, at, out, &mut rebuilt, &mut nullable),
            "const" => {
                if value.is_null() {
                    nullable = true;
                }
                rebuilt.insert("enum".to_owned(), Value::Array(vec![value]));
            }
            "enum" => {
                if value
                    .as_array()
                    .is_some_and(|values| values.contains(&Value::Null))
                {
                    nullable = true;
                }
                rebuilt.insert(key, value);
            }
            "examples" => match value {
                Value::Array(examples) => {
                    if let Some(first) = examples.into_iter().next() {
                        rebuilt.insert("example".to_owned(), first);
                    }
                }
                // Only an annotation: left out rather than refused (Scalar Galaxy has a map).
                _ => out.warn(
                    &format!("{at}/examples"),
                    "`examples` must be an array; it is only an annotation, so it is ignored",
                ),
            },
            "exclusiveMinimum" | "exclusiveMaximum" => {
                let bound = if key == "exclusiveMinimum" {
                    "minimum"
                } else {
                    "maximum"
                };
                // 3.0's boolean form, common in 3.1 documents (OpenAI's): read as 3.0 reads it,
                // whether `minimum` (or `maximum`) is exclusive.
                if let Value::Bool(exclusive) = value {
                    out.warn(
                        &format!("{at}/{key}"),
                        format!("`{key}` is a boolean, OpenAPI 3.0's form (3.1's is a number); read as 3.0 reads it, with `{bound}`"),
                    );
                    if exclusive {
                        rebuilt.insert(key, Value::Bool(true));
                    }
                    continue;
                }
                if !value.is_number() {
                    out.error(
                        &format!("{at}/{key}"),
                        format!("`{key}` must be a number in OpenAPI 3.1, found {value}"),
                    );
                    continue;
                }
                rebuilt.insert(bound.to_owned(), value);
                rebuilt.insert(key, Value::Bool(true));
            }
            "properties" => properties_keyword(value, at, out, &mut rebuilt),
            "items" | "not" => {
                let mut value = value;
                if value.is_array() {
                    out.error(
                        &format!("{at}/{key}"),
                        format!("`{key}` must be one schema"),
                    );
                } else {
                    self::schema(&mut value, &format!("{at}/{key}"), out);
                }
                rebuilt.insert(key, value);
            }
            "additionalProperties" => {
                let mut value = value;
                if !value.is_boolean() {
                    self::schema(&mut value, &format!("{at}/{key}"), out);
                }
                rebuilt.insert(key, value);
            }
            "allOf" | "oneOf" | "anyOf" => {
                if let Value::Array(mut members) = value {
                    for (i, member) in members.iter_mut().enumerate() {
                        self::schema(member, &format!("{at}/{key}/{i}"), out);
                    }
                    rebuilt.insert(key, Value::Array(members));
                } else {
                    out.error(&format!("{at}/{key}"), format!("`{key}` must be an array"));
                }
            }
            _ => {
                rebuilt.insert(key, value);
            }
        }
    }
    if nullable && !rebuilt.contains_key("nullable") {
        // Right after `type` when there is one, as a hand translation writes it.
        let position = rebuilt
            .keys()
            .position(|key| key == "type")
            .map_or(0, |i| i + 1)
            .min(rebuilt.len());
        rebuilt.shift_insert(position, "nullable".to_owned(), Value::Bool(true));
    }
    *object = rebuilt;
}

/// The bound keywords that lose to a stricter one beside them: of `minimum: m` and
/// `exclusiveMinimum: n` the stricter bound wins (same for the maximum).
fn losing_bounds(object: &Map<String, Value>) -> Vec<&'static str> {
    let stricter = |inclusive: &'static str, exclusive: &'static str, lower: bool| match (
        object.get(inclusive).and_then(Value::as_f64),
        object.get(exclusive).and_then(Value::as_f64),
    ) {
        (Some(m), Some(n)) if (lower && m > n) || (!lower && m < n) => Some(inclusive),
        (_, Some(_)) => Some(exclusive),
        _ => None,
    };
    [
        ("minimum", "exclusiveMinimum", true),
        ("maximum", "exclusiveMaximum", false),
    ]
    .into_iter()
    .filter_map(|(inclusive, exclusive, lower)| {
        let winner = stricter(inclusive, exclusive, lower)?;
        Some(if winner == inclusive {
            exclusive
        } else {
            inclusive
        })
    })
    .collect()
}

/// `type`: one type as it is; `"null"` and lists of types as 3.0 says them (`nullable`, an
/// `enum` of `null`, a `oneOf` of a schema per type).
fn type_keyword(
    value: Value,
    at: &str,
    out: &mut Context,
    rebuilt: &mut Map<String, Value>,
    nullable: &mut bool,
) {
    match value {
        Value::String(t) if t == "null" => {
            *nullable = true;
            rebuilt.insert("enum".to_owned(), Value::Array(vec![Value::Null]));
        }
        Value::String(_) => {
            rebuilt.insert("type".to_owned(), value);
        }
        Value::Array(types) => {
            let mut named = Vec::new();
            for (i, t) in types.iter().enumerate() {
                match t.as_str() {
                    Some("null") => *nullable = true,
                    Some(t) => named.push(t.to_owned()),
                    None => out.error(
                        &format!("{at}/type/{i}"),
                        format!("a `type` must be a string, found {t}"),
                    ),
                }
            }
            match named.as_slice() {
                [] if *nullable => {
                    rebuilt.insert("enum".to_owned(), Value::Array(vec![Value::Null]));
                }
                [] => out.error(&format!("{at}/type"), "`type` lists no type"),
                [only] => {
                    rebuilt.insert("type".to_owned(), Value::from(only.as_str()));
                }
                several => {
                    let members = several
                        .iter()
                        .map(|t| {
                            let mut member = Map::new();
                            member.insert("type".to_owned(), Value::from(t.as_str()));
                            Value::Object(member)
                        })
                        .collect();
                    rebuilt.insert("oneOf".to_owned(), Value::Array(members));
                }
            }
            if *nullable {
                rebuilt.insert("nullable".to_owned(), Value::Bool(true));
            }
        }
        other => out.error(
            &format!("{at}/type"),
            format!("`type` must be a string or an array of strings, found {other}"),
        ),
    }
}

/// `properties`, each rewritten; a property whose schema is `false` must be absent: it is left
/// out, with a warning.
fn properties_keyword(value: Value, at: &str, out: &mut Context, rebuilt: &mut Map<String, Value>) {
    if let Value::Object(mut properties) = value {
        // A property whose schema is `false` must be absent: it is left out.
        properties.retain(|name, property| {
            let absent = *property == Value::Bool(false);
            if absent {
                out.warn(
                    &format!("{at}/properties/{}", escape(name)),
                    "the schema `false`: the property must be absent; it is left out",
                );
            }
            !absent
        });
        for (name, property) in properties.iter_mut() {
            schema(property, &format!("{at}/properties/{}", escape(name)), out);
        }
        rebuilt.insert("properties".to_owned(), Value::Object(properties));
    } else {
        out.error(
            &format!("{at}/properties"),
            "`properties` must be an object",
        );
    }
}

/// A `$ref` with sibling keywords: 3.0 ignores a `$ref`'s siblings, so the reference moves into a
/// one-member `allOf` and the siblings stay beside it. Extensions alone stay beside the `$ref`.
fn reference_with_siblings(object: &mut Map<String, Value>, at: &str, out: &mut Context) {
    let meaningful = object
        .keys()
        .any(|key| key != "$ref" && !key.starts_with("x-"));
    if !meaningful {
        return;
    }
    let mut rebuilt = Map::with_capacity(object.len());
    for (key, value) in std::mem::take(object) {
        if key == "$ref" {
            let mut member = Map::new();
            member.insert(key, value);
            rebuilt.insert(
                "allOf".to_owned(),
                Value::Array(vec![Value::Object(member)]),
            );
        } else {
            rebuilt.insert(key, value);
        }
    }
    let mut wrapped = Value::Object(rebuilt);
    // The siblings are schema keywords like any other (`type: [..., "null"]`, `examples`, ...).
    schema(&mut wrapped, at, out);
    if let Value::Object(wrapped) = wrapped {
        *object = wrapped;
    }
}
