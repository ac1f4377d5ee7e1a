//! Data-driven tests: a small spec in, checked pieces of generated Rust (or a located error) out.

use generator::{generate, Config, Errors};

fn generate_ok(spec: &str) -> generator::Output {
    generate(spec, &Config::new("test-client")).unwrap_or_else(|errors| panic!("{errors}"))
}

/// One schema named `T` under `components`, with nothing else in the document.
fn with_schema(schema: &str) -> String {
    let indented: String = schema
        .lines()
        .map(|line| format!("      {line}\n"))
        .collect();
    // `T` is a request body: only request types are checked.
    let paths = "paths:\n  /t:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: { $ref: '#/components/schemas/T' }\n      responses:\n        '204': { description: Done. }\n";
    format!("openapi: 3.0.3\ninfo: {{ title: Test, version: '1' }}\n{paths}components:\n  schemas:\n    T:\n{indented}")
}

/// A spec where `Sent` is a request body and `Answer` only an answer, and two operations declare
/// the same error answers.
const DIRECTIONS: &str = r##"
openapi: 3.0.3
info: { title: Test, version: '1' }
paths:
  /things:
    post:
      operationId: create_thing
      requestBody:
        content:
          application/json:
            schema: { $ref: '#/components/schemas/Sent' }
      responses:
        '200':
          description: The thing.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Answer' }
        '404': { $ref: '#/components/responses/Missing' }
    get:
      operationId: list_things
      responses:
        '200':
          description: The things.
          content:
            application/json:
              schema: { type: array, items: { $ref: '#/components/schemas/Answer' } }
        '404': { $ref: '#/components/responses/Missing' }
  /other:
    delete:
      operationId: delete_other
      responses:
        '204': { description: Gone. }
        '409': { description: In use. }
components:
  responses:
    Missing:
      description: Not there.
  schemas:
    Sent:
      type: object
      required: [name]
      properties:
        name: { type: string, maxLength: 5 }
    Answer:
      type: object
      required: [name]
      properties:
        name: { type: string, maxLength: 5 }
        kind: { type: string, enum: [a, b] }
"##;

#[test]
fn only_request_types_are_checked_and_built() {
    let output = generate_ok(DIRECTIONS);
    let types = squeeze(&output.files["src/types.rs"]);
    for expected in [
        "impl crate::Validate for Sent {",
        r#"v::length(&path.field("name"), &self.name, None, Some(5), out);"#,
        "impl Sent { /// A value with `name`, its only field. pub fn new(name: impl Into<String>) -> Self {",
        "pub struct Answer {",
    ] {
        assert!(types.contains(&squeeze(expected)), "missing `{expected}` in:\n{types}");
    }
    // Answers are decoded, never checked or built by hand.
    for absent in ["impl crate::Validate for Answer", "impl Answer {"] {
        assert!(
            !types.contains(&squeeze(absent)),
            "unexpected `{absent}` in:\n{types}"
        );
    }
}

#[test]
fn operations_with_the_same_error_answers_share_one_enum() {
    let output = generate_ok(DIRECTIONS);
    let types = squeeze(&output.files["src/types.rs"]);
    for expected in [
        "pub enum ListThingsError { /// 404: Not there. NotFound(Option<serde_json::Value>),",
        "One other operation declares the same answers: its error type is an alias of this one.",
        "/// The error answers of `POST /things` ([`crate::Client::create_thing`]): the same as /// [`ListThingsError`]'s. pub type CreateThingError = ListThingsError;",
        "pub enum DeleteOtherError { /// 409: In use. Conflict(Option<serde_json::Value>),",
    ] {
        assert!(types.contains(&squeeze(expected)), "missing `{expected}` in:\n{types}");
    }
    assert_eq!(
        types.matches("crate::http::error_answers!(").count(),
        2,
        "{types}"
    );
}

/// Checks that `file` of the crate generated from `spec` contains every expected piece, comparing
/// with whitespace removed (the formatting is prettyplease's business).
fn check(spec: &str, file: &str, expected: &[&str]) {
    let output = generate_ok(spec);
    let text = &output.files[file];
    let squeezed = squeeze(text);
    for piece in expected {
        let piece = squeeze(piece);
        assert!(
            squeezed.contains(&piece),
            "missing `{piece}` in {file}:\n{text}"
        );
    }
}

/// `text` without whitespace.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn check_error(spec: &str, location: &str, message: &str) {
    let Errors(errors) = generate(spec, &Config::new("test-client")).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.location.contains(location) && e.message.contains(message)),
        "expected {location:?} / {message:?} in {errors:?}"
    );
}

#[test]
fn optional_nullable_and_required_fields() {
    check(
        &with_schema(
            "type: object\nrequired: [a, b]\nproperties:\n  a: { type: string }\n  b: { type: string, nullable: true }\n  c: { type: string }\n  d: { type: string, nullable: true }",
        ),
        "src/types.rs",
        &[
            "pub a: String,",
            "pub b: Option<String>,",
            "pub c: Option<String>,",
            "pub d: crate::Nullable<String>,",
            // Only `a` may not be missing when read; `b` may be null but is always sent; `c` and
            // `d` are not sent when left out.
            r#"crate::wire::serde_struct!(T, ignore, [a = "a" required, b = "b" nullable, c = "c" optional, d = "d" optional,]);"#,
        ],
    );
}

#[test]
fn keywords_symbols_and_collisions_keep_the_wire_name() {
    check(
        &with_schema(
            "type: object\nproperties:\n  type: { type: string }\n  foo_bar: { type: string }\n  fooBar: { type: string }\n  2fa: { type: boolean }\n  x-rate-limit: { type: integer }",
        ),
        "src/types.rs",
        &[
            "pub type_: Option<String>,",
            "pub foo_bar: Option<String>,",
            "pub foo_bar_2: Option<String>,",
            "pub _2fa: Option<bool>,",
            "pub x_rate_limit: Option<i64>,",
            r#"crate::wire::serde_struct!(T, ignore, [type_ = "type" optional, foo_bar = "foo_bar" optional, foo_bar_2 = "fooBar" optional, _2fa = "2fa" optional, x_rate_limit = "x-rate-limit" optional,]);"#,
        ],
    );
}

#[test]
fn non_ascii_names_become_ascii_identifiers_and_keep_the_wire_name() {
    check(
        &with_schema(
            "type: object\nproperties:\n  größe: { type: integer }\n  名前: { type: string }\n  kind: { type: string, enum: [über, 名前] }",
        ),
        "src/types.rs",
        &[
            "pub grosse: Option<i64>,",
            "pub u540d_u524d: Option<String>,",
            r#"grosse = "größe" optional, u540d_u524d = "名前" optional"#,
            "pub enum TKind { /// `über`\n Uber, /// `名前`\n U540dU524d,",
        ],
    );
}

#[test]
fn string_enums_are_open_and_keep_wire_values() {
    check(
        &with_schema(
            "type: string\ndescription: A dialect.\nenum: [access_token, RSA-OAEP-256, null]",
        ),
        "src/types.rs",
        &[
            "pub enum T { /// `access_token`\n AccessToken, /// `RSA-OAEP-256`\n RsaOaep256,",
            "Unknown(String),",
            // The impls (values, conversions, serde, the check) come from the runtime's macro.
            r#"crate::open_enum::open_enum!(T, Unknown, [AccessToken = "access_token", RsaOaep256 = "RSA-OAEP-256",]);"#,
        ],
    );
}

