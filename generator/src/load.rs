//! Stage 1: parse the document, check it, and give access to it with `$ref`s resolved.
//!
//! [`load`] first reads only the `openapi`/`swagger` fields and routes by version: 3.0.x as it is,
//! 3.1.x through `normalize` (parsed once, as a `Value`, rewritten, then checked and read from that),
//! Swagger 2.0 and anything else refused with a message naming the version. A 3.0 document is parsed
//! twice (as a `Node` for `check.rs`, then as `openapiv3` types). `check_and_read` runs the checks and
//! the `openapiv3` read on two threads only when the document nests at most 14 levels: on some
//! mistakes deep in a schema `openapiv3`'s untagged enums take time exponential in the depth, so a
//! deeper document is read only once checked.
//!
//! Before the read, `hoist_nested_refs` makes every schema a `$ref` reaches inside another (`$defs`,
//! `definitions`, a path's schema) a component of its own (`openapiv3` follows references to whole
//! components only; parameters, request bodies, responses and headers a `$ref` reaches under
//! `paths` are hoisted likewise), and `clamp_integer_bounds` sets integer bounds beyond 64 bits to the 64-bit
//! limit; a 3.0 document takes that route (as a `Value`) only when its text has such a reference or
//! a 19-digit number. [`Document`]'s methods follow `$ref`s to schemas, parameters, request bodies
//! and responses.

use openapiv3::{OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema};
use std::collections::BTreeMap;

use serde::Deserialize;

use crate::check::{self, Node};
use crate::{Diagnostic, Errors};

/// A parsed OpenAPI document (3.0, or 3.1 rewritten to 3.0 by [`crate::normalize`]), with `$ref` resolution.
#[derive(Debug)]
pub struct Document {
    /// The document as `openapiv3` reads it.
    pub api: OpenAPI,
    /// What reading it dropped or approximated (from the 3.1 → 3.0 rewrite), each located.
    pub warnings: Vec<Diagnostic>,
    /// Where the schemas made components of their own were in the document as written.
    pub moved: Moved,
}

/// The objects a `$ref` reached inside another that reading made components of their own
/// (`hoist_nested_refs`): `(pointer now, pointer in the document as written)`.
#[derive(Debug, Clone, Default)]
pub struct Moved(Vec<(String, String)>);

