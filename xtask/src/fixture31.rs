//! `cargo xtask fixture-31 --out FILE`: a synthetic OpenAPI 3.1 document of the size of Auth0's whole
//! Management API document (452 operations, 245 paths, 2,698 schemas), built deterministically so
//! that megabytes need not be checked in.
//!
//! The shapes are modelled on `spec/reference/`: resources with list (a `oneOf` of an array and a
//! page object), create, get, update and delete; request and response schemas with nullable
//! `type` arrays, open enums (some listing `null`, some without `type`), nested objects, arrays, maps,
//! `$ref`s with a `description` or an `x-` extension beside them, `const`, `examples` and numeric
//! `exclusiveMinimum`/`exclusiveMaximum`; error answers without a body; `jsonSchemaDialect`,
//! `webhooks` and `components/pathItems`.

use serde_json::{json, Map, Value};

/// Resources with eight operations each (list, create, get, update, delete, get and update their
/// settings, list their roles) on four paths, and 51 schemas.
const FULL_RESOURCES: usize = 50;
/// Enums and nested objects per full resource.
const PARTS: usize = 20;
/// Single-path resources; the first [`SMALL_WITH_POST`] also take a `POST`.
const SMALL_RESOURCES: usize = 45;
const SMALL_WITH_POST: usize = 7;

/// What a document of Auth0's size holds.
pub const OPERATIONS: usize = FULL_RESOURCES * 8 + SMALL_RESOURCES + SMALL_WITH_POST;
/// Paths of the document.
pub const PATHS: usize = FULL_RESOURCES * 4 + SMALL_RESOURCES;
/// Schemas of the document.
pub const SCHEMAS: usize =
    FULL_RESOURCES * (2 * PARTS + 11) + SMALL_RESOURCES * 3 + SMALL_WITH_POST + SHARED;
const SHARED: usize = 6;

/// The document, as JSON text (about 3 MB), the same bytes on every call.
pub fn synthesize() -> String {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    let mut path_items = Map::new();
    shared_schemas(&mut schemas);
    for i in 0..FULL_RESOURCES {
        full_resource(i, &mut paths, &mut schemas);
    }
    for j in 0..SMALL_RESOURCES {
        small_resource(j, &mut paths, &mut path_items, &mut schemas);
    }
    let document = json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Synthetic Management API",
            "description": "A document of the size and shapes of Auth0's Management API v2.",
            "version": "2.0"
        },
        "servers": [{
            "url": "https://{tenantDomain}/api/v2",
            "variables": { "tenantDomain": { "default": "{TENANT}.auth0.com", "description": "Tenant domain" } }
        }],
        "security": [{ "bearerAuth": [] }],
        "paths": paths,
        "webhooks": {
            "resourceChanged": { "post": {
                "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Resource0" } } } },
                "responses": { "200": { "description": "Received." } }
            } }
        },
        "components": {
            "schemas": schemas,
            "pathItems": path_items,
            "securitySchemes": {
                "bearerAuth": { "type": "http", "scheme": "bearer", "bearerFormat": "jwt" },
                "oAuth2ClientCredentials": {
                    "type": "oauth2",
                    "flows": { "clientCredentials": {
                        "tokenUrl": "/oauth/token/",
                        "x-form-parameters": { "audience": "/api/v2/" },
                        "scopes": { "read:all": "Read everything", "update:all": "Update everything" }
                    } }
                }
            }
        }
    });
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn json_body(schema: Value) -> Value {
    json!({ "application/json": { "schema": schema } })
}

/// Error answers as Auth0 declares them: a description and no body.
fn errors(statuses: &[&str], scope: &str) -> Map<String, Value> {
    statuses
        .iter()
        .map(|status| {
            let description = match *status {
                "400" => "Invalid request. The message will vary depending on the cause.".to_owned(),
                "401" => "Invalid token.".to_owned(),
                "403" => format!("Insufficient scope; expected any of: {scope}."),
                "404" => "Not found.".to_owned(),
                "409" => "Conflict.".to_owned(),
                _ => "Too many requests. Check the X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset headers.".to_owned(),
            };
            (status.to_string(), json!({ "description": description }))
        })
        .collect()
}