#[test]
fn integer_formats_arrays_maps_and_untyped_schemas() {
    check(
        &with_schema(
            "type: object\nproperties:\n  a: { type: integer, format: int32 }\n  b: { type: integer, format: uint64 }\n  c: { type: number, format: float }\n  d: { type: array, items: { type: string, nullable: true } }\n  e: { type: object, additionalProperties: { type: integer } }\n  f: {}\n  g: { type: array, items: {} }",
        ),
        "src/types.rs",
        &[
            "pub a: Option<i32>,",
            "pub b: Option<u64>,",
            "pub c: Option<f32>,",
            "pub d: Option<Vec<Option<String>>>,",
            "pub e: Option<std::collections::BTreeMap<String, i64>>,",
            "pub f: Option<serde_json::Value>,",
            "pub g: Option<Vec<serde_json::Value>>,",
        ],
    );
}

#[test]
fn constraints_become_docs_and_checks() {
    check(
        &with_schema(
            "type: object\nproperties:\n  name: { type: string, minLength: 1, maxLength: 5, pattern: '^[a-z]+$', description: The name. }\n  n: { type: integer, minimum: 0, maximum: 10, exclusiveMaximum: true }\n  tags: { type: array, maxItems: 3, items: { type: string, maxLength: 2 } }",
        ),
        "src/types.rs",
        &[
            "/// The name. /// /// Minimum length: 1 character. Maximum length: 5 characters. Pattern: `^[a-z]+$`.",
            r#"v::length(&path.field("name"), value, Some(1), Some(5), out);"#,
            r#"static PATTERN: crate::pattern::Pattern = crate::pattern::Pattern::new("^[a-z]+$",);"#,
            r#"PATTERN.check(&path.field("name"), value, false, out);"#,
            r#"v::check_range(&path.field("n"), *value as f64, Some((0.0, false)), Some((10.0, true)), out,);"#,
            r#"v::items(&path.field("tags"), value.len(), None, Some(3), out);"#,
            r#"for (index, item) in value.iter().enumerate() { v::length(&path.field("tags").index(index), item, None, Some(2), out);"#,
        ],
    );
}

#[test]
fn secrets_are_redacted_types() {
    check(
        &with_schema("type: object\nproperties:\n  password: { type: string, format: password }\n  key: { type: string, x-sensitive: true }"),
        "src/types.rs",
        &["pub password: Option<crate::SecretString>,", "pub key: Option<crate::SecretString>,"],
    );
}

#[test]
fn inline_objects_are_named_from_their_place_and_all_of_is_merged() {
    let spec = "openapi: 3.0.3\ninfo: { title: Test, version: '1' }\npaths: {}\ncomponents:\n  schemas:\n    Base:\n      type: object\n      required: [id]\n      properties:\n        id: { type: string }\n    Pet:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - type: object\n          properties:\n            owner:\n              type: object\n              properties:\n                name: { type: string }\n";
    check(
        spec,
        "src/types.rs",
        &[
            "pub struct Pet {\n pub id: String,",
            "pub owner: Option<PetOwner>,",
            "pub struct PetOwner {",
        ],
    );
}

#[test]
fn an_inline_all_of_may_merge_a_schema_that_refers_back_by_name() {
    // The merged `Ba` has A's fields; A's `b` is the named type B, so nothing is infinite
    // (B and Ba hold each other, so those references are boxed).
    let spec = "openapi: 3.0.3\ninfo: { title: Test, version: '1' }\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: { $ref: '#/components/schemas/B' }\n    B:\n      type: object\n      properties:\n        a: { allOf: [{ $ref: '#/components/schemas/A' }, { type: object }] }\n";
    check(
        spec,
        "src/types.rs",
        &[
            "pub struct Ba {",
            "pub b: Option<B>,",
            "pub a: Option<Box<Ba>>,",
        ],
    );
}

#[test]
fn operations_become_methods() {
    let spec = r##"
openapi: 3.0.3
info: { title: Test, version: '1' }
servers: [{ url: "https://{region}.example.com/v1", variables: { region: { default: eu } } }]
paths:
  /things/{thing_id}/parts:
    parameters:
      - { name: thing_id, in: path, required: true, schema: { type: integer, format: int64 } }
    get:
      operationId: listParts
      parameters:
        - { name: limit, in: query, schema: { type: integer, minimum: 1 } }
        - { name: tags, in: query, schema: { type: array, items: { type: string } } }
        - { name: X-Trace, in: header, schema: { type: string } }
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { type: array, items: { $ref: "#/components/schemas/Part" } } } }
        "404": { description: No such thing. }
        "5XX":
          description: Server trouble.
          content: { application/json: { schema: { $ref: "#/components/schemas/Problem" } } }
        default:
          description: error
          content: { application/json: { schema: { $ref: "#/components/schemas/Problem" } } }
    delete:
      responses: { "204": { description: gone } }
components:
  schemas:
    Part: { type: object, properties: { id: { type: string } } }
    Problem: { type: object, properties: { detail: { type: string } } }
"##;
    check(
        spec,
        "src/client.rs",
        &[
            "pub async fn list_parts(&self, thing_id: i64, params: &crate::params::ListPartsParams,) -> Result<crate::ResponseValue<Vec<crate::types::Part>>, Error<crate::types::ListPartsError>,>",
            r#"const OPERATION: &str = "GET /things/{thing_id}/parts";"#,
            r#"format!("{}/things/{}/parts", self.core.base_url, segment_0)"#,
            r#"query.push(("limit", value.to_string()));"#,
            r#"if let Some(value) = &params.tags { for value in value.iter() { query.push(("tags", value.to_string())); } }"#,
            r#"request = request.header("X-Trace", value.to_string());"#,
            "pub async fn delete_things_thing_id_parts(&self, thing_id: i64,) -> Result<crate::ResponseValue<()>, Error<crate::types::DeleteThingsThingIdPartsError>,>",
            r#"self.region.as_deref().unwrap_or("eu")"#,
        ],
    );
    // Query and header parameters are one struct, each a documented optional field.
    check(
        spec,
        "src/params.rs",
        &[
            "#[derive(Debug, Clone, Default)] pub struct ListPartsParams {",
            "/// Sent as the query parameter `limit`. Minimum: 1. pub limit: Option<i64>,",
            "/// Sent as the query parameter `tags`, once per item. pub tags: Option<Vec<String>>,",
            "/// Sent as the header `X-Trace`. pub x_trace: Option<String>,",
        ],
    );
    let output = generate_ok(spec);
    assert!(
        !output.files["src/client.rs"].contains("DeleteThingsThingIdPartsParams"),
        "an operation without query or header parameters takes no struct"
    );
}