impl Moved {
    /// Points each diagnostic inside a moved object at where it is in the document as written.
    pub fn relocate(&self, diagnostics: &mut [Diagnostic]) {
        for diagnostic in diagnostics {
            let found = self.0.iter().find(|(now, _)| {
                diagnostic
                    .location
                    .strip_prefix(now.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            });
            if let Some((now, written)) = found {
                diagnostic.location = format!("{written}{}", &diagnostic.location[now.len()..]);
            }
        }
    }
}

/// Parses `text` (JSON when it starts with `{`, YAML otherwise) as an OpenAPI 3.0.x or 3.1.x document.
///
/// A 3.1 document is rewritten to 3.0.3 by [`crate::normalize::to_openapi_30`] first, so both
/// versions give the same [`Document`]. Syntax errors are located by line and column; a document
/// of any other version (Swagger 2.0 included) says which version it is.
pub fn load(text: &str) -> Result<Document, Errors> {
    let json = text.trim_start().starts_with('{');
    // The version decides the route. JSON that starts with its `openapi` field gives it at once;
    // otherwise a first pass reads only the two version fields (skipping the rest builds
    // nothing); when that fails (not an object, a syntax error), the whole document is read as a
    // tree, and the version checks below say what is wrong.
    let version = match json.then(|| Version::leading(text)).flatten() {
        Some(version) => version,
        None => match parse::<Version>(text, json) {
            Ok(version) => version,
            Err(_) => Version::of(parse(text, json)?),
        },
    };
    match (&version.openapi, &version.swagger) {
        (Some(Node::String(v)), _) if v.starts_with("3.0.") || v == "3.0" => {}
        (Some(Node::String(v)), _) if crate::normalize::is_openapi_31(v) => {
            // YAML's integers beyond 64 bits do not fit a `serde_json::Value`; a `Node` keeps them.
            let mut value = match json || !has_wide_integers(text) {
                true => parse_value(text)?,
                false => parse::<Node>(text, json)?.to_value(),
            };
            let mut warnings = Vec::new();
            fill_missing_version(&mut value, &mut warnings);
            let moved = hoist_nested_refs(&mut value);
            clamp_integer_bounds(&mut value);
            let mut normalized = crate::normalize::to_openapi_30(value).map_err(|mut errors| {
                moved.relocate(&mut errors.0);
                errors
            })?;
            moved.relocate(&mut normalized.warnings);
            warnings.append(&mut normalized.warnings);
            // The same checks as a 3.0 document gets, on the rewritten one.
            let api = check_and_read_value(&normalized.document, |document| {
                OpenAPI::deserialize(document).map_err(|error| {
                    one(
                        "#",
                        format!("not a valid OpenAPI document once rewritten to 3.0: {error}"),
                    )
                })
            })
            .map_err(|mut errors| {
                moved.relocate(&mut errors.0);
                errors
            })?;
            crate::drop_in_background(normalized.document);
            return Ok(Document {
                api,
                warnings,
                moved,
            });
        }
        (Some(v), _) => {
            return Err(one(
                "#/openapi",
                format!(
                    "unsupported OpenAPI version {}; this generator reads 3.0.x and 3.1.x",
                    v.describe()
                ),
            ))
        }
        (None, Some(v)) => {
            return Err(one(
                "#/swagger",
                format!(
                    "Swagger {} documents are not supported; convert to OpenAPI 3.0 or 3.1",
                    v.describe()
                ),
            ))
        }
        (None, None) => {
            return Err(one(
                "#",
                "not an OpenAPI document: there is no `openapi` field",
            ))
        }
    }
    // A 3.0 document: read as a tree and checked, and (as above) read as `openapiv3` types.
    let raw = parse::<Node>(text, json)?;
    let mut lenient = Vec::new();
    lenient_30_sites(&raw, &mut "#".to_owned(), false, &mut lenient);
    if has_nested_refs(text)
        || has_wide_integers(text)
        || text.contains("callbacks")
        || !lenient.is_empty()
        || lacks_version(&raw)
    {
        let mut value = raw.to_value();
        let mut warnings = Vec::new();
        fill_missing_version(&mut value, &mut warnings);
        // Before the callbacks' copies are made, so that each copy is read as its original.
        read_lenient_30(&mut value, &lenient, &mut warnings);
        resolve_callback_refs(&mut value, &mut warnings);
        let moved = hoist_nested_refs(&mut value);
        clamp_integer_bounds(&mut value);
        let api = check_and_read_value(&value, |value| {
            OpenAPI::deserialize(value).map_err(|error| one("#", error.to_string()))
        })
        .map_err(|mut errors| {
            moved.relocate(&mut errors.0);
            errors
        })?;
        return Ok(Document {
            api,
            warnings,
            moved,
        });
    }
    Ok(Document {
        api: check_and_read(&raw, || parse(text, json))?,
        warnings: Vec::new(),
        moved: Moved::default(),
    })
}

/// Whether the document has an `info` object without a `version` (Anthropic's).
fn lacks_version(node: &Node) -> bool {
    let Node::Object(entries) = node else {
        return false;
    };
    entries.iter().any(|(key, info)| {
        key == "info"
            && matches!(info, Node::Object(fields) if !fields.iter().any(|(k, _)| k == "version"))
    })
}

/// An `info` without the `version` OpenAPI requires (Anthropic's document has none) is read as
/// version `""`, with a warning: the version only goes into the crate's description.
fn fill_missing_version(document: &mut serde_json::Value, warnings: &mut Vec<Diagnostic>) {
    let Some(info) = document
        .get_mut("info")
        .and_then(|info| info.as_object_mut())
    else {
        return;
    };
    if !info.contains_key("version") {
        info.insert("version".to_owned(), serde_json::Value::from(""));
        warnings.push(Diagnostic::new(
            "#/info",
            "`version` is missing (OpenAPI requires it); the crate's description names none",
        ));
    }
}

/// Keys whose values are data, not document structure: `type: "null"` or `schema: null` there is
/// left alone. (Under `properties`, the keys are property names.)
fn is_data_key(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum") || key.starts_with("x-")
}

/// One of the two constructs 3.0 lacks that [`read_lenient_30`] reads as real documents mean them.
enum Lenient {
    /// `type: "null"` (3.1's, seen in 3.0 documents: Blockfrost).
    TypeNull,
    /// A media type's `schema: null` (Directus).
    SchemaNull,
}

/// Where (a `#` pointer to the object holding it) a 3.0 document has what [`read_lenient_30`]
/// rewrites. It walks the `Node` tree, so that a document with neither is never made a
/// `serde_json::Value`.
fn lenient_30_sites(
    node: &Node,
    at: &mut String,
    properties: bool,
    sites: &mut Vec<(String, Lenient)>,
) {
    match node {
        Node::Object(entries) => {
            let has = |key: &str, test: fn(&Node) -> bool| {
                entries.iter().any(|(k, value)| k == key && test(value))
            };
            if !properties && has("type", |t| matches!(t, Node::String(t) if t == "null")) {
                sites.push((at.clone(), Lenient::TypeNull));
            }
            if !properties
                && at.rsplit('/').nth(1) == Some("content")
                && has("schema", |schema| matches!(schema, Node::Null))
            {
                sites.push((at.clone(), Lenient::SchemaNull));
            }
            for (key, child) in entries {
                if !properties && is_data_key(key) {
                    continue;
                }
                let length = at.len();
                at.push('/');
                at.push_str(&crate::normalize::escape(key));
                lenient_30_sites(child, at, !properties && key == "properties", sites);
                at.truncate(length);
            }
        }
        Node::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let length = at.len();
                at.push_str(&format!("/{i}"));
                lenient_30_sites(item, at, false, sites);
                at.truncate(length);
            }
        }
        _ => {}
    }
}

