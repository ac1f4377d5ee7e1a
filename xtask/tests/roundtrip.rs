//! Real JSON through the generated types and back: for nexus, petstore and uspto, sample payloads
//! are deserialized into the types of a freshly generated crate and serialized again, and what
//! comes back must be the sample exactly, less the fields the spec does not declare (which the
//! types ignore), and those must be precisely the ones listed with each sample.
//!
//! The samples are the spec's own `example` values where it has them (uspto), else payloads in
//! `tests/roundtrip/<spec>/` written in the shape the real APIs answer with (petstore's are the
//! Petstore's sample pet, order and user; nexus's are Oxide instances, disks and an instance
//! create request), each with a few fields of newer API versions that the spec does not know.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::{Map, Value};
use xtask::codegen::workspace_root;

/// One payload and the type it goes through.
struct Sample {
    /// A file under `tests/roundtrip/<spec>/`, or `#/...`: a JSON pointer to an `example` in the spec.
    source: &'static str,
    /// The Rust type, under `<crate>::types::`.
    rust_type: &'static str,
    /// The component schema the payload is an instance of.
    schema: &'static str,
    /// JSON pointers (into the payload) of the fields the spec does not declare.
    unknown: &'static [&'static str],
}

struct Fixture {
    /// The file under `generator/tests/fixtures/specs/`; its stem names the crate.
    spec: &'static str,
    samples: &'static [Sample],
}

const FIXTURES: &[Fixture] = &[
    Fixture {
        spec: "nexus.json",
        samples: &[
            Sample {
                source: "InstanceResultsPage.json",
                rust_type: "InstanceResultsPage",
                schema: "InstanceResultsPage",
                unknown: &["/items/0/auto_restart_enabled"],
            },
            Sample {
                source: "Disk.json",
                rust_type: "Disk",
                schema: "Disk",
                unknown: &["/disk_type"],
            },
            Sample {
                source: "InstanceCreate.json",
                rust_type: "InstanceCreate",
                schema: "InstanceCreate",
                unknown: &[],
            },
        ],
    },
    Fixture {
        spec: "petstore.yaml",
        samples: &[
            Sample {
                source: "Pet.json",
                rust_type: "Pet",
                schema: "Pet",
                unknown: &["/category/legacy_code", "/microchip"],
            },
            Sample {
                source: "Pet-unlisted-status.json",
                rust_type: "Pet",
                schema: "Pet",
                unknown: &[],
            },
            Sample {
                source: "Order.json",
                rust_type: "Order",
                schema: "Order",
                unknown: &[],
            },
            Sample {
                source: "User.json",
                rust_type: "User",
                schema: "User",
                unknown: &[],
            },
            Sample {
                source: "ApiResponse.json",
                rust_type: "ApiResponse",
                schema: "ApiResponse",
                unknown: &[],
            },
        ],
    },
    Fixture {
        spec: "uspto.json",
        samples: &[Sample {
            source: "#/paths/~1/get/responses/200/content/application~1json/example",
            rust_type: "DataSetList",
            schema: "dataSetList",
            unknown: &[],
        }],
    },
];