#[test]
fn a_required_query_parameter_is_a_plain_field_and_the_struct_not_default() {
    let spec = r##"
openapi: 3.0.3
info: { title: Test, version: '1' }
paths:
  /search/{params}:
    parameters:
      - { name: params, in: path, required: true, schema: { type: string } }
    get:
      operationId: search
      parameters:
        - { name: q, in: query, required: true, schema: { type: string, minLength: 2 } }
        - { name: page, in: query, schema: { type: integer } }
      responses:
        "200": { description: ok }
"##;
    check(
        spec,
        "src/params.rs",
        &[
            "/// Not `Default`: `q` must be given; `new()` takes it. #[derive(Debug, Clone)] pub struct SearchParams {",
            "pub q: String,",
            "pub page: Option<i64>,",
        ],
    );
    // A path parameter named `params` keeps its name; the struct's argument takes another.
    check(
        spec,
        "src/client.rs",
        &[
            "pub async fn search(&self, params: &str, params_2: &crate::params::SearchParams,)",
            r#"v::length(&v::param("q"), &params_2.q, Some(2), None, out);"#,
            r#"{ let value = &params_2.q; query.push(("q", value.to_string())); }"#,
        ],
    );
}

#[test]
fn error_answers_are_typed_by_status() {
    let spec = r##"
openapi: 3.0.3
info: { title: Test, version: '1' }
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200": { description: ok }
        default:
          description: Anything else.
          content: { application/json: { schema: { $ref: "#/components/schemas/Problem" } } }
        "5XX":
          description: Server trouble.
          content: { application/json: { schema: { $ref: "#/components/schemas/Problem" } } }
        "404": { description: No such thing. }
    delete:
      operationId: deleteThings
      responses: { "204": { description: gone } }
  /others:
    get:
      operationId: listOthers
      responses:
        "200": { description: ok }
        "4XX": { description: Client trouble. }
        "5XX": { description: Server trouble. }
        default: { description: Anything else. }
components:
  schemas:
    Problem: { type: object, properties: { detail: { type: string } } }
"##;
    check(
        spec,
        "src/types.rs",
        &[
            "pub enum ListThingsError { /// 404: No such thing.\n NotFound(Option<serde_json::Value>), /// 5XX: Server trouble.\n ServerError(Option<Problem>), /// Any other status: Anything else.\n Default(Option<Problem>), }",
            // A mock answers `default` with a status nothing declared covers, read back as it.
            "crate::http::error_answers!(ListThingsError, [404 => NotFound(404), 500..=599 => ServerError(500), _ => Default(400),]);",
            "pub enum DeleteThingsError { /// A status the spec does not declare for this operation; the body if it is JSON.\n Other(Option<serde_json::Value>), }",
            // With every 4xx and 5xx declared, `default` is answered with a 3xx (no `Location`).
            "crate::http::error_answers!(ListOthersError, [400..=499 => ClientError(400), 500..=599 => ServerError(500), _ => Default(300),]);",
        ],
    );
}

#[test]
fn same_input_same_bytes() {
    let spec = include_str!("fixtures/specs/buildomat.json");
    let first = generate_ok(spec);
    let second = generate_ok(spec);
    assert_eq!(first.files, second.files);
}

#[test]
fn errors_say_where_and_what() {
    check_error("openapi: 3.0.3\ninfo: [\n", "line 3", "");
    check_error("{\"openapi\": \"3.0.3\",\n \"info\": }", "line 2", "");
    check_error("swagger: '2.0'\n", "#/swagger", "Swagger \"2.0\"");
    check_error(
        "openapi: 3.2.0\ninfo: { title: t, version: '1' }\npaths: {}\n",
        "#/openapi",
        "unsupported OpenAPI version \"3.2.0\"",
    );
    check_error(
        "info: { title: t, version: '1' }\n",
        "#",
        "no `openapi` field",
    );
    check_error(
        &with_schema("type: object\nproperties:\n  a: { $ref: '#/components/schemas/Nope' }"),
        "#/components/schemas/T/properties/a",
        "points at nothing",
    );
    check_error(
        &with_schema("type: object\nproperties:\n  a: { type: strin }"),
        "#/components/schemas/T/properties/a",
        "unknown `type` \"strin\"",
    );
    let ops = "openapi: 3.0.3\ninfo: { title: t, version: '1' }\npaths:\n  /a:\n    get: { operationId: same, responses: { '204': { description: x } } }\n  /b:\n    get: { operationId: same, responses: { '204': { description: x } } }\n";
    check_error(ops, "#/paths/~1b/get", "duplicate operationId \"same\"");
    let param = "openapi: 3.0.3\ninfo: { title: t, version: '1' }\npaths:\n  /a:\n    get:\n      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]\n      responses: { '204': { description: x } }\n";
    check_error(
        param,
        "#/paths/~1a/get/parameters/0",
        "does not appear in the path template",
    );
    let missing = "openapi: 3.0.3\ninfo: { title: t, version: '1' }\npaths:\n  /a/{id}:\n    get:\n      responses: { '204': { description: x } }\n";
    check_error(
        missing,
        "#/paths/~1a~1{id}/get",
        "no path parameter of that name",
    );
}

/// Each warning of a spec, as `location: message`, and the generated files.
fn warnings(spec: &str) -> (Vec<String>, generator::Output) {
    let output = generate_ok(spec);
    let warnings = output.warnings.iter().map(ToString::to_string).collect();
    (warnings, output)
}

/// One operation `GET /a` with the given parameter (YAML flow mapping) and a component `Obj`.
fn with_parameter(parameter: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{ title: Test, version: '1' }}\npaths:\n  /a:\n    get:\n      operationId: get_a\n      parameters: [{parameter}]\n      responses: {{ '204': {{ description: Done. }} }}\ncomponents:\n  schemas:\n    Obj: {{ type: object, properties: {{ a: {{ type: string }} }} }}\n"
    )
}

#[test]
fn a_cookie_parameter_is_a_warning_and_never_sent() {
    let (found, output) = warnings(&with_parameter(
        "{ name: session, in: cookie, schema: { type: string } }",
    ));
    assert_eq!(
        found,
        [
            r#"#/paths/~1a/get/parameters/0: cookie parameter "session" is not supported and is never sent"#
        ]
    );
    let client = squeeze(&output.files["src/client.rs"]);
    assert!(
        client.contains(&squeeze("pub async fn get_a(&self,)")),
        "{client}"
    );
    assert!(!client.contains("session"), "{client}");
}

#[test]
fn an_object_parameter_is_a_warning_and_sent_as_text() {
    for schema in [
        "{ $ref: '#/components/schemas/Obj' }",
        "{ type: object, properties: { a: { type: string } } }",
    ] {
        let (found, output) = warnings(&with_parameter(&format!(
            "{{ name: filter, in: query, schema: {schema} }}"
        )));
        assert_eq!(
            found,
            ["#/paths/~1a/get/parameters/0: object parameters are not supported; sent as a plain string"],
            "{schema}"
        );
        let params = squeeze(&output.files["src/params.rs"]);
        assert!(
            params.contains(&squeeze("pub filter: Option<String>,")),
            "{params}"
        );
    }
}