/// Reads, at the `sites` [`lenient_30_sites`] found, two constructs 3.0 lacks as real documents
/// mean them: `type: "null"` as 3.1 documents are read, `nullable: true` and `enum: [null]`; a
/// media type's `schema: null` as no schema (any JSON value), with a warning.
fn read_lenient_30(
    document: &mut serde_json::Value,
    sites: &[(String, Lenient)],
    warnings: &mut Vec<Diagnostic>,
) {
    use serde_json::Value;
    for (at, site) in sites {
        let pointer = at.strip_prefix('#').unwrap_or(at);
        let Some(map) = document.pointer_mut(pointer).and_then(Value::as_object_mut) else {
            continue;
        };
        match site {
            Lenient::TypeNull => {
                map.shift_remove("type");
                map.insert("nullable".to_owned(), Value::Bool(true));
                map.insert("enum".to_owned(), Value::Array(vec![Value::Null]));
            }
            Lenient::SchemaNull => {
                map.shift_remove("schema");
                warnings.push(Diagnostic::new(
                    format!("{at}/schema"),
                    "`schema` is null; read as no schema (any JSON value)",
                ));
            }
        }
    }
}

/// Replaces each callback that is a `$ref` (`#/components/callbacks/...`, OAS 3.0.3 §4.7.10) by a
/// copy of its target: `openapiv3` reads an operation's callbacks as Callback Objects only. The
/// generator ignores callbacks, so one whose `$ref` cannot be followed is left out, with a warning.
fn resolve_callback_refs(document: &mut serde_json::Value, warnings: &mut Vec<Diagnostic>) {
    use serde_json::Value;
    let components = document
        .pointer("/components/callbacks")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let resolve = |callback: &Value| -> Result<Option<Value>, String> {
        let mut current = callback;
        for _ in 0..64 {
            let Some(reference) = current.get("$ref") else {
                return Ok((!std::ptr::eq(current, callback)).then(|| current.clone()));
            };
            let reference = reference.as_str().unwrap_or_default();
            current = ref_name(reference, "callbacks")
                .and_then(|name| components.get(name.as_ref()))
                .ok_or_else(|| format!("callback `$ref` {reference:?} points at no callback under #/components/callbacks"))?;
        }
        Err("`$ref` cycle among callbacks".to_owned())
    };
    let mut visit = |callbacks: &mut Value, at: &str| {
        let Some(callbacks) = callbacks.as_object_mut() else {
            return;
        };
        callbacks.retain(|name, callback| {
            let callback_at = format!("{at}/{}", crate::normalize::escape(name));
            match resolve(callback) {
                Ok(Some(target)) => *callback = target,
                Ok(None) => {}
                Err(message) => {
                    let message =
                        format!("{message}; callbacks are not supported, so it is left out");
                    warnings.push(Diagnostic::new(callback_at, message));
                    return false;
                }
            }
            true
        });
    };
    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths {
            for (method, operation) in item.as_object_mut().into_iter().flatten() {
                if let Some(callbacks) = operation.get_mut("callbacks") {
                    let at = format!(
                        "#/paths/{}/{}/callbacks",
                        crate::normalize::escape(path),
                        crate::normalize::escape(method)
                    );
                    visit(callbacks, &at);
                }
            }
        }
    }
    if let Some(callbacks) = document.pointer_mut("/components/callbacks") {
        visit(callbacks, "#/components/callbacks");
    }
}