fn operation(id: &str, summary: &str, scope: &str) -> Map<String, Value> {
    let mut operation = Map::new();
    operation.insert("summary".into(), summary.into());
    operation.insert("operationId".into(), id.into());
    operation.insert("x-release-lifecycle".into(), "GA".into());
    operation.insert(
        "security".into(),
        json!([{ "bearerAuth": [] }, { "oAuth2ClientCredentials": [scope] }]),
    );
    operation
}

fn with(mut operation: Map<String, Value>, key: &str, value: Value) -> Map<String, Value> {
    operation.insert(key.into(), value);
    operation
}

fn id_parameter() -> Value {
    json!({ "name": "id", "in": "path", "required": true, "description": "ID of the resource.", "schema": { "type": "string" } })
}

fn shared_schemas(schemas: &mut Map<String, Value>) {
    schemas.insert(
        "Metadata".into(),
        json!({ "type": "object", "description": "Free-form metadata.", "additionalProperties": { "type": "string", "maxLength": 255 } }),
    );
    schemas.insert(
        "Timestamp".into(),
        json!({ "type": "string", "format": "date-time", "examples": ["2026-01-01T00:00:00.000Z"] }),
    );
    schemas.insert(
        "PageInfo".into(),
        json!({ "type": "object", "properties": {
            "start": { "type": "number" }, "limit": { "type": "number" }, "total": { "type": "number" }
        } }),
    );
    schemas.insert(
        "LifecycleEnum".into(),
        json!({ "type": "string", "enum": ["GA", "EA", "beta", "deprecated"] }),
    );
    schemas.insert(
        "AnyValue".into(),
        json!({ "description": "Any JSON value." }),
    );
    schemas.insert(
        "NullableNote".into(),
        json!({ "type": ["string", "null"], "maxLength": 1000 }),
    );
}