#[test]
fn a_look_around_pattern_is_checked_with_fancy_regex_without_a_warning() {
    let (found, output) = warnings(&with_parameter(
        "{ name: q, in: query, schema: { type: string, pattern: '^(?!admin)[a-z]+$' } }",
    ));
    assert_eq!(found, Vec::<String>::new());
    assert!(output.files["Cargo.toml"].contains("fancy-regex"));
    assert!(output.files.contains_key("src/pattern.rs"));
    let client = squeeze(&output.files["src/client.rs"]);
    assert!(
        client.contains(&squeeze(r#"Pattern::new("^(?!admin)[a-z]+$","#)),
        "{client}"
    );
}

#[test]
fn a_pattern_neither_engine_reads_is_a_warning_and_not_checked() {
    let (found, output) = warnings(&with_parameter(
        "{ name: q, in: query, schema: { type: string, pattern: '(unclosed' } }",
    ));
    assert_eq!(
        found,
        [
            r#"#/paths/~1a/get/parameters/0/schema: `pattern` "(unclosed" is not a regular expression Rust's `regex` or `fancy-regex` reads (Parsing error at position 9: Opening parenthesis without closing parenthesis); it is not checked"#
        ]
    );
    assert!(!output.files["Cargo.toml"].contains("regex"));
    assert!(!output.files["src/client.rs"].contains("Pattern"));
}

#[test]
fn one_of_beside_properties_is_a_warning_and_the_properties_are_kept() {
    let (found, output) = warnings(&with_schema(
        "type: object\nproperties:\n  a: { type: string }\n  b: { type: string }\noneOf:\n  - { required: [a] }\n  - { required: [b] }",
    ));
    assert_eq!(
        found,
        ["#/components/schemas/T: `oneOf` beside properties or `allOf` only constrains which properties go together; that is not checked"]
    );
    let types = squeeze(&output.files["src/types.rs"]);
    assert!(
        types.contains(&squeeze("pub struct T { pub a: Option<String>,")),
        "{types}"
    );
}

#[test]
fn not_is_a_warning_and_any_json_value() {
    let (found, output) = warnings(&with_schema(
        "type: object\nproperties:\n  a: { not: { type: string } }",
    ));
    assert_eq!(
        found,
        ["#/components/schemas/T/properties/a: `not` is not supported; typed as any JSON value"]
    );
    let types = squeeze(&output.files["src/types.rs"]);
    assert!(types.contains("puba:Option<serde_json::Value>,"), "{types}");
    // A component that is a `not` is no type of its own: what refers to it holds any value.
    let (found, output) = warnings(&with_schema("not: { type: string }"));
    assert_eq!(
        found,
        ["#/components/schemas/T: `not` is not supported; typed as any JSON value"]
    );
    assert!(!output.files["src/types.rs"].contains("pub struct T"));
    let client = squeeze(&output.files["src/client.rs"]);
    assert!(
        client.contains("body:Option<&serde_json::Value>"),
        "{client}"
    );
}

#[test]
fn a_ref_to_another_file_is_an_error_naming_it() {
    let Errors(errors) = generate(
        &with_schema(
            "type: object\nproperties:\n  a: { $ref: 'other.yaml#/components/schemas/Pet' }",
        ),
        &Config::new("test-client"),
    )
    .unwrap_err();
    let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            r#"#/components/schemas/T/properties/a: unsupported `$ref` "other.yaml#/components/schemas/Pet": only local references into #/components are supported"#
        ]
    );
}

#[test]
fn one_of_becomes_an_enum_tried_most_specific_first() {
    check(
        &with_schema("oneOf:\n  - { type: string }\n  - { type: number }\n  - { type: integer }\n  - { type: object, properties: { a: { type: string } } }\n  - { type: object, required: [b], properties: { b: { type: string } } }"),
        "src/types.rs",
        &[
            "#[derive(Debug, Clone, PartialEq)] pub enum T {",
            // An integer is tried before a number, which would also take it.
            "T5(T5), /// A `T4` value. T4(T4), /// An `Integer` value. Integer(i64), /// A `Number` value. Number(f64), /// A `String` value. String(String),",
            "Unknown(serde_json::Value),",
            // Tried in that order by `serde_union!`, which writes a variant as its value.
            "crate::wire::serde_union!(T, Unknown, untagged, [T5, T4, Integer, Number, String]);",
        ],
    );
}

#[test]
fn a_discriminator_dispatches_on_its_property() {
    let spec = "openapi: 3.0.3\ninfo: { title: T, version: '1' }\npaths: {}\ncomponents:\n  schemas:\n    P:\n      oneOf: [{ $ref: '#/components/schemas/A' }, { $ref: '#/components/schemas/B' }]\n      discriminator: { propertyName: kind, mapping: { a: '#/components/schemas/A' } }\n    A: { type: object, properties: { kind: { type: string } } }\n    B: { type: object, properties: { kind: { type: string } } }\n";
    check(
        spec,
        "src/types.rs",
        &[
            // The mapping's value for `A`, the schema's name for `B`.
            r#"crate::wire::serde_union!(P, Unknown, tag("kind"), [A = "a", B = "B"]);"#,
        ],
    );
}

#[test]
fn inline_members_told_apart_by_a_fixed_property_leave_it_to_the_union() {
    // Each inline member requires `kind` with one value of its own: the union writes `kind`
    // (serde's internally tagged form), each member is a struct variant named by its value that
    // leaves `kind` out (a unit variant when nothing else is left), and no struct or one-value
    // enum is made for a member. With a `$ref` member the members keep the property, which the
    // union reads to pick one.
    let inline = "      oneOf:\n        - { type: object, required: [kind, r], properties: { kind: { type: string, enum: [circle] }, r: { type: number } } }\n        - { type: object, required: [kind], properties: { kind: { type: string, enum: [dot] } } }\n";
    let spec = format!("openapi: 3.0.3\ninfo: {{ title: T, version: '1' }}\npaths: {{}}\ncomponents:\n  schemas:\n    S:\n{inline}");
    let output = generate_ok(&spec);
    let types = squeeze(&output.files["src/types.rs"]);
    for piece in [
        "pub enum S { /// `kind` is `circle`. Circle { r: f64 }, /// `kind` is `dot`. Dot,",
        "Unknown(serde_json::Value),",
        // Written as serde's internally tagged form writes it: the tag first, then the fields.
        r#"Self::Circle { r } => { let len = crate::wire::count::required(r); let mut out = crate::wire::tagged(serializer, "S", len, "kind", "circle",); out.required("r", r); out.end() }"#,
        r#"Self::Dot => crate::wire::tagged(serializer, "S", 0, "kind", "dot").end(),"#,
        "Self::Unknown(value) => serde::Serialize::serialize(value, serializer),",
        // A known tag's fields are read into a private struct; an unknown tag is kept.
        r#"Some("circle") => { struct Fields { r: f64, } crate::wire::serde_struct!(Fields, ignore, [r = "r" required]); let fields: Fields = serde::Deserialize::deserialize(value)"#,
        "Ok(Self::Circle { r: fields.r })",
        r#"Some("dot") => Ok(Self::Dot),"#,
        "_ => Ok(Self::Unknown(value)),",
    ] {
        assert!(
            types.contains(&squeeze(piece)),
            "missing `{piece}`:\n{types}"
        );
    }
    for absent in [
        "pubkind:",
        "pubstructS1",
        "pubstructS2",
        "enumS1Kind",
        "serde(",
    ] {
        assert!(!types.contains(absent), "`{absent}` in:\n{types}");
    }

    let with_ref = format!("{}\n        - $ref: '#/components/schemas/Line'\n    Line: {{ type: object, required: [kind], properties: {{ kind: {{ type: string, enum: [line] }} }} }}\n", inline.trim_end());
    let spec = format!("openapi: 3.0.3\ninfo: {{ title: T, version: '1' }}\npaths: {{}}\ncomponents:\n  schemas:\n    S:\n{with_ref}");
    let types = squeeze(&generate_ok(&spec).files["src/types.rs"]);
    for piece in [
        r#"crate::wire::serde_union!(S, Unknown, tag("kind"), [Circle = "circle", Dot = "dot", Line = "line",]);"#,
        "Circle(S1),",
        "Line(Line),",
        "pub kind: S1Kind,",
    ] {
        assert!(
            types.contains(&squeeze(piece)),
            "missing `{piece}`:\n{types}"
        );
    }
}