/// Whether the text has a run of 19 digits or more: maybe an integer beyond 64 bits.
fn has_wide_integers(text: &str) -> bool {
    let mut run = 0;
    text.bytes().any(|b| {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        run >= 19
    })
}

/// Bounds of integer schemas beyond what 64 bits hold (`minimum: -9223372036854776000`, as
/// JavaScript prints -2^63) set to the 64-bit limit, which every 64-bit value meets alike.
fn clamp_integer_bounds(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let integer = match map.get("type") {
                Some(Value::String(t)) => t == "integer",
                Some(Value::Array(types)) => types.iter().any(|t| t == "integer"),
                _ => false,
            };
            if integer {
                for key in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] {
                    if let Some(bound) = map.get_mut(key) {
                        match bound.as_f64() {
                            Some(v) if bound.is_f64() && v <= i64::MIN as f64 => {
                                *bound = i64::MIN.into()
                            }
                            Some(v) if bound.is_f64() && v >= i64::MAX as f64 => {
                                *bound = i64::MAX.into()
                            }
                            _ if bound.is_u64() && bound.as_i64().is_none() => {
                                *bound = i64::MAX.into()
                            }
                            _ => {}
                        }
                    }
                }
            }
            map.values_mut().for_each(clamp_integer_bounds);
        }
        Value::Array(items) => items.iter_mut().for_each(clamp_integer_bounds),
        _ => {}
    }
}

/// Whether the text has a `$ref` to a schema nested in another (`#/components/schemas/A/$defs/b`,
/// `#/paths/...`): one that does not name a whole component.
fn has_nested_refs(text: &str) -> bool {
    text.match_indices("#/").any(|(at, _)| {
        let pointer: String = text[at..]
            .chars()
            .take_while(|c| !matches!(c, '"' | '\'' | '\n' | ' ' | '}' | ','))
            .collect();
        is_nested_ref(&pointer)
    })
}

/// A JSON pointer to a schema that is not a component of its own (inside a component schema, or
/// anywhere under `paths`), or to a parameter, request body, response or header under `paths`.
fn is_nested_ref(pointer: &str) -> bool {
    nested_ref_kind(pointer).is_some()
}