#[test]
fn real_payloads_survive_the_generated_types() {
    let root = workspace_root();
    let base = root.join("target").join("roundtrip");
    let mut failures = Vec::new();
    for fixture in FIXTURES {
        let name = fixture.spec.split('.').next().unwrap();
        let spec_path = root
            .join("generator/tests/fixtures/specs")
            .join(fixture.spec);
        let spec: Value = serde_yaml::from_str(&fs::read_to_string(&spec_path).unwrap()).unwrap();
        let out = base.join(name);
        let _ = fs::remove_dir_all(&out);
        generate(&spec_path, &out);

        let inputs: Vec<Value> = fixture
            .samples
            .iter()
            .map(|sample| match sample.source.strip_prefix('#') {
                Some(pointer) => spec
                    .pointer(pointer)
                    .unwrap_or_else(|| panic!("{name}: no example at {}", sample.source))
                    .clone(),
                None => {
                    let path = root
                        .join("xtask/tests/roundtrip")
                        .join(name)
                        .join(sample.source);
                    serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap()
                }
            })
            .collect();
        write_test_program(&out, name, fixture.samples, &inputs);
        let output = Command::new(env!("CARGO"))
            .args(["test", "--quiet", "--test", "roundtrip"])
            .current_dir(&out)
            .env("CARGO_TARGET_DIR", base.join("target"))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{name}: the round-trip program failed:\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );

        for (i, (sample, input)) in fixture.samples.iter().zip(&inputs).enumerate() {
            let label = format!("{name}/{} as {}", sample.source, sample.rust_type);
            let text = fs::read_to_string(out.join(format!("roundtrip-out/{i}.json"))).unwrap();
            let back: Value = serde_json::from_str(&text).unwrap();
            let schema = json_pointer_ref(&format!("#/components/schemas/{}", sample.schema));
            let mut dropped = BTreeSet::new();
            let expected = known(&spec, &schema, input, "", &mut dropped);
            let listed: BTreeSet<String> = sample.unknown.iter().map(|s| (*s).to_owned()).collect();
            if dropped != listed {
                failures.push(format!(
                    "{label}: the spec does not declare {dropped:?}, the sample lists {listed:?}"
                ));
            }
            if !same(&back, &expected) {
                failures.push(format!(
                    "{label}: came back as\n{back:#}\nexpected (the sample less {dropped:?})\n{expected:#}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Runs `cargo xtask codegen --spec <spec> --out <out>` (a standalone crate) with the workspace's lock file.
fn generate(spec: &Path, out: &Path) {
    let status = common::codegen(spec, out).status;
    assert!(status.success(), "{}: codegen failed", spec.display());
    fs::copy(workspace_root().join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
}

/// Writes `tests/roundtrip.rs` into the generated crate: each sample deserialized into its type
/// and serialized to `roundtrip-out/<i>.json`.
fn write_test_program(out: &Path, crate_name: &str, samples: &[Sample], inputs: &[Value]) {
    fs::create_dir_all(out.join("tests/samples")).unwrap();
    let mut calls = String::new();
    for (i, (sample, input)) in samples.iter().zip(inputs).enumerate() {
        fs::write(
            out.join(format!("tests/samples/{i}.json")),
            serde_json::to_string_pretty(input).unwrap(),
        )
        .unwrap();
        calls.push_str(&format!(
            "    round_trip::<{crate_name}::types::{}>({i}, include_str!(\"samples/{i}.json\"));\n",
            sample.rust_type
        ));
    }
    let program = format!(
        r#"//! Written by the workspace's `xtask/tests/roundtrip.rs`: each sample through its type and back.

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(i: usize, text: &str) {{
    let value: T = serde_json::from_str(text)
        .unwrap_or_else(|error| panic!("sample {{i}} does not deserialize: {{error}}"));
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("roundtrip-out");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{{i}}.json")), serde_json::to_string(&value).unwrap()).unwrap();
}}

#[test]
fn samples() {{
{calls}}}
"#
    );
    fs::write(out.join("tests/roundtrip.rs"), program).unwrap();
}

fn json_pointer_ref(reference: &str) -> Value {
    let mut map = Map::new();
    map.insert("$ref".to_owned(), Value::String(reference.to_owned()));
    Value::Object(map)
}

/// Follows `$ref`s.
fn resolve<'a>(spec: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..64 {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                schema = spec
                    .pointer(reference.trim_start_matches('#'))
                    .unwrap_or_else(|| panic!("no {reference}"))
            }
            None => return schema,
        }
    }
    panic!("a $ref cycle")
}

/// The declared properties of an object schema (its own and its `allOf` members'), and its
/// `additionalProperties`; `None` when the schema is a `oneOf`/`anyOf`/`not`, which the generator
/// keeps as any JSON value.
fn declared<'a>(
    spec: &'a Value,
    schema: &'a Value,
) -> Option<(Map<String, Value>, Option<&'a Value>)> {
    let schema = resolve(spec, schema);
    if ["oneOf", "anyOf", "not"]
        .iter()
        .any(|k| schema.get(k).is_some())
    {
        return None;
    }
    let mut properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut additional = schema.get("additionalProperties");
    for member in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (more, extra) = declared(spec, member)?;
        properties.extend(more);
        additional = additional.or(extra);
    }
    Some((properties, additional))
}

/// `value` as the generated types keep it: fields the schema does not declare are left out (their
/// pointers go to `dropped`); anything typed as any JSON value is kept whole.
fn known(
    spec: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    dropped: &mut BTreeSet<String>,
) -> Value {
    let resolved = resolve(spec, schema);
    match value {
        Value::Array(items) => match resolved.get("items") {
            Some(item_schema) if declared(spec, resolved).is_some() => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| known(spec, item_schema, item, &format!("{at}/{i}"), dropped))
                    .collect(),
            ),
            _ => value.clone(),
        },
        Value::Object(fields) => {
            let Some((properties, additional)) = declared(spec, resolved) else {
                return value.clone();
            };
            if properties.is_empty() {
                // A map (or any value): every key is kept.
                return match additional.filter(|a| a.is_object()) {
                    Some(values) => Value::Object(
                        fields
                            .iter()
                            .map(|(k, v)| {
                                (
                                    k.clone(),
                                    known(spec, values, v, &format!("{at}/{k}"), dropped),
                                )
                            })
                            .collect(),
                    ),
                    None => value.clone(),
                };
            }
            let mut kept = Map::new();
            for (key, field) in fields {
                let field_at = format!("{at}/{key}");
                match (properties.get(key), additional) {
                    (Some(property), _) => {
                        kept.insert(
                            key.clone(),
                            known(spec, property, field, &field_at, dropped),
                        );
                    }
                    (None, Some(Value::Bool(true))) => {
                        kept.insert(key.clone(), field.clone());
                    }
                    (None, Some(values @ Value::Object(_))) => {
                        kept.insert(key.clone(), known(spec, values, field, &field_at, dropped));
                    }
                    (None, _) => {
                        dropped.insert(field_at);
                    }
                }
            }
            Value::Object(kept)
        }
        _ => value.clone(),
    }
}

/// Equal as JSON, numbers by value (`1` and `1.0` are the same number).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}