#[test]
fn a_composition_of_one_schema_is_that_schema_under_its_name() {
    // `oneOf`/`allOf` with one inline member: the member takes the component's name (not
    // `Digest2` beside an unused `Digest`) and, lacking one, the component's description.
    let spec = "openapi: 3.0.3\ninfo: { title: T, version: '1' }\npaths: {}\ncomponents:\n  schemas:\n    Digest:\n      oneOf:\n        - { type: object, required: [value], properties: { value: { type: string } } }\n    SortMode:\n      description: How to sort.\n      oneOf:\n        - { type: string, enum: [ascending] }\n    Wrapped:\n      allOf:\n        - { type: object, description: Its own words., properties: { x: { type: integer } } }\n";
    let types = squeeze(&generate_ok(spec).files["src/types.rs"]);
    for piece in [
        "pub struct Digest {",
        "/// How to sort. /// /// One of `ascending`",
        "pub enum SortMode {",
        "/// Its own words. #[derive",
        "pub struct Wrapped {",
    ] {
        assert!(
            types.contains(&squeeze(piece)),
            "missing `{piece}`:\n{types}"
        );
    }
    for absent in ["Digest2", "SortMode2", "Wrapped2"] {
        assert!(!types.contains(absent), "`{absent}` in:\n{types}");
    }
}

#[test]
fn types_that_contain_each_other_are_boxed() {
    let spec = "openapi: 3.0.3\ninfo: { title: T, version: '1' }\npaths: {}\ncomponents:\n  schemas:\n    A: { type: object, properties: { b: { $ref: '#/components/schemas/B' }, list: { type: array, items: { $ref: '#/components/schemas/A' } } } }\n    B: { type: object, required: [a], properties: { a: { $ref: '#/components/schemas/A' }, c: { $ref: '#/components/schemas/C' } } }\n    C: { type: object, properties: { x: { type: string } } }\n";
    check(
        spec,
        "src/types.rs",
        &[
            "pub b: Option<Box<B>>,",
            "pub list: Option<Vec<A>>,",
            "pub a: Box<A>,",
            "pub c: Option<C>,",
        ],
    );
}

#[test]
fn read_only_and_write_only_properties_split_a_schema_by_direction() {
    let spec = "openapi: 3.0.3\ninfo: { title: T, version: '1' }\npaths:\n  /a:\n    post:\n      requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/A' } } } }\n      responses: { '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/A' } } } } }\ncomponents:\n  schemas:\n    A: { type: object, required: [id], properties: { id: { type: string, readOnly: true }, secret: { type: string, writeOnly: true }, name: { type: string } } }\n";
    check(
        spec,
        "src/types.rs",
        &[
            "pub struct A {",
            "pub id: String,",
            "pub struct ARequest { pub secret: Option<String>,",
            "read-only properties are left out",
        ],
    );
    check(
        spec,
        "src/client.rs",
        &[
            "body: Option<&crate::types::ARequest>",
            "crate::ResponseValue<crate::types::A>",
        ],
    );
}

#[test]
fn a_ref_cycle_no_type_can_hold_is_an_error() {
    check_error(
        "openapi: 3.0.3\ninfo: { title: T, version: '1' }\npaths: {}\ncomponents:\n  schemas:\n    A: { $ref: '#/components/schemas/B' }\n    B: { $ref: '#/components/schemas/A' }\n",
        "#/components/schemas/",
        "cycle",
    );
}

#[test]
fn the_generator_source_names_nothing_from_our_spec() {
    // Every name in the generated client comes from the spec, none from the generator.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut stack = vec![std::path::PathBuf::from(dir)];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap().to_lowercase();
        for name in [
            "auth0",
            "resource_server",
            "resource-server",
            "resourceserver",
            "tenant",
            "signing_secret",
        ] {
            assert!(!text.contains(name), "{} mentions {name:?}", path.display());
        }
    }
}

#[test]
fn a_one_of_whose_only_member_is_itself_is_an_error_not_a_stack_overflow() {
    // Found by the property tests: asking whether it may be `null` followed it without end.
    check_error(
        "openapi: 3.0.3\ninfo: { title: T, version: '1' }\npaths: {}\ncomponents:\n  schemas:\n    L: { type: array, items: { $ref: '#/components/schemas/U' } }\n    U: { oneOf: [{ $ref: '#/components/schemas/U' }] }\n",
        "#/components/schemas/U",
        "cycle",
    );
}

#[test]
fn a_schema_reaching_read_only_properties_through_a_cycle_gets_both_forms() {
    // B reaches C's read-only `id` only through A, which refers back to B: whatever order the
    // schemas are looked at in, B has a request form too.
    let spec = "openapi: 3.0.3\ninfo: { title: T, version: '1' }\npaths:\n  /a:\n    post:\n      requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/B' } } } }\n      responses: { '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/B' } } } } }\ncomponents:\n  schemas:\n    A: { type: object, properties: { b: { $ref: '#/components/schemas/B' }, c: { $ref: '#/components/schemas/C' } } }\n    B: { type: object, properties: { a: { $ref: '#/components/schemas/A' } } }\n    C: { type: object, properties: { id: { type: string, readOnly: true }, name: { type: string } } }\n";
    check(
        spec,
        "src/types.rs",
        &[
            "pub struct BRequest {",
            "pub a: Option<Box<ARequest>>,",
            "pub c: Option<CRequest>,",
        ],
    );
    check(
        spec,
        "src/client.rs",
        &["body: Option<&crate::types::BRequest>"],
    );
}

/// The text of `method` (`pub async fn <method>`) up to the next method of `client.rs`.
fn method_text<'a>(client: &'a str, method: &str) -> &'a str {
    let start = client
        .find(&format!("pub async fn {method}("))
        .unwrap_or_else(|| panic!("no method {method}"));
    let rest = &client[start..];
    let end = rest[1..]
        .find("pub async fn ")
        .map_or(rest.len(), |i| i + 1);
    &rest[..end]
}

