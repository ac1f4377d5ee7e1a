//! Bad input: each mistake in a spec is an error that says where (line and column for syntax, a
//! JSON pointer for the rest) and what, never a panic and never a crate.

use generator::{generate, Config, Diagnostic, Errors};

const HEAD: &str = "openapi: 3.0.3\ninfo: { title: t, version: '1' }\n";

/// A document with the given `paths` and `components` YAML (each already indented under its key).
fn doc(paths: &str, components: &str) -> String {
    let paths = if paths.is_empty() {
        "paths: {}\n".to_owned()
    } else {
        format!("paths:\n{paths}")
    };
    let components = if components.is_empty() {
        String::new()
    } else {
        format!("components:\n{components}")
    };
    format!("{HEAD}{paths}{components}")
}

/// One operation `GET /a` with a 204 answer and the given extra lines (indented six spaces).
fn get_a(extra: &str) -> String {
    format!("  /a:\n    get:\n{extra}      responses: {{ '204': {{ description: x }} }}\n")
}

fn errors(spec: &str) -> Vec<Diagnostic> {
    match generate(spec, &Config::new("bad-client")) {
        Ok(output) => panic!(
            "accepted a bad spec:\n{spec}\nwarnings: {:?}",
            output.warnings
        ),
        Err(Errors(errors)) => errors,
    }
}