fn full_resource(i: usize, paths: &mut Map<String, Value>, schemas: &mut Map<String, Value>) {
    let name = format!("Resource{i}");
    let scope_read = "read:all";
    let scope_update = "update:all";
    for k in 0..PARTS {
        let values: Vec<Value> = (0..(2 + k % 5))
            .map(|v| Value::from(format!("value-{k}-{v}")))
            .collect();
        let enumeration = match k % 4 {
            // Nullable, listing null, as ResourceServerConsentPolicyEnum.
            0 => {
                let mut values = values;
                values.push(Value::Null);
                json!({ "type": ["string", "null"], "enum": values })
            }
            // Without `type`, as ResourceServerTokenEncryptionFormatEnum.
            1 => json!({ "description": format!("Format {k}."), "enum": values }),
            _ => {
                json!({ "type": "string", "description": format!("Mode {k} of the resource."), "enum": values, "default": values[0] })
            }
        };
        schemas.insert(format!("{name}Part{k}Enum"), enumeration);
        let typ = if k % 3 == 0 {
            json!(["object", "null"])
        } else {
            json!("object")
        };
        let nested = json!({
            "type": typ,
            "description": format!("Part {k} of the resource."),
            "additionalProperties": k % 2 == 0,
            "required": ["key"],
            "properties": {
                "key": { "type": "string", "minLength": 1, "maxLength": 128, "examples": ["key-1", "key-2"] },
                "mode": { "$ref": format!("#/components/schemas/{name}Part{k}Enum"), "description": "The mode, described beside the reference." },
                "weight": { "type": ["number", "null"], "exclusiveMinimum": 0, "exclusiveMaximum": 1 },
                "retries": { "type": "integer", "minimum": 0, "maximum": 10 },
                "labels": { "type": "array", "items": { "type": "string", "pattern": "^[a-z0-9-]+$" }, "maxItems": 20 },
                "extra": { "type": ["array", "null"], "items": {} }
            }
        });
        schemas.insert(format!("{name}Part{k}"), nested);
    }
    let mut entity = Map::new();
    entity.insert(
        "id".into(),
        json!({ "type": "string", "description": "ID of the resource." }),
    );
    entity.insert("name".into(), json!({ "type": "string", "description": "Friendly name. Can not contain `<` or `>` characters.", "maxLength": 200, "pattern": "^[^<>]+$" }));
    entity.insert(
        "description".into(),
        json!({ "type": ["string", "null"], "maxLength": 500 }),
    );
    entity.insert(
        "kind".into(),
        json!({ "const": "resource", "description": "Always `resource`." }),
    );
    entity.insert("created_at".into(), reference("Timestamp"));
    entity.insert(
        "count".into(),
        json!({ "type": "integer", "exclusiveMinimum": 0, "description": "How many." }),
    );
    entity.insert(
        "enabled".into(),
        json!({ "type": "boolean", "default": true }),
    );
    entity.insert("metadata".into(), reference("Metadata"));
    entity.insert("note".into(), reference("NullableNote"));
    entity.insert(
        "lifecycle".into(),
        json!({ "$ref": "#/components/schemas/LifecycleEnum", "x-release-lifecycle": "EA" }),
    );
    for k in 0..PARTS {
        entity.insert(format!("part_{k}"), reference(&format!("{name}Part{k}")));
    }
    entity.insert(
        "parts".into(),
        json!({ "type": "array", "items": reference(&format!("{name}Part0")) }),
    );
    entity.insert("scopes".into(), json!({ "type": "array", "description": "Permissions (scopes) of the resource.", "items": reference(&format!("{name}Scope")) }));
    schemas.insert(
        format!("{name}Scope"),
        json!({ "type": "object", "additionalProperties": false, "required": ["value"], "properties": {
            "value": { "type": "string", "minLength": 1, "maxLength": 280 },
            "description": { "type": "string", "maxLength": 500 }
        } }),
    );
    let entity = json!({ "type": "object", "additionalProperties": false, "properties": entity });

    // Request schemas: the writable subset; response schemas: the entity's properties.
    let mut request = entity.clone();
    if let Some(properties) = request["properties"].as_object_mut() {
        properties.shift_remove("id");
        properties.shift_remove("created_at");
        properties.insert("secret".into(), json!({ "type": "string", "minLength": 16, "description": "Secret used to sign tokens.", "writeOnly": true }));
    }
    let mut create = request.clone();
    create["required"] = json!(["name"]);
    schemas.insert(name.clone(), entity.clone());
    schemas.insert(format!("Create{name}RequestContent"), create);
    schemas.insert(format!("Create{name}ResponseContent"), entity.clone());
    schemas.insert(format!("Get{name}ResponseContent"), entity.clone());
    schemas.insert(format!("Update{name}RequestContent"), request);
    schemas.insert(format!("Update{name}ResponseContent"), entity);
    schemas.insert(
        format!("List{name}OffsetPaginatedResponseContent"),
        json!({ "type": "object", "additionalProperties": false, "properties": {
            "start": { "type": "number" }, "limit": { "type": "number" }, "total": { "type": "number" },
            "items": { "type": "array", "items": reference(&name) }
        } }),
    );
    schemas.insert(
        format!("List{name}ResponseContent"),
        json!({ "oneOf": [
            { "type": "array", "items": reference(&name) },
            reference(&format!("List{name}OffsetPaginatedResponseContent"))
        ] }),
    );
    schemas.insert(
        format!("{name}Settings"),
        json!({ "type": "object", "properties": {
            "flags": { "type": "object", "additionalProperties": { "type": "boolean" } },
            "mode": reference(&format!("{name}Part2Enum")),
            "limit": { "type": ["integer", "null"], "minimum": 1, "maximum": 1000 }
        } }),
    );
    schemas.insert(
        format!("{name}RolesResponseContent"),
        json!({ "type": "array", "items": { "type": "object", "properties": {
            "id": { "type": "string" }, "name": { "type": "string" }, "description": { "type": ["string", "null"] }
        } } }),
    );

    let collection = format!("/resources-{i}");
    let item = format!("{collection}/{{id}}");
    let list = with(
        operation(&format!("get_resources-{i}"), "List resources", scope_read),
        "parameters",
        json!([
            { "name": "ids", "in": "query", "style": "form", "explode": true, "description": "Filter on IDs; may be repeated.", "schema": { "type": "array", "items": { "type": "string", "minLength": 1 } } },
            { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 0 } },
            { "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 100 } },
            { "name": "include_totals", "in": "query", "schema": { "type": "boolean" } }
        ]),
    );
    let mut list_answers = errors(&["400", "401", "403", "429"], scope_read);
    list_answers.shift_insert(0, "200".into(), json!({ "description": "Retrieved.", "content": json_body(reference(&format!("List{name}ResponseContent"))) }));
    let list = with(list, "responses", Value::Object(list_answers));
    let mut create_answers = errors(&["400", "401", "403", "409", "429"], scope_update);
    create_answers.shift_insert(0, "201".into(), json!({ "description": "Created.", "content": json_body(reference(&format!("Create{name}ResponseContent"))) }));
    let create = with(
        with(
            operation(
                &format!("post_resources-{i}"),
                "Create a resource",
                scope_update,
            ),
            "requestBody",
            json!({ "content": json_body(reference(&format!("Create{name}RequestContent"))) }),
        ),
        "responses",
        Value::Object(create_answers),
    );
    paths.insert(collection.clone(), json!({ "get": list, "post": create }));

    let mut get_answers = errors(&["400", "401", "403", "404", "429"], scope_read);
    get_answers.shift_insert(0, "200".into(), json!({ "description": "Retrieved.", "content": json_body(reference(&format!("Get{name}ResponseContent"))) }));
    let get = with(
        with(
            operation(
                &format!("get_resources-{i}_by_id"),
                "Get a resource",
                scope_read,
            ),
            "parameters",
            json!([id_parameter(), { "name": "include_fields", "in": "query", "schema": { "type": "boolean" } }]),
        ),
        "responses",
        Value::Object(get_answers),
    );
    let mut update_answers = errors(&["400", "401", "403", "404", "409", "429"], scope_update);
    update_answers.shift_insert(0, "200".into(), json!({ "description": "Updated.", "content": json_body(reference(&format!("Update{name}ResponseContent"))) }));
    let update = with(
        with(
            with(
                operation(
                    &format!("patch_resources-{i}_by_id"),
                    "Update a resource",
                    scope_update,
                ),
                "parameters",
                json!([id_parameter()]),
            ),
            "requestBody",
            json!({ "required": true, "content": json_body(reference(&format!("Update{name}RequestContent"))) }),
        ),
        "responses",
        Value::Object(update_answers),
    );
    let mut delete_answers = errors(&["400", "401", "403", "429"], scope_update);
    delete_answers.shift_insert(0, "204".into(), json!({ "description": "Deleted." }));
    let delete = with(
        with(
            operation(
                &format!("delete_resources-{i}_by_id"),
                "Delete a resource",
                scope_update,
            ),
            "parameters",
            json!([id_parameter()]),
        ),
        "responses",
        Value::Object(delete_answers),
    );
    paths.insert(
        item.clone(),
        json!({ "get": get, "patch": update, "delete": delete }),
    );

    let mut settings_answers = errors(&["401", "403", "404", "429"], scope_read);
    settings_answers.shift_insert(0, "200".into(), json!({ "description": "The settings.", "content": json_body(reference(&format!("{name}Settings"))) }));
    let settings_get = with(
        with(
            operation(
                &format!("get_resources-{i}_settings"),
                "Get the settings",
                scope_read,
            ),
            "parameters",
            json!([id_parameter()]),
        ),
        "responses",
        Value::Object(settings_answers.clone()),
    );
    let settings_patch = with(
        with(
            with(
                operation(
                    &format!("patch_resources-{i}_settings"),
                    "Update the settings",
                    scope_update,
                ),
                "parameters",
                json!([id_parameter()]),
            ),
            "requestBody",
            json!({ "content": json_body(reference(&format!("{name}Settings"))) }),
        ),
        "responses",
        Value::Object(settings_answers),
    );
    paths.insert(
        format!("{item}/settings"),
        json!({ "get": settings_get, "patch": settings_patch }),
    );
    let mut roles_answers = errors(&["401", "403", "429"], scope_read);
    roles_answers.shift_insert(0, "200".into(), json!({ "description": "The roles.", "content": json_body(reference(&format!("{name}RolesResponseContent"))) }));
    let roles = with(
        with(
            operation(
                &format!("get_resources-{i}_roles"),
                "List the roles",
                scope_read,
            ),
            "parameters",
            json!([id_parameter(), { "name": "per_page", "in": "query", "schema": { "type": ["integer", "null"], "exclusiveMaximum": 101 } }]),
        ),
        "responses",
        Value::Object(roles_answers),
    );
    paths.insert(format!("{item}/roles"), json!({ "get": roles }));
}