#[test]
fn retries_follow_the_method_unless_the_spec_says_x_idempotent() {
    let spec = r##"
openapi: 3.0.3
info: { title: Test, version: '1' }
servers: [{ url: "https://example.com" }]
paths:
  /things:
    get: { operationId: list, responses: { "200": { description: ok } } }
    post: { operationId: create, responses: { "201": { description: ok } } }
    put: { operationId: replace, responses: { "200": { description: ok } } }
  /things/{id}:
    parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
    patch: { operationId: update, x-idempotent: true, responses: { "200": { description: ok } } }
    delete: { operationId: remove, responses: { "204": { description: ok } } }
    post: { operationId: ping, x-idempotent: yes-please, responses: { "204": { description: ok } } }
    options: { operationId: probe, x-idempotent: false, responses: { "204": { description: ok } } }
"##;
    let output = generate_ok(spec);
    let client = &output.files["src/client.rs"];
    for (method, idempotent) in [
        ("list", true),
        ("create", false),
        ("replace", true),
        ("update", true),
        ("remove", true),
        ("ping", false),
        ("probe", false),
    ] {
        let text = squeeze(method_text(client, method));
        let expected = if idempotent {
            "crate::http::send(&self.core,OPERATION,Idempotent::Yes,"
        } else {
            "crate::http::send(&self.core,OPERATION,Idempotent::No,"
        };
        assert!(text.contains(expected), "{method}: {text}");
    }
    assert!(
        output.warnings.iter().any(|w| {
            w.location == "#/paths/~1things~1{id}/post/x-idempotent"
                && w.message
                    .contains("`x-idempotent` must be `true` or `false`")
        }),
        "{:?}",
        output.warnings
    );
}

#[test]
fn every_crate_has_the_optional_middleware_feature() {
    let petstore = include_str!("fixtures/specs/petstore.yaml");
    let output = generate_ok(petstore);
    let manifest = &output.files["Cargo.toml"];
    for line in [
        r#"reqwest-middleware = { version = "0.4", default-features = false, optional = true }"#,
        "[features]\n# Send requests through a `reqwest_middleware::ClientWithMiddleware`.\n\
         middleware = [\"dep:reqwest-middleware\"]\n",
    ] {
        assert!(manifest.contains(line), "missing {line:?} in\n{manifest}");
    }
    // The builder method that takes a stack exists only with the feature (xtask's generality
    // test compiles this crate with it; the corpus test, without).
    let client = &output.files["src/client.rs"];
    let builder_method = "#[cfg(feature = \"middleware\")]\n    pub fn middleware_client(";
    assert!(client.contains(builder_method), "{client}");
}

/// A collection for the in-memory fake: `POST /items` and `GET /items/{ref}`, with a list, an
/// update (`PUT`) and no delete, found from paths and methods; the page-number parameter is the
/// one the client's pages walker uses, the per-page one the other optional integer.
const COLLECTION: &str = r##"
openapi: 3.0.3
info: { title: Test, version: '1' }
paths:
  /items:
    get:
      parameters:
        - { name: page, in: query, schema: { type: integer, minimum: 1 } }
        - { name: n, in: query, schema: { type: integer, maximum: 20 } }
      responses:
        '200':
          description: Items.
          content:
            application/json:
              schema: { type: array, items: { $ref: '#/components/schemas/Item' } }
    post:
      operationId: make
      x-fake-id-field: ref
      x-fake-unique: [label]
      requestBody:
        content:
          application/json:
            schema: { $ref: '#/components/schemas/Item' }
      responses:
        '201':
          description: Made.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Item' }
  /items/{ref}:
    get:
      operationId: fetch
      parameters:
        - { name: ref, in: path, required: true, schema: { type: integer } }
      responses:
        '200':
          description: One.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Item' }
        '404':
          description: None.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Oops' }
    put:
      operationId: replace
      parameters:
        - { name: ref, in: path, required: true, schema: { type: integer } }
      requestBody:
        content:
          application/json:
            schema: { $ref: '#/components/schemas/Item' }
      responses:
        '200': { description: Replaced. }
  /lonely:
    post:
      responses:
        '201':
          description: No read beside it, so no collection.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Item' }
components:
  schemas:
    Item:
      type: object
      properties:
        ref: { type: integer }
        label: { type: string, default: none }
    Oops:
      type: object
      required: [why, status, what]
      properties:
        why: { type: string }
        status: { type: integer }
        what: { type: string }
        extra: { type: string }
"##;

#[test]
fn a_collection_is_found_from_paths_and_methods_and_described_to_the_fake() {
    let output = generate_ok(COLLECTION);
    let mock = squeeze(&output.files["src/mock.rs"]);
    for expected in [
        r#"path: "/items", item_path: "/items/{ref}", id: "ref", id_integer: true,"#,
        r#"unique: &["label"],"#,
        r#"defaults: "{\"label\":\"none\"}","#,
        r#"error_fields: &[ ("why", crate::fake::ErrorField::Reason), ("status", crate::fake::ErrorField::Status), ("what", crate::fake::ErrorField::Message), ],"#,
        r#"update: Some(crate::fake::Endpoint { method: "PUT", status: 200, validate: Some(check_replace), }),"#,
        r#"delete: None,"#,
        r#"page: Some(crate::fake::IntParam { wire: "page", min: Some(1), max: None, }),"#,
        r#"per_page: Some(crate::fake::IntParam { wire: "n", min: None, max: Some(20), }),"#,
        r#"pub fn items(&self) -> Stored<'_, Items>"#,
        r#"type New = crate::types::Item;"#,
    ] {
        assert!(
            mock.contains(&squeeze(expected)),
            "{expected}\nnot in\n{mock}"
        );
    }
    assert_eq!(
        mock.matches("crate::fake::CollectionSpec{").count(),
        1,
        "/lonely has no read"
    );
}

/// Only a `GET` without a body is walked page by page: walking a `PATCH` with a `page` parameter
/// (as Directus's `updatePresets`) would repeat the write once per page.
#[test]
fn only_reads_without_a_body_get_a_page_walker() {
    let spec = r##"
openapi: 3.0.3
info: { title: Test, version: '1' }
paths:
  /presets:
    get:
      operationId: list_presets
      parameters:
        - { name: page, in: query, schema: { type: integer } }
      responses:
        '200':
          description: The presets.
          content:
            application/json:
              schema: { type: object, properties: { data: { type: array, items: { type: string } } } }
    patch:
      operationId: update_presets
      parameters:
        - { name: page, in: query, schema: { type: integer } }
      requestBody:
        content:
          application/json:
            schema: { type: object, properties: { keys: { type: array, items: { type: string } } } }
      responses:
        '200':
          description: The presets.
          content:
            application/json:
              schema: { type: object, properties: { data: { type: array, items: { type: string } } } }
"##;
    let client = generate_ok(spec).files["src/client.rs"].clone();
    assert!(
        client.contains("pub fn list_presets_pages<'a>("),
        "{client}"
    );
    assert!(!client.contains("update_presets_pages"), "{client}");
}

#[test]
fn a_ref_with_a_percent_encoded_pointer_is_followed() {
    let spec = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a/{id}:
    get:
      operationId: get_a
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {x: {type: string}}}
  /b:
    get:
      operationId: get_b
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "#/paths/~1a~1%7Bid%7D/get/responses/200/content/application~1json/schema"
"##;
    let (found, _) = warnings(spec);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_callback_given_as_a_ref_is_followed_or_left_out_with_a_warning() {
    let spec = |target: &str| {
        format!(
            r##"
openapi: 3.0.3
info: {{title: t, version: "1"}}
paths:
  /a:
    get:
      operationId: get_a
      callbacks:
        onEvent:
          $ref: "{target}"
      responses: {{"204": {{description: ok}}}}
components:
  callbacks:
    cb:
      "{{$request.query.url}}":
        post:
          responses: {{"204": {{description: ok}}}}
"##
        )
    };
    let (found, _) = warnings(&spec("#/components/callbacks/cb"));
    assert!(found.is_empty(), "{found:?}");
    let (found, _) = warnings(&spec("#/components/callbacks/missing"));
    assert_eq!(
        found,
        [
            r##"#/paths/~1a/get/callbacks/onEvent: callback `$ref` "#/components/callbacks/missing" points at no callback under #/components/callbacks; callbacks are not supported, so it is left out"##
        ]
    );
}