/// Every case: (what, spec, the exact location, a piece of the message).
fn cases() -> Vec<(&'static str, String, &'static str, &'static str)> {
    vec![
        // Syntax: line and column.
        ("YAML: an unclosed sequence", "openapi: 3.0.3\ninfo: [\n".into(), "line 3 column 1", "did not find expected node content"),
        (
            "YAML: an unclosed mapping",
            format!("{HEAD}paths:\n  /a: {{ get: {{ responses: {{}} }}\n  b: [\n"),
            "line 5 column 3",
            "did not find expected ',' or '}'",
        ),
        ("YAML: a tab where indentation is expected", format!("{HEAD}paths:\n\t/a: {{}}\n"), "line 4 column 1", "found character that cannot start any token"),
        // (YAML locates a repeated key at the start of the mapping that holds it.)
        ("YAML: a key twice", format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{ type: string }}\n    A: {{ type: integer }}\n"), "line 6 column 5", "duplicate key \"A\""),
        ("JSON: a key twice", "{\"openapi\": \"3.0.3\", \"paths\": {},\n \"paths\": {}}".into(), "line 2 column 13", "duplicate key \"paths\""),
        // A map large enough that repeated keys are found by hashing, not by a linear search.
        ("YAML: a key twice in a large map", format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n{}    S3: {{ type: integer }}\n", (0..20).map(|i| format!("    S{i}: {{ type: string }}\n")).collect::<String>()), "line 6 column 5", "duplicate key \"S3\""),
        ("JSON: a key twice in a large map", format!("{{\"openapi\": \"3.0.3\", \"paths\": {{}}, \"components\": {{\"schemas\": {{{}\n\"S3\": {{}}}}}}}}", (0..20).map(|i| format!("\"S{i}\": {{}}, ")).collect::<String>()), "line 2 column 9", "duplicate key \"S3\""),
        ("JSON: a missing value", "{\"openapi\": \"3.0.3\",\n \"info\": }".into(), "line 2 column 10", "expected value"),
        ("JSON: a trailing comma", "{\"openapi\": \"3.0.3\", \"paths\": {},\n\n}".into(), "line 3 column 1", "trailing comma"),
        // A mistake inside a schema a `$ref` reached in another (made a component of its own to
        // be read) is located where the document has it.
        (
            "a bad `type` in a schema reached inside another",
            doc(
                &get_a("      parameters: [{ name: p, in: query, schema: { $ref: '#/components/schemas/Item/definitions/kind' } }]\n"),
                "  schemas:\n    Item:\n      type: object\n      definitions:\n        kind: { type: { type: string } }\n",
            ),
            "#/components/schemas/Item/definitions/kind",
            "unknown `type` an object",
        ),
        // Which document this is.
        ("Swagger 2", "swagger: '2.0'\ninfo: { title: t, version: '1' }\npaths: {}\n".into(), "#/swagger", "Swagger \"2.0\" documents are not supported"),
        ("OpenAPI 3.2", "openapi: 3.2.0\ninfo: { title: t, version: '1' }\npaths: {}\n".into(), "#/openapi", "unsupported OpenAPI version \"3.2.0\""),
        ("not a document at all", "just some text\n".into(), "#", "no `openapi` field"),
        // `$ref`s to nothing, wherever they are.
        (
            "a property's `$ref` to a missing schema",
            doc("", "  schemas:\n    T: { type: object, properties: { a: { $ref: '#/components/schemas/Nope' } } }\n"),
            "#/components/schemas/T/properties/a",
            "`$ref` \"#/components/schemas/Nope\" points at nothing",
        ),
        (
            "a `$ref` into a schema, to a property it does not have",
            doc("", "  schemas:\n    T: { type: object, properties: { a: { type: string } } }\n    U: { type: object, properties: { b: { $ref: '#/components/schemas/T/properties/b' } } }\n"),
            "#/components/schemas/U/properties/b",
            "`$ref` \"#/components/schemas/T/properties/b\" points at nothing",
        ),
        (
            "an `items` `$ref` to a missing schema",
            doc("", "  schemas:\n    T: { type: array, items: { $ref: '#/components/schemas/Nope' } }\n"),
            "#/components/schemas/T/items",
            "points at nothing",
        ),
        (
            "an `additionalProperties` `$ref` to a missing schema",
            doc("", "  schemas:\n    T: { type: object, additionalProperties: { $ref: '#/components/schemas/Nope' } }\n"),
            "#/components/schemas/T/additionalProperties",
            "points at nothing",
        ),
        (
            "an `allOf` member `$ref` to a missing schema",
            doc("", "  schemas:\n    T: { allOf: [{ type: object }, { $ref: '#/components/schemas/Nope' }] }\n"),
            "#/components/schemas/T/allOf/1",
            "points at nothing",
        ),
        (
            "a `oneOf` member `$ref` to a missing schema",
            doc("", "  schemas:\n    T: { oneOf: [{ type: string }, { $ref: '#/components/schemas/Nope' }] }\n"),
            "#/components/schemas/T/oneOf/1",
            "points at nothing",
        ),
        (
            "a request body schema `$ref` to a missing schema",
            doc("  /a:\n    post:\n      requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/Nope' } } } }\n      responses: { '204': { description: x } }\n", ""),
            "#/paths/~1a/post/requestBody/content/application~1json/schema",
            "points at nothing",
        ),
        (
            "a response `$ref` to a missing response",
            doc("  /a:\n    get:\n      responses: { '200': { $ref: '#/components/responses/Nope' } }\n", ""),
            "#/paths/~1a/get/responses/200",
            "`$ref` \"#/components/responses/Nope\" points at nothing",
        ),
        (
            "a parameter `$ref` to a missing parameter",
            doc(&get_a("      parameters: [{ $ref: '#/components/parameters/Nope' }]\n"), ""),
            "#/paths/~1a/get/parameters/0",
            "`$ref` \"#/components/parameters/Nope\" points at nothing",
        ),
        (
            "a response header schema `$ref` to a missing schema",
            doc("  /a:\n    get:\n      responses: { '204': { description: x, headers: { X-Next: { schema: { $ref: '#/components/schemas/Nope' } } } } }\n", ""),
            "#/paths/~1a/get/responses/204/headers/X-Next/schema",
            "points at nothing",
        ),
        (
            "a `$ref` that is not a string",
            doc("", "  schemas:\n    T: { type: object, properties: { a: { $ref: 7 } } }\n"),
            "#/components/schemas/T/properties/a/$ref",
            "`$ref` must be a string, found 7",
        ),
        // Cycles with nothing to box.
        (
            "a `$ref` cycle between two schemas",
            doc("", "  schemas:\n    A: { $ref: '#/components/schemas/B' }\n    B: { $ref: '#/components/schemas/A' }\n"),
            "#/components/schemas/A",
            "`$ref` cycle with nothing to box: #/components/schemas/A → #/components/schemas/B → #/components/schemas/A",
        ),
        (
            "a schema that is a `$ref` to itself",
            doc("", "  schemas:\n    A: { $ref: '#/components/schemas/A' }\n"),
            "#/components/schemas/A",
            "`$ref` cycle with nothing to box",
        ),
        (
            "an `allOf` cycle",
            doc("", "  schemas:\n    A: { allOf: [{ $ref: '#/components/schemas/B' }, { type: object, properties: { x: { type: string } } }] }\n    B: { allOf: [{ $ref: '#/components/schemas/A' }] }\n"),
            "#/components/schemas/A",
            "`$ref` cycle with nothing to box: #/components/schemas/A → #/components/schemas/A/allOf/0 → #/components/schemas/B → #/components/schemas/B/allOf/0 → #/components/schemas/A",
        ),
        (
            // Found by tests/proptest.rs (a stack overflow before): the inline `allOf` merges Pet's
            // properties, among them this very property, and so on without end.
            "an inline `allOf` that merges the schema containing it",
            doc("", "  schemas:\n    Pet:\n      type: object\n      properties:\n        child: { allOf: [{ type: object }, { $ref: '#/components/schemas/Pet' }] }\n"),
            "#/components/schemas/Pet/properties/child",
            "this `allOf` merges a schema that contains it: the type would contain itself without end",
        ),
        (
            "the same, through a second schema",
            // (With members that only annotate, `{ description: x }`, each `allOf` is its `$ref`,
            // a cycle the generator boxes: see generate.rs.)
            doc("", "  schemas:\n    A:\n      type: object\n      properties:\n        b: { $ref: '#/components/schemas/B' }\n        c: { allOf: [{ $ref: '#/components/schemas/B' }, { type: object }] }\n    B:\n      type: object\n      properties:\n        a: { allOf: [{ $ref: '#/components/schemas/A' }, { type: object }] }\n"),
            "#/components/schemas/B/properties/a",
            "this `allOf` merges a schema that contains it",
        ),
        (
            "an `allOf` cycle through an inline member",
            doc("", "  schemas:\n    A: { allOf: [{ allOf: [{ $ref: '#/components/schemas/A' }] }, { type: object }] }\n"),
            "#/components/schemas/A",
            "`$ref` cycle with nothing to box",
        ),
        (
            // check.rs follows `$ref`s and `allOf`s only; a `oneOf` of one member is that member,
            // so this cycle is found while lowering (model/schema.rs).
            "a `$ref` cycle through a one-member `oneOf`",
            doc("", "  schemas:\n    A: { oneOf: [{ $ref: '#/components/schemas/A' }] }\n"),
            "#/components/schemas/A/oneOf/0",
            "`$ref` cycle through \"A\" with no object or array on the way, so no type can hold it",
        ),
        // Keywords whose values are of the wrong kind.
        (
            "a `minLength` that is not a number",
            doc("", "  schemas:\n    T: { type: string, minLength: five }\n"),
            "#/components/schemas/T/minLength",
            "`minLength` must be a non-negative integer, found \"five\"",
        ),
        (
            "a `required` that is not a list of names",
            doc("", "  schemas:\n    T: { type: object, required: true, properties: { a: { type: string } } }\n"),
            "#/components/schemas/T/required",
            "`required` must be an array of strings, found true",
        ),
        (
            "`items` that is not a schema",
            doc("", "  schemas:\n    T: { type: array, items: [{ type: string }] }\n"),
            "#/components/schemas/T/items",
            "a schema must be an object, found an array",
        ),
        (
            "a property that is not a schema",
            doc("", "  schemas:\n    T: { type: object, properties: { a: string } }\n"),
            "#/components/schemas/T/properties/a",
            "a schema must be an object, found \"string\"",
        ),
        (
            "a `nullable` that is not a boolean",
            doc("", "  schemas:\n    T: { type: string, nullable: 'yes' }\n"),
            "#/components/schemas/T/nullable",
            "`nullable` must be `true` or `false`, found \"yes\"",
        ),
        (
            "a `discriminator` without `propertyName`",
            doc("", "  schemas:\n    T: { oneOf: [{ type: string }], discriminator: { mapping: { a: '#/x' } } }\n"),
            "#/components/schemas/T/discriminator",
            "`discriminator` must be an object with a string `propertyName`",
        ),
        (
            "an unknown `type` in a callback's request body",
            doc("  /a:\n    post:\n      callbacks:\n        done:\n          '{$request.body#/url}':\n            post:\n              requestBody: { content: { application/json: { schema: { type: strin } } } }\n              responses: { '204': { description: x } }\n      responses: { '204': { description: x } }\n", ""),
            "#/paths/~1a/post/callbacks/done/{$request.body#~1url}/post/requestBody/content/application~1json/schema",
            "unknown `type` \"strin\"",
        ),
        // Operations.
        (
            "a duplicate operationId",
            doc("  /a:\n    get: { operationId: same, responses: { '204': { description: x } } }\n  /b:\n    get: { operationId: same, responses: { '204': { description: x } } }\n", ""),
            "#/paths/~1b/get",
            "duplicate operationId \"same\" (first at #/paths/~1a/get)",
        ),
        (
            "a path parameter not in the path template",
            doc(&get_a("      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]\n"), ""),
            "#/paths/~1a/get/parameters/0",
            "path parameter \"id\" does not appear in the path template \"/a\"",
        ),
        (
            "a path-item path parameter not in the path template",
            doc("  /a:\n    parameters: [{ name: id, in: path, required: true, schema: { type: string } }]\n    get: { responses: { '204': { description: x } } }\n", ""),
            "#/paths/~1a/parameters/0",
            "path parameter \"id\" does not appear in the path template \"/a\"",
        ),
        (
            "a referenced path parameter not in the path template",
            doc(
                &get_a("      parameters: [{ $ref: '#/components/parameters/Id' }]\n"),
                "  parameters:\n    Id: { name: id, in: path, required: true, schema: { type: string } }\n",
            ),
            "#/paths/~1a/get/parameters/0",
            "path parameter \"id\" does not appear in the path template \"/a\"",
        ),
        (
            "a `{name}` in the path template with no parameter",
            doc("  /a/{id}:\n    get: { responses: { '204': { description: x } } }\n", ""),
            "#/paths/~1a~1{id}/get",
            "path template \"/a/{id}\" has `{id}` but no path parameter of that name",
        ),
        // Unknown types.
        (
            "an unknown `type` of a property",
            doc("", "  schemas:\n    T: { type: object, properties: { a: { type: strin } } }\n"),
            "#/components/schemas/T/properties/a",
            "unknown `type` \"strin\"; expected string, integer, number, boolean, array or object",
        ),
        (
            "an unknown `type` of a response body",
            doc("  /a:\n    get:\n      responses: { '200': { description: x, content: { application/json: { schema: { type: strin } } } } }\n", ""),
            "#/paths/~1a/get/responses/200/content/application~1json/schema",
            "unknown `type` \"strin\"",
        ),
        (
            "an unknown `type` of a parameter",
            doc(&get_a("      parameters: [{ name: q, in: query, schema: { type: int } }]\n"), ""),
            "#/paths/~1a/get/parameters/0/schema",
            "unknown `type` \"int\"",
        ),
        (
            "an unknown `type` of an array's items",
            doc("", "  schemas:\n    T: { type: array, items: { type: date } }\n"),
            "#/components/schemas/T/items",
            "unknown `type` \"date\"",
        ),
        (
            "an OpenAPI 3.1 type list",
            doc("", "  schemas:\n    T: { type: [string, 'null'] }\n"),
            "#/components/schemas/T",
            "unknown `type` an array",
        ),
        (
            "a `type` that is a number",
            doc("", "  schemas:\n    T: { type: object, properties: { a: { type: 7 } } }\n"),
            "#/components/schemas/T/properties/a",
            "unknown `type` 7",
        ),
    ]
}