/// The kind of `components` map (`schemas`, `parameters`, `requestBodies`, `responses`,
/// `headers`) an object a `$ref` reaches in a place of its own would be hoisted to; `None` for a
/// reference to a whole component, or to anything else. A map of `components` that OpenAPI does
/// not define (`#/components/enums/A`) holds schemas: nothing else is referred to from elsewhere
/// (but from extensions, `x-` maps, which are left alone).
fn nested_ref_kind(pointer: &str) -> Option<&'static str> {
    const KINDS: [&str; 10] = [
        "schemas",
        "responses",
        "parameters",
        "examples",
        "requestBodies",
        "headers",
        "securitySchemes",
        "links",
        "callbacks",
        "pathItems",
    ];
    let segments: Vec<&str> = pointer.trim_start_matches("#/").split('/').collect();
    match segments.as_slice() {
        ["components", "schemas", _, _, ..] => Some("schemas"),
        ["components", kind, _, ..] if !KINDS.contains(kind) && !kind.starts_with("x-") => {
            Some("schemas")
        }
        // A component parameter's, header's or media type's schema.
        ["components", _, _, rest @ ..] if rest.contains(&"schema") => Some("schemas"),
        ["paths", rest @ ..] if rest.contains(&"schema") => Some("schemas"),
        ["paths", .., "parameters", index] if index.parse::<usize>().is_ok() => Some("parameters"),
        ["paths", _, _, "requestBody"] => Some("requestBodies"),
        ["paths", .., "headers", _] => Some("headers"),
        ["paths", _, _, "responses", _] => Some("responses"),
        _ => None,
    }
}

/// Makes every schema that a `$ref` reaches inside another (`$defs`, `definitions`, a property,
/// a path's schema) a component of its own, named by its last segment (or more of its pointer
/// when that name is taken), and points the `$ref`s at it: `openapiv3` follows references to whole
/// components only. A pointer that reaches nothing is left as it is, for the checks to locate.
fn hoist_nested_refs(document: &mut serde_json::Value) -> Moved {
    use serde_json::Value;
    fn collect(value: &Value, out: &mut std::collections::BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    if is_nested_ref(reference) {
                        out.insert(reference.clone());
                    }
                }
                map.values().for_each(|v| collect(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    fn rewrite(value: &mut Value, names: &BTreeMap<String, String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get_mut("$ref") {
                    if let Some(target) = names.get(reference.as_str()) {
                        reference.clone_from(target);
                    }
                }
                map.values_mut().for_each(|v| rewrite(v, names));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| rewrite(v, names)),
            _ => {}
        }
    }
    let mut references = std::collections::BTreeSet::new();
    collect(document, &mut references);
    let mut moved = Moved::default();
    if references.is_empty() {
        return moved;
    }
    // The names taken in each kind of component.
    let mut taken: BTreeMap<&str, std::collections::BTreeSet<String>> = BTreeMap::new();
    let mut names = BTreeMap::new();
    let mut hoisted = Vec::new();
    for reference in references {
        let Some(kind) = nested_ref_kind(&reference) else {
            continue;
        };
        let taken = taken.entry(kind).or_insert_with(|| {
            document
                .pointer(&format!("/components/{kind}"))
                .and_then(Value::as_object)
                .map(|components| components.keys().cloned().collect())
                .unwrap_or_default()
        });
        let decoded = decode_ref(&reference);
        let Some(target) = document.pointer(&decoded[1..]).cloned() else {
            continue;
        };
        if !target.is_object() {
            // Not a schema, parameter, body, response or header: left for the checks to name.
            continue;
        }
        let segments: Vec<String> = decoded[2..]
            .split('/')
            .map(crate::normalize::unescape)
            .filter(|s| {
                !matches!(
                    s.as_str(),
                    "$defs" | "definitions" | "properties" | "schema"
                )
            })
            .map(|s| {
                s.chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect()
            })
            .collect();
        // A schema is named by its place (the model names its type so); other components, whose
        // names the model does not use, by their whole pointer.
        let shortest = if kind == "schemas" {
            1
        } else {
            segments.len().max(1)
        };
        let name = (shortest..=segments.len())
            .map(|n| segments[segments.len() - n..].join("_"))
            .find(|name| !taken.contains(name))
            .unwrap_or_else(|| format!("{}_{}", segments.join("_"), taken.len()));
        taken.insert(name.clone());
        moved
            .0
            .push((format!("#/components/{kind}/{name}"), decoded.to_string()));
        names.insert(reference, format!("#/components/{kind}/{name}"));
        hoisted.push((kind, name, target));
    }
    rewrite(document, &names);
    let Some(root) = document.as_object_mut() else {
        return moved;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Default::default()));
    if let Some(components) = components.as_object_mut() {
        for (kind, name, mut target) in hoisted {
            let map = components
                .entry(kind)
                .or_insert_with(|| Value::Object(Default::default()));
            if let Some(map) = map.as_object_mut() {
                rewrite(&mut target, &names);
                map.insert(name, target);
            }
        }
    }
    moved
}