#[test]
fn a_null_schema_in_a_callback_two_operations_share_is_one_warning_where_it_is_written() {
    let spec = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: get_a
      callbacks: {onEvent: {$ref: "#/components/callbacks/cb"}}
      responses: {"204": {description: ok}}
  /b:
    get:
      operationId: get_b
      callbacks: {onEvent: {$ref: "#/components/callbacks/cb"}}
      responses: {"204": {description: ok}}
components:
  callbacks:
    cb:
      "{$request.query.url}":
        post:
          requestBody:
            content:
              application/json:
                schema: null
          responses: {"204": {description: ok}}
"##;
    let (found, _) = warnings(spec);
    assert_eq!(
        found,
        ["#/components/callbacks/cb/{$request.query.url}/post/requestBody/content/application~1json/schema: `schema` is null; read as no schema (any JSON value)"]
    );
}

#[test]
fn a_parameter_or_response_ref_into_paths_is_followed() {
    let spec = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: get_a
      parameters:
        - {name: per_page, in: query, schema: {type: integer}}
      responses:
        "204": {description: ok}
        "404": {description: not found}
  /b:
    get:
      operationId: get_b
      parameters:
        - $ref: "#/paths/~1a/get/parameters/0"
      responses:
        "204": {description: ok}
        "404":
          $ref: "#/paths/~1a/get/responses/404"
"##;
    let (found, output) = warnings(spec);
    assert!(found.is_empty(), "{found:?}");
    // Both operations send the parameter.
    let client = &output.files["src/client.rs"];
    assert_eq!(client.matches("&params.per_page").count(), 2, "{client}");
}

#[test]
fn type_null_in_a_3_0_document_is_read_as_in_3_1() {
    let schema = "anyOf:\n  - type: string\n  - type: \"null\"\n";
    let (found, output_30) = warnings(&with_schema(schema));
    assert!(found.is_empty(), "{found:?}");
    let output_31 = generate_ok(&with_schema(schema).replace("openapi: 3.0.3", "openapi: 3.1.0"));
    assert_eq!(
        output_30.files["src/types.rs"],
        output_31.files["src/types.rs"]
    );
}

#[test]
fn a_media_type_schema_null_is_any_value_with_a_warning() {
    let spec = r##"
openapi: 3.0.1
info: {title: t, version: "1"}
paths:
  /a:
    post:
      operationId: post_a
      requestBody:
        content:
          application/json:
            schema: null
      responses: {"204": {description: ok}}
"##;
    let (found, output) = warnings(spec);
    assert_eq!(
        found,
        ["#/paths/~1a/post/requestBody/content/application~1json/schema: `schema` is null; read as no schema (any JSON value)"]
    );
    assert!(output.files["src/client.rs"].contains("body: Option<&serde_json::Value>"));
}

#[test]
fn a_document_without_info_version_generates_with_a_warning() {
    for openapi in ["3.0.3", "3.1.0"] {
        let spec = format!(
            "openapi: {openapi}\ninfo: {{ title: Versionless }}\npaths:\n  /ping:\n    get:\n      operationId: ping\n      responses:\n        '204': {{ description: Done. }}\n"
        );
        let output = generate_ok(&spec);
        let warning = output
            .warnings
            .iter()
            .find(|w| w.location == "#/info")
            .unwrap_or_else(|| panic!("{openapi}: no warning at #/info"));
        assert!(
            warning.message.contains("`version` is missing"),
            "{openapi}"
        );
        assert!(output.files["src/lib.rs"].contains("//! A Rust client for Versionless.\n"));
        assert!(output.files["Cargo.toml"].contains(
            "description = \"Rust client for Versionless, generated from its OpenAPI document.\""
        ));
    }
}

#[test]
fn a_map_whose_values_hold_the_map_is_a_named_struct() {
    let spec =
        with_schema("type: object\nadditionalProperties: { $ref: '#/components/schemas/T' }");
    let types = &generate_ok(&spec).files["src/types.rs"];
    assert!(
        types.contains("pub additional_properties: std::collections::BTreeMap<String, T>,"),
        "{types}"
    );
}

#[test]
fn a_schema_lowered_once_per_direction_warns_once() {
    // `T` has a read-only property, so requests and responses each get a type of their own.
    let spec = "openapi: 3.0.3\ninfo: { title: Test, version: '1' }\npaths:\n  /t:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: { $ref: '#/components/schemas/T' }\n      responses:\n        '200':\n          description: Done.\n          content:\n            application/json:\n              schema: { $ref: '#/components/schemas/T' }\ncomponents:\n  schemas:\n    T:\n      type: object\n      properties:\n        id: { type: string, readOnly: true }\n        a: { type: string }\n        b: { type: string }\n      oneOf:\n        - required: [a]\n        - required: [b]\n";
    let output = generate_ok(spec);
    let beside: Vec<_> = output
        .warnings
        .iter()
        .filter(|w| w.message.contains("beside properties"))
        .collect();
    assert_eq!(beside.len(), 1, "{:?}", output.warnings);
}

#[test]
fn an_array_component_whose_inline_items_refer_back_to_it_is_a_vec_of_one_struct() {
    let spec = "openapi: 3.0.3\ninfo: { title: Test, version: '1' }\npaths:\n  /c:\n    get:\n      responses:\n        '200':\n          description: Done.\n          content:\n            application/json:\n              schema: { $ref: '#/components/schemas/Comments' }\ncomponents:\n  schemas:\n    Comments:\n      type: array\n      items:\n        type: object\n        properties:\n          replies: { $ref: '#/components/schemas/Comments' }\n";
    let types = &generate_ok(spec).files["src/types.rs"];
    assert!(
        types.contains("pub replies: Option<Vec<CommentsItem>>,"),
        "{types}"
    );
    assert_eq!(types.matches("pub struct ").count(), 1, "{types}");
}

#[test]
fn refs_to_a_parameters_schema_and_to_a_components_map_openapi_lacks_are_followed() {
    let spec = "openapi: 3.1.0\ninfo: { title: Test, version: '1' }\npaths:\n  /t:\n    get:\n      responses:\n        '200':\n          description: Done.\n          content:\n            application/json:\n              schema: { $ref: '#/components/schemas/T' }\ncomponents:\n  parameters:\n    id: { name: id, in: query, schema: { type: string, format: uuid } }\n  enums:\n    Kind: { type: string, enum: [a, b] }\n  schemas:\n    T:\n      type: object\n      properties:\n        id: { $ref: '#/components/parameters/id/schema' }\n        kind: { $ref: '#/components/enums/Kind' }\n";
    let types = &generate_ok(spec).files["src/types.rs"];
    assert!(types.contains("pub id: Option<String>,"), "{types}");
    assert!(types.contains("pub kind: Option<Kind>,"), "{types}");
    assert!(types.contains("pub enum Kind {"), "{types}");
}