fn small_resource(
    j: usize,
    paths: &mut Map<String, Value>,
    path_items: &mut Map<String, Value>,
    schemas: &mut Map<String, Value>,
) {
    let name = format!("Stat{j}");
    schemas.insert(
        format!("{name}KindEnum"),
        json!({ "type": "string", "enum": ["daily", "weekly", "monthly"] }),
    );
    schemas.insert(
        format!("{name}StateEnum"),
        json!({ "type": ["string", "null"], "enum": ["on", "off", null] }),
    );
    schemas.insert(
        format!("{name}ResponseContent"),
        json!({ "type": "object", "required": ["kind"], "properties": {
            "kind": reference(&format!("{name}KindEnum")),
            "state": { "$ref": format!("#/components/schemas/{name}StateEnum"), "description": "The state, or null." },
            "value": { "type": ["number", "null"], "examples": [1.5] },
            "history": { "type": "array", "items": { "type": "integer", "format": "int64" } },
            "details": { "type": "object", "additionalProperties": true }
        } }),
    );
    let mut answers = errors(&["400", "401", "403", "429"], "read:all");
    answers.shift_insert(0, "200".into(), json!({ "description": "The statistic.", "content": json_body(reference(&format!("{name}ResponseContent"))) }));
    let get = with(
        operation(&format!("get_stats-{j}"), "Get a statistic", "read:all"),
        "responses",
        Value::Object(answers),
    );
    let mut item = Map::new();
    item.insert("get".into(), Value::Object(get));
    if j < SMALL_WITH_POST {
        schemas.insert(
            format!("{name}RequestContent"),
            json!({ "type": "object", "properties": { "kind": reference(&format!("{name}KindEnum")), "reset": { "const": true } } }),
        );
        let mut answers = errors(&["400", "401", "403", "429"], "update:all");
        answers.shift_insert(0, "204".into(), json!({ "description": "Recorded." }));
        let post = with(
            with(
                operation(
                    &format!("post_stats-{j}"),
                    "Record a statistic",
                    "update:all",
                ),
                "requestBody",
                json!({ "content": json_body(reference(&format!("{name}RequestContent"))) }),
            ),
            "responses",
            Value::Object(answers),
        );
        item.insert("post".into(), Value::Object(post));
    }
    let path = format!("/stats-{j}");
    // Every third one is kept in components/pathItems and referred to.
    if j % 3 == 0 {
        path_items.insert(name.clone(), Value::Object(item));
        paths.insert(
            path,
            json!({ "$ref": format!("#/components/pathItems/{name}") }),
        );
    } else {
        paths.insert(path, Value::Object(item));
    }
}