#[test]
fn every_bad_input_is_a_located_error() {
    let mut failures = Vec::new();
    for (what, spec, location, message) in cases() {
        let found = errors(&spec);
        if !found
            .iter()
            .any(|e| e.location == location && e.message.contains(message))
        {
            failures.push(format!(
                "{what}: expected `{location}: …{message}…`, got {found:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let spec = doc(
        "  /a:\n    get: { operationId: same, responses: { '204': { description: x } } }\n  /b:\n    get: { operationId: same, responses: { '204': { description: x } } }\n",
        "  schemas:\n    T: { type: object, properties: { a: { type: strin }, b: { $ref: '#/components/schemas/Nope' } } }\n",
    );
    let mut found: Vec<String> = errors(&spec).iter().map(ToString::to_string).collect();
    found.sort();
    assert_eq!(
        found,
        [
            "#/components/schemas/T/properties/a: unknown `type` \"strin\"; expected string, integer, number, boolean, array or object",
            "#/components/schemas/T/properties/b: `$ref` \"#/components/schemas/Nope\" points at nothing",
            "#/paths/~1b/get: duplicate operationId \"same\" (first at #/paths/~1a/get)",
        ]
    );
}

#[test]
fn each_error_is_reported_once() {
    let spec = doc(
        &get_a("      parameters: [{ $ref: '#/components/parameters/Nope' }]\n"),
        "",
    );
    assert_eq!(
        errors(&spec),
        [Diagnostic {
            location: "#/paths/~1a/get/parameters/0".to_owned(),
            message: "`$ref` \"#/components/parameters/Nope\" points at nothing".to_owned(),
        }]
    );
}

#[test]
fn data_that_looks_like_a_schema_is_not_checked_as_one() {
    // `example`, `default`, `enum` and extensions hold data: a `type` or `$ref` key there is not a
    // schema's, and a property may be called `type` or `$ref`.
    let spec = doc(
        "",
        "  schemas:\n    T:\n      type: object\n      properties:\n        type: { type: string }\n        $ref: { type: string }\n        x: { type: object, default: { type: weird, $ref: '#/nowhere' } }\n      example: { type: strange, $ref: '#/nothing' }\n      x-note: { type: odd }\n",
    );
    let output = generate(&spec, &Config::new("ok-client")).unwrap_or_else(|e| panic!("{e}"));
    assert!(output.files["src/types.rs"].contains("pub struct T"));
}

#[test]
fn real_world_specs_pass_every_check() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    for path in [
        "spec/resource-servers.yaml",
        "generator/tests/fixtures/specs/keeper.json",
        "generator/tests/fixtures/specs/buildomat.json",
        "generator/tests/fixtures/specs/nexus.json",
        "generator/tests/fixtures/specs/petstore.yaml",
        "generator/tests/fixtures/specs/uspto.json",
        "generator/tests/fixtures/specs/discriminators.yaml",
    ] {
        let text = std::fs::read_to_string(format!("{root}/{path}")).unwrap();
        let output = generate(&text, &Config::new("ok-client"))
            .unwrap_or_else(|errors| panic!("{path}:\n{errors}"));
        assert!(output.files.contains_key("src/types.rs"), "{path}");
    }
}

#[test]
fn names_with_slashes_and_tildes_are_referenced_escaped() {
    let spec = doc(
        "",
        "  schemas:\n    a/b~c: { type: object, properties: { x: { type: string } } }\n    T: { type: object, properties: { y: { $ref: '#/components/schemas/a~1b~0c' } } }\n",
    );
    let output = generate(&spec, &Config::new("ok-client")).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        output.files["src/types.rs"].contains("pub y: Option<ABC>"),
        "{}",
        output.files["src/types.rs"]
    );
}

#[test]
fn a_mistake_deep_in_a_schema_is_found_at_once() {
    // `openapiv3` reads a schema with untagged enums that retry each level when a deeper one
    // fails, so its time doubled with every level (a minute at 30 levels, found by
    // tests/proptest.rs); the checks find the mistake before it reads anything.
    // A document nesting up to 14 levels is read while it is checked (the worst case is then
    // milliseconds); 35 levels deep it is read only once checked.
    for levels in [10, 35] {
        let mut schema = "{ minLength: x }".to_owned();
        for _ in 0..levels {
            schema = format!("{{ type: array, items: {schema} }}");
        }
        let spec = doc("", &format!("  schemas:\n    T: {schema}\n"));
        let started = std::time::Instant::now();
        let found = errors(&spec);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].location,
            format!(
                "#/components/schemas/T{}/minLength",
                "/items".repeat(levels)
            )
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}

#[test]
fn deep_nesting_is_a_located_error_never_a_stack_overflow() {
    // Real documents nest under 20 levels; each stage copes up to 40 (the limit); past the
    // limit the error names the first node too deep, past the parsers' own limit the line.
    for (depth, expected) in [
        (30, None),
        (60, Some("#/components/schemas/T/properties/a/items/items/")),
        (5000, Some("line ")),
    ] {
        let mut yaml = "{ type: string }".to_owned();
        let mut json = r#"{"type": "string"}"#.to_owned();
        for _ in 0..depth {
            yaml = format!("{{ type: array, items: {yaml} }}");
            json = format!(r#"{{"type": "array", "items": {json}}}"#);
        }
        let yaml = doc(
            "",
            &format!("  schemas:\n    T: {{ type: object, properties: {{ a: {yaml} }} }}\n"),
        );
        let json = format!(
            r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{}}, "components": {{"schemas": {{"T": {{"type": "object", "properties": {{"a": {json}}}}}}}}}}}"#
        );
        for text in [yaml, json] {
            match (generate(&text, &Config::new("deep-client")), expected) {
                (Ok(output), None) => assert!(output.files["src/types.rs"].contains("Vec<Vec<")),
                (Err(Errors(errors)), Some(location)) => assert!(
                    errors.len() == 1
                        && errors[0].location.starts_with(location)
                        && (location == "line "
                            || errors[0].message
                                == "nested more than 40 levels deep; the generator reads documents up to that depth"),
                    "{depth}: {errors:?}"
                ),
                (Ok(_), Some(_)) => panic!("{depth}: accepted"),
                (Err(errors), None) => panic!("{depth}: {errors}"),
            }
        }
    }
}