/// How deep a document may nest for [`check_and_read`] to read it before its checks pass. Real
/// documents nest 9 to 12 levels (every real one in the repository); at 14, a mistake
/// costs `openapiv3` about 10 ms at most (measured with a schema mistake under nested `items`:
/// 0.11 s at 19 levels, 0.23 s at 20, under 0.01 s at 14).
const PARALLEL_NESTING: usize = 14;

/// Checks the raw document, and returns what `read` makes of it (as `openapiv3` types) when the
/// checks pass. On some mistakes deep in a schema `openapiv3`'s untagged enums take time
/// exponential in the depth (a minute at 30 levels), which the checks find at once; so the two
/// run at the same time, on two threads, only when the document nests at most
/// [`PARALLEL_NESTING`] levels, where that worst case is milliseconds. Deeper documents are read
/// only once checked.
fn check_and_read(
    raw: &Node,
    read: impl FnOnce() -> Result<OpenAPI, Errors> + Send,
) -> Result<OpenAPI, Errors> {
    if check::nests_deeper_than(raw, PARALLEL_NESTING) {
        let errors = check::check(raw);
        if !errors.is_empty() {
            return Err(Errors(errors));
        }
        return read();
    }
    let (errors, api) = std::thread::scope(|scope| {
        let api = scope.spawn(read);
        (check::check(raw), api.join())
    });
    if !errors.is_empty() {
        return Err(Errors(errors));
    }
    api.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// [`check_and_read`] of a document held as a JSON value, which is read as a tree (for the checks)
/// on this thread while `read` reads it on another, when it nests at most [`PARALLEL_NESTING`]
/// levels.
fn check_and_read_value(
    value: &serde_json::Value,
    read: impl FnOnce(&serde_json::Value) -> Result<OpenAPI, Errors> + Send,
) -> Result<OpenAPI, Errors> {
    let tree =
        || Node::deserialize(value).map_err(|error| one("#", format!("internal error: {error}")));
    if value_nests_deeper_than(value, PARALLEL_NESTING) {
        return check_and_read(&tree()?, || read(value));
    }
    let (checked, api) = std::thread::scope(|scope| {
        let api = scope.spawn(|| read(value));
        let checked = tree().and_then(|raw| match check::check(&raw) {
            errors if errors.is_empty() => Ok(()),
            errors => Err(Errors(errors)),
        });
        (checked, api.join())
    });
    checked?;
    api.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// [`check::nests_deeper_than`] of a JSON value.
fn value_nests_deeper_than(value: &serde_json::Value, levels: usize) -> bool {
    use serde_json::Value;
    match value {
        Value::Array(items) => {
            levels == 0 || items.iter().any(|v| value_nests_deeper_than(v, levels - 1))
        }
        Value::Object(entries) => {
            levels == 0
                || entries
                    .values()
                    .any(|v| value_nests_deeper_than(v, levels - 1))
        }
        _ => false,
    }
}

/// The version fields of a document, read without the rest.
#[derive(Deserialize)]
struct Version {
    openapi: Option<Node>,
    swagger: Option<Node>,
}

impl Version {
    /// The version of a JSON document whose first key is `openapi` (as documents write it), read
    /// from its first line, without the pass over all of the text (a few milliseconds for a few
    /// megabytes) that finding the fields anywhere takes; `None` for any other text.
    fn leading(json: &str) -> Option<Version> {
        let rest = json.trim_start().strip_prefix('{')?.trim_start();
        let rest = rest.strip_prefix("\"openapi\"")?.trim_start();
        let rest = rest.strip_prefix(':')?.trim_start().strip_prefix('"')?;
        let (version, _) = rest.split_once('"')?;
        // An escape in the version is left to the full read.
        (!version.contains('\\')).then(|| Version {
            openapi: Some(Node::String(version.to_owned())),
            swagger: None,
        })
    }

    /// The version fields of a whole document read as a tree.
    fn of(raw: Node) -> Version {
        let field = |key| match &raw {
            Node::Object(entries) => entries
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone()),
            _ => None,
        };
        Version {
            openapi: field("openapi"),
            swagger: field("swagger"),
        }
    }
}

/// Parses `text` (JSON when it starts with `{`, YAML otherwise) into a JSON value, keys in document
/// order. Syntax errors are located by line and column.
pub fn parse_value(text: &str) -> Result<serde_json::Value, Errors> {
    parse(text, text.trim_start().starts_with('{'))
}

fn parse<T: for<'de> Deserialize<'de>>(text: &str, json: bool) -> Result<T, Errors> {
    if json {
        serde_json::from_str(text).map_err(|error| {
            let message = error.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_owned();
            one(
                format!("line {} column {}", error.line(), error.column()),
                message,
            )
        })
    } else {
        serde_yaml::from_str(text).map_err(|error| {
            let location = match error.location() {
                Some(at) => format!("line {} column {}", at.line(), at.column()),
                None => "#".to_owned(),
            };
            let message = error.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_owned();
            one(location, message)
        })
    }
}

/// A `$ref` with its URI fragment percent-decoded (RFC 6901 §6: `%7Bid%7D` is `{id}`); the JSON
/// pointer's `~1`/`~0` escapes are left for the caller. Invalid UTF-8 after decoding leaves the
/// reference as written (it then points at nothing, and the checks say so).
pub(crate) fn decode_ref(reference: &str) -> std::borrow::Cow<'_, str> {
    if !reference.contains('%') {
        return std::borrow::Cow::Borrowed(reference);
    }
    percent_encoding::percent_decode_str(reference)
        .decode_utf8()
        .unwrap_or(std::borrow::Cow::Borrowed(reference))
}