#[test]
fn an_array_component_of_inline_variants_that_refer_back_to_it_is_one_union() {
    let spec = "openapi: 3.0.3\ninfo: { title: Test, version: '1' }\npaths:\n  /c:\n    get:\n      responses:\n        '200':\n          description: Done.\n          content:\n            application/json:\n              schema: { $ref: '#/components/schemas/Nodes' }\ncomponents:\n  schemas:\n    Nodes:\n      type: array\n      items:\n        oneOf:\n          - { type: object, properties: { children: { $ref: '#/components/schemas/Nodes' } } }\n          - { type: object, properties: { items: { $ref: '#/components/schemas/Nodes' }, text: { type: string } } }\n";
    let types = &generate_ok(spec).files["src/types.rs"];
    assert!(
        types.contains("pub children: Option<Vec<NodesItem>>,"),
        "{types}"
    );
    assert!(
        types.contains("pub items: Option<Vec<NodesItem>>,"),
        "{types}"
    );
    // One union and its two structs: the lowering inside itself names them, it does not make more.
    assert_eq!(types.matches("pub struct ").count(), 2, "{types}");
    assert_eq!(types.matches("pub enum NodesItem").count(), 1, "{types}");
}

#[test]
fn the_generated_crate_needs_no_proc_macro_of_serde() {
    // Every construct the generator supports, unions of each form included: the serde impls are
    // the runtime's macros' (`serde_struct!`, `serde_union!`) or written out, so `serde` comes
    // without `derive`, and no `serde_derive` (with its `syn`) is built before the crate.
    let output = generate_ok(include_str!("fixtures/features/features.yaml"));
    let toml = &output.files["Cargo.toml"];
    assert!(toml.contains("\nserde = \"1\"\n"), "{toml}");
    for (path, text) in &output.files {
        for line in text.lines().map(str::trim_start) {
            let derive = line.starts_with("#[derive(") && line.contains("serde::");
            assert!(
                !derive && !line.starts_with("#[serde("),
                "`{line}` in {path}"
            );
        }
    }
    let types = &output.files["src/types.rs"];
    for form in ["untagged, [", "tag(\"petType\"),"] {
        assert!(types.contains(form), "no `serde_union!` call with `{form}`");
    }
    assert!(types.contains("crate::wire::tagged(serializer,"));
}

#[test]
fn an_all_of_of_a_union_and_members_that_only_annotate_is_that_union() {
    // OpenAI's `tool_choice` (`nullable` beside the `$ref`) and Box's `Event.source` (a
    // `description` beside it): the union itself, not an empty struct merged from it.
    let spec = with_schema(
        "type: object\nproperties:\n  choice:\n    allOf:\n      - $ref: '#/components/schemas/U'\n      - nullable: true\n  source:\n    allOf:\n      - $ref: '#/components/schemas/U'\n      - description: What triggered it.\n",
    )
    .replace(
        "  schemas:\n",
        "  schemas:\n    U:\n      oneOf:\n        - { type: string, enum: [none, auto] }\n        - { type: object, properties: { kind: { type: string } } }\n",
    );
    let (found, output) = warnings(&spec);
    assert!(found.is_empty(), "{found:?}");
    let types = &output.files["src/types.rs"];
    assert!(types.contains("pub choice: crate::Nullable<U>,"), "{types}");
    assert!(types.contains("pub source: Option<U>,"), "{types}");
    assert!(!types.contains("pub struct TChoice"), "{types}");
}

#[test]
fn an_array_header_parameter_is_sent_joined_by_commas() {
    let spec = with_parameter(
        "{ name: X-Beta, in: header, style: simple, explode: false, schema: { type: array, items: { type: string } } }",
    );
    let client = &generate_ok(&spec).files["src/client.rs"];
    assert!(
        client.contains(r#"request = request.header("X-Beta", joined.join(","));"#),
        "{client}"
    );
}

#[test]
fn an_annotated_ref_that_closes_a_cycle_is_boxed_like_a_plain_ref() {
    let spec = "openapi: 3.0.3\ninfo: { title: t, version: '1' }\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content: { application/json: { schema: { $ref: '#/components/schemas/A' } } }\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: { $ref: '#/components/schemas/B' }\n        c: { allOf: [{ $ref: '#/components/schemas/B' }, { description: The other one. }] }\n    B:\n      type: object\n      properties:\n        a: { allOf: [{ $ref: '#/components/schemas/A' }, { description: x }] }\n";
    let types = &generate_ok(spec).files["src/types.rs"];
    assert!(
        types.contains("/// The other one.\n    pub c: Option<Box<B>>,"),
        "{types}"
    );
    assert!(types.contains("pub a: Option<Box<A>>,"), "{types}");
}

#[test]
fn a_discriminator_without_a_mapping_tags_by_the_value_each_member_fixes() {
    // OpenAI's: 3.1 `$ref`s with a `title` beside them (rewritten to `allOf: [$ref]`), each
    // member fixing `type` to one value, which is what the server sends, not the schema's name.
    let spec = "openapi: 3.1.0\ninfo: { title: t, version: '1' }\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content: { application/json: { schema: { $ref: '#/components/schemas/U' } } }\ncomponents:\n  schemas:\n    U:\n      oneOf:\n        - { $ref: '#/components/schemas/Tokens', title: Token Usage }\n        - { $ref: '#/components/schemas/Named' }\n      discriminator: { propertyName: type }\n    Tokens: { type: object, required: [type], properties: { type: { type: string, enum: [tokens] } } }\n    Named: { type: object, required: [type], properties: { type: { type: string } } }\n";
    let (found, _) = warnings(spec);
    assert!(found.is_empty(), "{found:?}");
    check(
        spec,
        "src/types.rs",
        &[
            "pub enum U { /// `type` is `tokens`. TokenUsage(Tokens), /// `type` is `Named`. Named(Named),",
            r#"tag("type"), [TokenUsage = "tokens", Named = "Named",]"#,
        ],
    );
}

#[test]
fn members_that_share_a_discriminator_value_are_told_apart_by_shape() {
    // OpenAI's `Item`: an input and an output message both fix `type` to `message`.
    let spec = "openapi: 3.1.0\ninfo: { title: t, version: '1' }\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content: { application/json: { schema: { $ref: '#/components/schemas/U' } } }\ncomponents:\n  schemas:\n    U:\n      oneOf:\n        - { $ref: '#/components/schemas/In' }\n        - { $ref: '#/components/schemas/Out' }\n      discriminator: { propertyName: type }\n    In: { type: object, required: [type, text], properties: { type: { type: string, enum: [message] }, text: { type: string } } }\n    Out: { type: object, required: [type, id], properties: { type: { type: string, enum: [message] }, id: { type: string } } }\n";
    let (found, output) = warnings(spec);
    assert_eq!(
        found,
        ["#/components/schemas/U: two members have the discriminator value `message`; the members are told apart by their shape instead"]
    );
    let types = &output.files["src/types.rs"];
    assert!(
        types.contains("crate::wire::serde_union!(U, Unknown, untagged, [In, Out]);"),
        "{types}"
    );
}