fn one(location: impl Into<String>, message: impl Into<String>) -> Errors {
    Errors(vec![Diagnostic::new(location, message)])
}

/// The name a local `$ref` points at: `#/components/schemas/Pet` gives `Pet` for kind `schemas`
/// (`~1` and `~0` unescaped); `None` for a reference elsewhere.
fn ref_name<'r>(reference: &'r str, kind: &str) -> Option<std::borrow::Cow<'r, str>> {
    use std::borrow::Cow;
    fn name<'a>(reference: &'a str, kind: &str) -> Option<&'a str> {
        reference
            .strip_prefix("#/components/")?
            .strip_prefix(kind)?
            .strip_prefix('/')
    }
    // Most references need no decoding and no unescaping: the name is borrowed.
    use crate::normalize::unescape;
    match decode_ref(reference) {
        Cow::Borrowed(reference) => {
            let name = name(reference, kind)?;
            Some(match name.contains('~') {
                true => Cow::Owned(unescape(name)),
                false => Cow::Borrowed(name),
            })
        }
        Cow::Owned(decoded) => Some(Cow::Owned(unescape(name(&decoded, kind)?))),
    }
}

impl Document {
    /// Follows `$ref`s to `#/components/schemas/...` until a schema; also returns the last component name.
    pub fn schema<'a>(
        &'a self,
        schema: &'a ReferenceOr<Schema>,
        at: &str,
    ) -> Result<(&'a Schema, Option<&'a str>), Diagnostic> {
        match schema {
            ReferenceOr::Item(schema) => Ok((schema, None)),
            ReferenceOr::Reference { reference } => {
                self.schema_ref(reference, at).map(|(s, n)| (s, Some(n)))
            }
        }
    }

    /// Same as [`Document::schema`] for a boxed schema.
    pub fn boxed_schema<'a>(
        &'a self,
        schema: &'a ReferenceOr<Box<Schema>>,
        at: &str,
    ) -> Result<(&'a Schema, Option<&'a str>), Diagnostic> {
        match schema {
            ReferenceOr::Item(schema) => Ok((schema, None)),
            ReferenceOr::Reference { reference } => {
                self.schema_ref(reference, at).map(|(s, n)| (s, Some(n)))
            }
        }
    }

    /// Follows a `$ref` string to a schema component (through further `$ref`s); returns it and its name.
    pub fn schema_ref<'a>(
        &'a self,
        reference: &'a str,
        at: &str,
    ) -> Result<(&'a Schema, &'a str), Diagnostic> {
        let mut reference = reference;
        for _ in 0..64 {
            let target = ref_name(reference, "schemas")
                .ok_or_else(|| unsupported_ref(reference, "schemas", at))?;
            let (name, item) = self
                .api
                .components
                .as_ref()
                .and_then(|c| c.schemas.get_key_value(target.as_ref()))
                .ok_or_else(|| dangling(reference, at))?;
            match item {
                ReferenceOr::Item(schema) => return Ok((schema, name.as_str())),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        Err(Diagnostic::new(
            at,
            "`$ref` cycle: the schema refers to itself without ever being a schema",
        ))
    }

    /// Resolves a parameter `$ref`.
    pub fn parameter<'a>(
        &'a self,
        item: &'a ReferenceOr<Parameter>,
        at: &str,
    ) -> Result<&'a Parameter, Diagnostic> {
        self.component(item, "parameters", at, |c| &c.parameters)
    }

    /// Resolves a request body `$ref`.
    pub fn request_body<'a>(
        &'a self,
        item: &'a ReferenceOr<RequestBody>,
        at: &str,
    ) -> Result<&'a RequestBody, Diagnostic> {
        self.component(item, "requestBodies", at, |c| &c.request_bodies)
    }

    /// Resolves a response `$ref`.
    pub fn response<'a>(
        &'a self,
        item: &'a ReferenceOr<Response>,
        at: &str,
    ) -> Result<&'a Response, Diagnostic> {
        self.component(item, "responses", at, |c| &c.responses)
    }

    fn component<'a, T>(
        &'a self,
        item: &'a ReferenceOr<T>,
        kind: &str,
        at: &str,
        map: impl Fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
    ) -> Result<&'a T, Diagnostic> {
        let mut current = item;
        for _ in 0..64 {
            match current {
                ReferenceOr::Item(item) => return Ok(item),
                ReferenceOr::Reference { reference } => {
                    let target = ref_name(reference, kind)
                        .ok_or_else(|| unsupported_ref(reference, kind, at))?;
                    current = self
                        .api
                        .components
                        .as_ref()
                        .and_then(|c| map(c).get(target.as_ref()))
                        .ok_or_else(|| dangling(reference, at))?;
                }
            }
        }
        Err(Diagnostic::new(at, format!("`$ref` cycle among {kind}")))
    }
}

/// A `$ref` that cannot stand where it is, for an object of `kind` (`schemas`, `responses`, ...).
fn unsupported_ref(reference: &str, kind: &str, at: &str) -> Diagnostic {
    let message = match reference.strip_prefix("#/components/") {
        // A local reference to another kind of object (PagerDuty: a response that refers to
        // a request body).
        Some(rest) => format!(
            "`$ref` {reference:?} points at one of `#/components/{}`, where one of `#/components/{kind}` is needed",
            rest.split('/').next().unwrap_or_default()
        ),
        None => format!("unsupported `$ref` {reference:?}: only local references into #/components are supported"),
    };
    Diagnostic::new(at, message)
}

fn dangling(reference: &str, at: &str) -> Diagnostic {
    Diagnostic::new(at, format!("`$ref` {reference:?} points at nothing"))
}
