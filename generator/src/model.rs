//! Stage 2: the document lowered into what the emitter needs: named types, fields, constraints,
//! operations. Every Rust name is decided here, and collisions are resolved here.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind,
    StatusCode, Type,
};
use serde_json::Value;

use crate::load::Document;
use crate::names::{camel, snake, Scope};
use crate::{Diagnostic, Errors};

mod collection;
mod features;

pub use collection::{Collection, ErrorField, IntParam, ListAnswer};
pub use features::{tag_features, Feature, Gate, TagFeatures, UNUSED_TYPES};

/// Everything the emitter needs to write a client.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// `info.title`.
    pub title: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `info.version`.
    pub version: String,
    /// The first entry of `servers`, if any.
    pub server: Option<Server>,
    /// Whether the document declares an HTTP bearer security scheme.
    pub bearer_auth: bool,
    /// The first OAuth2 client-credentials flow the document declares.
    pub client_credentials: Option<ClientCredentials>,
    /// Named types, sorted by name.
    pub types: Vec<TypeDef>,
    /// Operations, in document order.
    pub operations: Vec<Operation>,
    /// The collections the paths show, in the order of their create operations.
    pub collections: Vec<Collection>,
    /// The Cargo feature of each tag, and what each compiles, when the crate has them
    /// ([`crate::Config::tag_features`]; set by [`crate::generate`], not by [`lower`]).
    pub features: Option<TagFeatures>,
}

/// An OAuth2 client-credentials flow.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientCredentials {
    /// `tokenUrl`, maybe relative to the server's origin.
    pub token_url: String,
    /// `x-form-parameters`: extra form fields of the token request (values maybe relative URLs).
    pub form: Vec<(String, String)>,
}

/// A server URL template such as `https://{region}.example.com/v1`.
#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// The template, with `{variable}` placeholders.
    pub url: String,
    /// Its variables, in document order.
    pub variables: Vec<ServerVariable>,
}

/// One `{variable}` of a server URL.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerVariable {
    /// The name in the template.
    pub name: String,
    /// The builder method that sets it.
    pub ident: String,
    /// The default, unless it is a placeholder such as `{NAME}.example.com`.
    pub default: Option<String>,
    /// The description.
    pub description: Option<String>,
}

/// A named type: a struct, an open enum or a union.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDef {
    /// An object schema.
    Struct(Struct),
    /// A string enum.
    Enum(Enum),
    /// A `oneOf` or `anyOf`.
    Union(Union),
}

impl TypeDef {
    /// The Rust name.
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct(s) => &s.name,
            TypeDef::Enum(e) => &e.name,
            TypeDef::Union(u) => &u.name,
        }
    }
}

/// A `oneOf`/`anyOf` as a Rust enum with a variant per member, and one for anything else.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// The Rust name.
    pub name: String,
    /// The JSON pointer of the schema.
    pub at: String,
    /// The description.
    pub doc: Option<String>,
    /// The members. Without a discriminator they are tried in this order, most specific first.
    pub variants: Vec<Variant>,
    /// The `discriminator` property, when every member is told apart by it.
    pub discriminator: Option<String>,
    /// The variant that keeps a value no member accepts (or an unknown tag), as JSON.
    pub other: String,
}

impl Union {
    /// Whether the union writes the discriminator property itself (serde's internally tagged
    /// form), each variant's one tag: every variant is a struct variant ([`Variant::inline`])
    /// that leaves the property out, so a value is built without restating what the variant
    /// already says.
    pub fn writes_tag(&self) -> bool {
        !self.variants.is_empty() && self.variants.iter().all(|v| v.inline)
    }
}

/// A member of a [`Union`].
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The variant name.
    pub ident: String,
    /// The member's type.
    pub shape: Shape,
    /// The discriminator values that select it (empty without a discriminator).
    pub tags: Vec<String>,
    /// Whether the member is an inline object made for this union alone, the struct `shape`
    /// names: it is written as the variant's own fields (`Variant { a, b }`), not as a type of
    /// its own, and that struct is never emitted.
    pub inline: bool,
}

/// An object schema as a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// The Rust name.
    pub name: String,
    /// The JSON pointer of the schema.
    pub at: String,
    /// The description.
    pub doc: Option<String>,
    /// The properties, in document order.
    pub fields: Vec<Field>,
    /// The value shape of `additionalProperties`, when other properties are allowed and kept.
    pub additional: Option<Shape>,
    /// The field name under which additional properties are kept.
    pub additional_ident: String,
    /// `additionalProperties: false`: no property but the listed ones is allowed.
    pub closed: bool,
    /// `dependentRequired`: when the field (an index into `fields`) is present, so must be
    /// these.
    pub dependent_required: Vec<(usize, Vec<usize>)>,
}

/// A property of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The JSON name.
    pub wire: String,
    /// The Rust name.
    pub ident: String,
    /// The description.
    pub doc: Option<String>,
    /// The type and its constraints.
    pub shape: Shape,
    /// Whether the field must be present, and whether it may be `null`.
    pub presence: Presence,
    /// The spec's `default`, for the docs (never filled in by the client).
    pub default: Option<Value>,
    /// `deprecated: true`.
    pub deprecated: bool,
}

/// Whether a field must be present, and whether it may be `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always present, never `null`: `T`.
    Required,
    /// Always present, maybe `null`: `Option<T>`, sent as `null` when `None`.
    RequiredNullable,
    /// Maybe absent, never `null`: `Option<T>`, left out when `None`.
    Optional,
    /// Absent, `null` or a value: `Nullable<T>`.
    OptionalNullable,
}

/// A string enum, open to values the spec does not list.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// The Rust name.
    pub name: String,
    /// The JSON pointer of the schema.
    pub at: String,
    /// The description.
    pub doc: Option<String>,
    /// The listed values, as `(variant, wire value)`.
    pub variants: Vec<(String, String)>,
    /// The variant that keeps any other value.
    pub other: String,
}

/// A type, with the constraints that apply to its values.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A string.
    String(StringRules),
    /// An integer.
    Integer(IntType, Bounds),
    /// A floating-point number.
    Number(FloatType, Bounds),
    /// `true` or `false`.
    Boolean,
    /// An array.
    Array {
        /// The items.
        items: Box<Shape>,
        /// `minItems`.
        min_items: Option<u64>,
        /// `maxItems`.
        max_items: Option<u64>,
        /// `uniqueItems: true`.
        unique: bool,
    },
    /// An object with arbitrary keys (`additionalProperties` only).
    Map(Box<Shape>),
    /// A value that may be `null` (items and map values; fields use [`Presence`]).
    Nullable(Box<Shape>),
    /// A named type.
    Named(String),
    /// A value on the heap, to cut a cycle of types that contain each other.
    Boxed(Box<Shape>),
    /// Any JSON value.
    Any,
}

/// Constraints of a string.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StringRules {
    /// `minLength`, in characters.
    pub min_length: Option<u64>,
    /// `maxLength`, in characters.
    pub max_length: Option<u64>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// Whether the pattern needs a backtracking engine (`fancy-regex`): look-around or
    /// backreferences, which Rust's `regex` does not read.
    pub backtracking: bool,
    /// `format: password` or `x-sensitive: true`: redacted when printed.
    pub secret: bool,
}

/// `minimum`/`maximum`, each with whether it is exclusive, and `multipleOf`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Bounds {
    /// The lower bound.
    pub min: Option<(f64, bool)>,
    /// The upper bound.
    pub max: Option<(f64, bool)>,
    /// `multipleOf` of an integer, checked exactly (a number's is not checked: binary fractions
    /// cannot tell `0.3` from a multiple of `0.1`).
    pub multiple_of: Option<u64>,
}

impl Bounds {
    /// The values within both bounds: the stricter lower and upper bound of the two.
    pub fn and(self, other: Bounds) -> Bounds {
        let pick = |a: Option<(f64, bool)>, b: Option<(f64, bool)>, lower: bool| match (a, b) {
            (Some(a), Some(b)) => Some(if a.0 == b.0 {
                (a.0, a.1 || b.1)
            } else if (a.0 > b.0) == lower {
                a
            } else {
                b
            }),
            (a, b) => a.or(b),
        };
        Bounds {
            min: pick(self.min, other.min, true),
            max: pick(self.max, other.max, false),
            multiple_of: self.multiple_of.or(other.multiple_of),
        }
    }
}

/// A Rust integer type, from `format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum IntType {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

/// A Rust float type, from `format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum FloatType {
    F32,
    F64,
}

/// An operation: one method of the client.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The method name.
    pub ident: String,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template, e.g. `/pets/{id}`.
    pub path: String,
    /// The JSON pointer of the operation.
    pub at: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Whether sending the request twice has the effect of sending it once, so that a retry
    /// cannot duplicate work: the HTTP method's own (GET, HEAD, PUT, DELETE, OPTIONS and TRACE
    /// are idempotent) unless the operation's `x-idempotent` says otherwise.
    pub idempotent: bool,
    /// Parameters: path ones first, in template order, then query and header ones.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// What a 2xx answer holds.
    pub success: Success,
    /// The status of the 2xx answer the spec declares first (200 when it declares a range or
    /// only `default`).
    pub success_status: u16,
    /// The name of the error type: one variant per declared error status, and `Other`.
    pub error_name: String,
    /// The declared error answers, most specific first (codes, then ranges, then `default`).
    pub errors: Vec<ErrorCase>,
    /// How to walk the pages of the list it returns, when it is a page-numbered list.
    pub paging: Option<Paging>,
    /// The struct that holds its query and header parameters (in the generated `params`
    /// module), when it has any; path parameters and the body are arguments of their own.
    pub params_struct: Option<String>,
    /// The names of the method's own local variables, chosen after its parameters'.
    pub locals: Locals,
    /// `tags`, as the document spells them.
    pub tags: Vec<String>,
}

/// The local variables of a generated method, named so that no parameter of the spec is
/// shadowed by one (a query parameter named `query` keeps its name; the local becomes `query_2`).
#[derive(Debug, Clone, PartialEq)]
pub struct Locals {
    /// The URL.
    pub url: String,
    /// The request being built.
    pub request: String,
    /// The query pairs.
    pub query: String,
    /// The argument holding the query and header parameters.
    pub params: String,
    /// The page number, in the pages walker.
    pub page: String,
    /// One per `{...}` of the path template: its value encoded as a path segment.
    pub segments: Vec<String>,
}

/// A page-numbered list: an optional integer `page` query parameter, and an answer that is, or
/// holds, one array.
#[derive(Debug, Clone, PartialEq)]
pub struct Paging {
    /// The argument that is the page number.
    pub page: String,
    /// The first page: the `page` parameter's `minimum`, else 0.
    pub first: i64,
    /// The items of a page.
    pub item: Shape,
    /// Where the items are in the answer.
    pub items: Items,
}

/// Where the items of a page are in an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Items {
    /// The answer is the array.
    Whole,
    /// The answer is an object; the array is this field.
    Field {
        /// The field.
        ident: String,
        /// Whether it is an `Option`.
        optional: bool,
    },
    /// The answer is the named union; each listed variant holds the items (the others hold none).
    Union(String, Vec<ItemsArm>),
}

/// A variant of a union answer that holds the items of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemsArm {
    /// The variant.
    pub variant: String,
    /// Whether the variant is a struct variant ([`Variant::inline`]), whose field holds the
    /// items, rather than one holding a value.
    pub inline: bool,
    /// Where the items are in what the variant holds.
    pub items: Items,
}

/// A declared error answer of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorCase {
    /// The variant name, e.g. `Conflict` for 409.
    pub variant: String,
    /// Which statuses it covers.
    pub status: StatusMatch,
    /// The response's description.
    pub doc: Option<String>,
    /// The JSON body, or `None` when none is declared.
    pub body: Option<Shape>,
}

/// The statuses an [`ErrorCase`] covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// `4XX`: every code from `n * 100` to `n * 100 + 99`.
    Range(u16),
    /// `default`: any status no other case covers.
    Default,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A `{segment}` of the path, percent-encoded.
    Path,
    /// A query parameter.
    Query,
    /// A request header.
    Header,
}

/// A parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The name in the spec.
    pub wire: String,
    /// The Rust argument name.
    pub ident: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type and constraints.
    pub shape: Shape,
    /// Whether it must be given.
    pub required: bool,
    /// For an array in the query: `true` repeats the name (`a=1&a=2`), `false` joins the values (`a=1,2`).
    pub explode: bool,
    /// The description.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// The media type sent as `Content-Type`.
    pub media_type: String,
    /// How it is encoded.
    pub encoding: Encoding,
    /// Whether the body must be given.
    pub required: bool,
}

/// How a body is encoded.
#[derive(Debug, Clone, PartialEq)]
pub enum Encoding {
    /// JSON of the given shape.
    Json(Shape),
    /// `application/x-www-form-urlencoded` fields of the given shape.
    Form(Shape),
    /// Text, as a `String`.
    Text,
    /// Raw bytes.
    Bytes,
}

/// What a 2xx answer holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    /// Nothing (or nothing declared).
    Empty,
    /// JSON of the given shape.
    Json(Shape),
    /// Raw bytes of another media type.
    Bytes,
}

/// Lowers a loaded document into a [`Model`], or fails with every error found.
pub fn lower(document: &Document) -> Result<(Model, Vec<Diagnostic>), Errors> {
    let mut lowerer = Lowerer {
        document,
        types: BTreeMap::new(),
        components: BTreeMap::new(),
        in_progress: BTreeSet::new(),
        component_names: BTreeMap::new(),
        directional: BTreeMap::new(),
        dir: Dir::Response,
        merging: Vec::new(),
        fields: BTreeMap::new(),
        type_names: Scope::with_reserved(&[
            "Client",
            "ClientBuilder",
            "BuildError",
            "Error",
            "ApiError",
            "RateLimit",
            "Nullable",
            "SecretString",
            "Validate",
            "ValidationError",
            "Violation",
            "Rule",
            "FieldPath",
            "Option",
            "Result",
            "String",
            "Vec",
            "Box",
        ]),
        params_names: Scope::with_reserved(&[]),
        warnings: Vec::new(),
        errors: Vec::new(),
    };
    let api = &document.api;
    // Component schemas claim their names first, so an inline type never takes a component's name
    // and a component's name does not depend on where it is first used.
    for name in api.components.iter().flat_map(|c| c.schemas.keys()) {
        let ident = lowerer.type_names.claim(camel(name));
        lowerer.component_names.insert(name.clone(), ident);
    }
    let names: Vec<String> = lowerer.component_names.keys().cloned().collect();
    lowerer.find_directional(&names);
    let operations = lowerer.operations();
    // Component schemas nothing refers to still become types: a spec's types are part of its API.
    lowerer.dir = Dir::Response;
    if let Some(components) = &api.components {
        for name in components.schemas.keys() {
            lowerer.component(
                name,
                &format!("#/components/schemas/{}", pointer_escape(name)),
            );
        }
    }
    box_cycles(&mut lowerer.types);
    let server = api.servers.first().map(|server| {
        let mut idents =
            Scope::with_reserved(&["build", "base_url", "bearer_token", "http_client"]);
        Server {
            url: server.url.clone(),
            variables: server
                .variables
                .iter()
                .flatten()
                .map(|(name, variable)| ServerVariable {
                    name: name.clone(),
                    ident: idents.claim(snake(name)),
                    default: Some(variable.default.clone())
                        .filter(|d| !d.is_empty() && !d.contains('{') && !d.contains('}')),
                    description: text(&variable.description),
                })
                .collect(),
        }
    });
    let bearer_auth = api
        .components
        .iter()
        .flat_map(|c| c.security_schemes.values())
        .any(|scheme| {
            matches!(scheme, ReferenceOr::Item(openapiv3::SecurityScheme::HTTP { scheme, .. })
            if scheme.eq_ignore_ascii_case("bearer"))
        });
    let client_credentials = api
        .components
        .iter()
        .flat_map(|c| c.security_schemes.values())
        .find_map(|scheme| match scheme {
            ReferenceOr::Item(openapiv3::SecurityScheme::OAuth2 { flows, .. }) => {
                flows.client_credentials.as_ref()
            }
            _ => None,
        })
        .map(|flow| ClientCredentials {
            token_url: flow.token_url.clone(),
            form: flow
                .extensions
                .get("x-form-parameters")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter_map(|(key, value)| Some((key.clone(), value.as_str()?.to_owned())))
                .collect(),
        });
    if !lowerer.errors.is_empty() {
        return Err(Errors(lowerer.errors));
    }
    let model = Model {
        title: api.info.title.clone(),
        description: text(&api.info.description),
        version: api.info.version.clone(),
        server,
        bearer_auth,
        client_credentials,
        types: lowerer.types.into_values().collect(),
        operations,
        collections: Vec::new(),
        features: None,
    };
    let model = Model {
        collections: collection::collections(document, &model),
        ..model
    };
    Ok((model, lowerer.warnings))
}

/// `dependentRequired` (carried as `x-dependentRequired` by `normalize`): each property with the
/// properties its presence requires.
fn dependent_required(schema: &Schema) -> Vec<(String, Vec<String>)> {
    let Some(Value::Object(map)) = schema.schema_data.extensions.get("x-dependentRequired") else {
        return Vec::new();
    };
    map.iter()
        .map(|(field, requires)| {
            let requires = requires.as_array().into_iter().flatten();
            let requires = requires.filter_map(|r| r.as_str().map(str::to_owned));
            (field.clone(), requires.collect())
        })
        .collect()
}

/// A `multipleOf` an integer can be checked against exactly: a whole number above 1.
fn integral_multiple(multiple_of: Option<f64>) -> Option<u64> {
    multiple_of
        .filter(|m| m.fract() == 0.0 && *m > 1.0 && *m < u64::MAX as f64)
        .map(|m| m as u64)
}

/// A `description` or `summary` worth writing: one that says something (some documents write
/// `""` everywhere, which is no documentation).
fn text(text: &Option<String>) -> Option<String> {
    text.as_ref().filter(|t| !t.trim().is_empty()).cloned()
}

/// Escapes a name for use in a JSON pointer (RFC 6901).
fn pointer_escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// Which way a value travels. A schema with `readOnly` or `writeOnly` properties gets a type per
/// direction: `readOnly` properties are left out of the request type, `writeOnly` ones out of the
/// response type. Every other schema has one type, keyed [`Dir::Both`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Dir {
    Request,
    Response,
    Both,
}

/// A component schema lowered in one direction.
type Key = (String, Dir);

struct Lowerer<'a> {
    document: &'a Document,
    /// Named types by Rust name (sorted, hence deterministic output).
    types: BTreeMap<String, TypeDef>,
    /// The shape each component schema lowered to.
    components: BTreeMap<Key, Shape>,
    /// Component schemas being lowered, to find `$ref` cycles that no type can break.
    in_progress: BTreeSet<Key>,
    /// The Rust name of each component schema, claimed before anything else.
    component_names: BTreeMap<String, String>,
    /// Whether a component schema has `readOnly`/`writeOnly` properties, itself or inside.
    directional: BTreeMap<String, bool>,
    /// The direction of what is being lowered now.
    dir: Dir,
    /// The pointers of the inline `allOf`s being merged now, to refuse one that is met again
    /// inside what it merges (a struct that would contain itself without end). Properties of a
    /// `$ref`'d member are located at the component, so such a schema is met at the same pointer.
    merging: Vec<String>,
    /// The shape of each property lowered so far, by pointer and direction.
    fields: BTreeMap<(String, Dir), Shape>,
    type_names: Scope,
    /// The names of the operations' parameter structs, a namespace of their own (`params`).
    params_names: Scope,
    warnings: Vec<Diagnostic>,
    errors: Vec<Diagnostic>,
}

/// An `allOf` member with properties: (pointer, the component it is, properties, required,
/// additionalProperties).
type Member<'d> = (
    String,
    Option<&'d str>,
    &'d indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    &'d [String],
    Option<&'d AdditionalProperties>,
);

/// The parts of a schema this generator reads, whichever way `openapiv3` classified it.
#[derive(Default)]
struct View<'a> {
    typ: Option<&'a str>,
    format: Option<&'a str>,
    pattern: Option<&'a str>,
    min_length: Option<usize>,
    max_length: Option<usize>,
    min: Option<(f64, bool)>,
    max: Option<(f64, bool)>,
    properties: Option<&'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>>,
    required: &'a [String],
    additional: Option<&'a AdditionalProperties>,
    items: Option<&'a ReferenceOr<Box<Schema>>>,
    min_items: Option<usize>,
    max_items: Option<usize>,
    unique_items: bool,
    multiple_of: Option<f64>,
    enumeration: Vec<Value>,
    all_of: &'a [ReferenceOr<Schema>],
    one_of: &'a [ReferenceOr<Schema>],
    any_of: &'a [ReferenceOr<Schema>],
    not: bool,
}

fn view(schema: &Schema) -> View<'_> {
    let bound = |value: Option<f64>, exclusive: bool| value.map(|v| (v, exclusive));
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(t)) => View {
            typ: Some("string"),
            format: format_name(&t.format),
            pattern: t.pattern.as_deref(),
            min_length: t.min_length,
            max_length: t.max_length,
            enumeration: t
                .enumeration
                .iter()
                .map(|v| v.clone().map_or(Value::Null, Value::String))
                .collect(),
            ..View::default()
        },
        SchemaKind::Type(Type::Integer(t)) => View {
            typ: Some("integer"),
            format: format_name(&t.format),
            min: bound(t.minimum.map(|v| v as f64), t.exclusive_minimum),
            max: bound(t.maximum.map(|v| v as f64), t.exclusive_maximum),
            multiple_of: t.multiple_of.map(|v| v as f64),
            ..View::default()
        },
        SchemaKind::Type(Type::Number(t)) => View {
            typ: Some("number"),
            format: format_name(&t.format),
            min: bound(t.minimum, t.exclusive_minimum),
            max: bound(t.maximum, t.exclusive_maximum),
            multiple_of: t.multiple_of,
            ..View::default()
        },
        SchemaKind::Type(Type::Boolean(_)) => View {
            typ: Some("boolean"),
            ..View::default()
        },
        SchemaKind::Type(Type::Object(t)) => View {
            typ: Some("object"),
            properties: Some(&t.properties),
            required: &t.required,
            additional: t.additional_properties.as_ref(),
            ..View::default()
        },
        SchemaKind::Type(Type::Array(t)) => View {
            typ: Some("array"),
            items: t.items.as_ref(),
            min_items: t.min_items,
            max_items: t.max_items,
            unique_items: t.unique_items,
            ..View::default()
        },
        SchemaKind::OneOf { one_of } => View {
            one_of,
            ..View::default()
        },
        SchemaKind::AllOf { all_of } => View {
            all_of,
            ..View::default()
        },
        SchemaKind::AnyOf { any_of } => View {
            any_of,
            ..View::default()
        },
        SchemaKind::Not { .. } => View {
            not: true,
            ..View::default()
        },
        SchemaKind::Any(a) => View {
            typ: a.typ.as_deref(),
            format: a.format.as_deref(),
            pattern: a.pattern.as_deref(),
            min_length: a.min_length,
            max_length: a.max_length,
            min: bound(a.minimum, a.exclusive_minimum.unwrap_or(false)),
            max: bound(a.maximum, a.exclusive_maximum.unwrap_or(false)),
            properties: Some(&a.properties).filter(|p| !p.is_empty()),
            required: &a.required,
            additional: a.additional_properties.as_ref(),
            items: a.items.as_ref(),
            min_items: a.min_items,
            max_items: a.max_items,
            unique_items: a.unique_items.unwrap_or(false),
            multiple_of: a.multiple_of,
            enumeration: a.enumeration.clone(),
            all_of: &a.all_of,
            one_of: &a.one_of,
            any_of: &a.any_of,
            not: a.not.is_some(),
        },
    }
}

/// An ECMA-262 pattern (what OpenAPI's `pattern` is) as Rust's engines read it: in a character
/// class, a `-` beside a class escape (`[\w-.]`) is a literal `-` in JavaScript and an error in
/// Rust, so it is escaped. Everything else is left as it is.
fn ecma_class_hyphens(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let is_class_escape = |i: usize| {
        chars.get(i) == Some(&'\\') && chars.get(i + 1).is_some_and(|c| "wWdDsS".contains(*c))
    };
    let mut out = String::with_capacity(pattern.len() + 4);
    let (mut in_class, mut i) = (false, 0);
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            out.extend(chars.get(i..i + 2).unwrap_or(&chars[i..]));
            i += 2;
            continue;
        }
        match c {
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '-' if in_class && ((i >= 2 && is_class_escape(i - 2)) || is_class_escape(i + 1)) => {
                out.push('\\');
            }
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The `format` keyword of a typed schema, as written in the spec.
fn format_name<T: FormatName>(format: &openapiv3::VariantOrUnknownOrEmpty<T>) -> Option<&str> {
    match format {
        openapiv3::VariantOrUnknownOrEmpty::Item(item) => Some(item.name()),
        openapiv3::VariantOrUnknownOrEmpty::Unknown(name) => Some(name),
        openapiv3::VariantOrUnknownOrEmpty::Empty => None,
    }
}

trait FormatName {
    fn name(&self) -> &'static str;
}

impl FormatName for openapiv3::StringFormat {
    fn name(&self) -> &'static str {
        match self {
            openapiv3::StringFormat::Date => "date",
            openapiv3::StringFormat::DateTime => "date-time",
            openapiv3::StringFormat::Password => "password",
            openapiv3::StringFormat::Byte => "byte",
            openapiv3::StringFormat::Binary => "binary",
        }
    }
}

impl FormatName for openapiv3::IntegerFormat {
    fn name(&self) -> &'static str {
        match self {
            openapiv3::IntegerFormat::Int32 => "int32",
            openapiv3::IntegerFormat::Int64 => "int64",
        }
    }
}

impl FormatName for openapiv3::NumberFormat {
    fn name(&self) -> &'static str {
        match self {
            openapiv3::NumberFormat::Float => "float",
            openapiv3::NumberFormat::Double => "double",
        }
    }
}

/// Names a parameter never takes: the body argument, and the names the checks of parameters are
/// written with (`emit::types::check` appends to `out`).
const PARAM_RESERVED: &[&str] = &["body", "self", "out", "violations"];
/// Names a client method may not take: the client's own methods, and the mock server's (which
/// has a method per operation too).
const METHOD_RESERVED: &[&str] = &[
    "new",
    "builder",
    "base_url",
    "clone",
    "with_retry",
    "with_timeout",
    "with_header",
    "start",
    "start_with",
    "uri",
    "client",
    "verify",
    "operations",
];

impl<'a> Lowerer<'a> {
    /// The members of an `allOf` with properties to merge, nested `allOf`s flattened in order,
    /// each as (pointer, properties, required, additionalProperties). A `$ref`'d member is
    /// located at its component.
    fn all_of_members<'d>(
        &mut self,
        all_of: &'d [ReferenceOr<Schema>],
        at: &str,
        members: &mut Vec<Member<'d>>,
        depth: usize,
    ) where
        'a: 'd,
    {
        let document: &'d Document = self.document;
        for (i, member) in all_of.iter().enumerate() {
            let member_at = format!("{at}/allOf/{i}");
            let (schema, name) = match document.schema(member, &member_at) {
                Ok(found) => found,
                Err(error) => {
                    self.errors.push(error);
                    continue;
                }
            };
            let member_at = match name {
                Some(name) => format!("#/components/schemas/{}", pointer_escape(name)),
                None => member_at,
            };
            let mv = view(schema);
            // `check.rs` refuses cycles of `allOf`s alone; the depth only bounds the walk.
            if !mv.all_of.is_empty() && depth < 64 {
                self.all_of_members(mv.all_of, &member_at, members, depth + 1);
            }
            for (keyword, union) in [("oneOf", mv.one_of), ("anyOf", mv.any_of)] {
                if self.has_properties(union) {
                    self.warn(&member_at, format!("`{keyword}` inside an `allOf` member is not merged; its members' properties are left out"));
                }
            }
            if let Some(properties) = mv.properties {
                members.push((member_at, name, properties, mv.required, mv.additional));
            }
        }
    }
}

impl Lowerer<'_> {
    fn warn(&mut self, at: &str, message: impl Into<String>) {
        self.warnings.push(Diagnostic::new(at, message));
    }

    fn error(&mut self, at: &str, message: impl Into<String>) {
        self.errors.push(Diagnostic::new(at, message));
    }

    /// The shape of the component schema `name`, lowering it on first use.
    fn component(&mut self, name: &str, at: &str) -> Shape {
        let dir = if self.is_directional(name) {
            self.dir
        } else {
            Dir::Both
        };
        let key = (name.to_owned(), dir);
        if let Some(shape) = self.components.get(&key) {
            return shape.clone();
        }
        if self.in_progress.contains(&key) {
            self.error(
                at,
                format!("`$ref` cycle through {name:?} with no object or array on the way, so no type can hold it"),
            );
            return Shape::Any;
        }
        let pointer = format!("#/components/schemas/{}", pointer_escape(name));
        let reference = format!("#/components/schemas/{name}");
        let document = self.document;
        let (schema, target) = match document.schema_ref(&reference, at) {
            Ok(found) => found,
            Err(error) => {
                self.errors.push(error);
                return Shape::Any;
            }
        };
        self.in_progress.insert(key.clone());
        let shape = if target != name {
            self.component(target, &pointer)
        } else {
            let hint = match dir {
                Dir::Request => format!("{}Request", self.component_names[name]),
                Dir::Response | Dir::Both => self.component_names[name].clone(),
            };
            self.schema_shape(schema, &pointer, &hint, Some(&key))
        };
        self.in_progress.remove(&key);
        self.components.insert(key, shape.clone());
        shape
    }

    /// The Rust name for a new type: the component's own when this is one, else one made from `hint`.
    fn type_name(&mut self, hint: &str, component: Option<&Key>) -> String {
        match component {
            Some((name, Dir::Both | Dir::Response)) => self.component_names[name].clone(),
            Some((_, Dir::Request)) | None => self.type_names.claim(camel(hint)),
        }
    }

    /// Whether the component schema `name` has `readOnly`/`writeOnly` properties, itself or inside
    /// (as [`Lowerer::find_directional`] worked out).
    fn is_directional(&self, name: &str) -> bool {
        self.directional.get(name).copied().unwrap_or(false)
    }

    /// Works out [`Lowerer::is_directional`] for every component schema: marks those with such
    /// properties of their own, then those referring to a marked one, until nothing changes (so
    /// `$ref` cycles get the same answer whatever the order).
    fn find_directional(&mut self, names: &[String]) {
        let document = self.document;
        loop {
            let mut changed = false;
            for name in names {
                if self.is_directional(name) {
                    continue;
                }
                let reference = format!("#/components/schemas/{name}");
                if document
                    .schema_ref(&reference, "#")
                    .is_ok_and(|(schema, _)| self.schema_directional(schema))
                {
                    self.directional.insert(name.clone(), true);
                    changed = true;
                }
            }
            if !changed {
                return;
            }
        }
    }

    fn schema_directional(&self, schema: &Schema) -> bool {
        let v = view(schema);
        let mut children: Vec<&ReferenceOr<Schema>> = Vec::new();
        children.extend(v.all_of);
        children.extend(v.one_of);
        children.extend(v.any_of);
        if let Some(AdditionalProperties::Schema(values)) = v.additional {
            children.push(values);
        }
        let mut boxed: Vec<&ReferenceOr<Box<Schema>>> = v.items.into_iter().collect();
        boxed.extend(v.properties.into_iter().flat_map(|p| p.values()));
        let document = self.document;
        if let Some(properties) = v.properties {
            for property in properties.values() {
                if let Ok((p, _)) = document.boxed_schema(property, "#") {
                    if p.schema_data.read_only || p.schema_data.write_only {
                        return true;
                    }
                }
            }
        }
        boxed.iter().any(|child| match child {
            ReferenceOr::Item(schema) => self.schema_directional(schema),
            ReferenceOr::Reference { reference } => document
                .schema_ref(reference, "#")
                .is_ok_and(|(_, name)| self.is_directional(name)),
        }) || children.iter().any(|child| match child {
            ReferenceOr::Item(schema) => self.schema_directional(schema),
            ReferenceOr::Reference { reference } => document
                .schema_ref(reference, "#")
                .is_ok_and(|(_, name)| self.is_directional(name)),
        })
    }

    fn shape(&mut self, schema: &ReferenceOr<Schema>, at: &str, hint: &str) -> Shape {
        match schema {
            ReferenceOr::Item(schema) => self.schema_shape(schema, at, hint, None),
            ReferenceOr::Reference { reference } => self.reference(reference, at),
        }
    }

    fn boxed_shape(&mut self, schema: &ReferenceOr<Box<Schema>>, at: &str, hint: &str) -> Shape {
        match schema {
            ReferenceOr::Item(schema) => self.schema_shape(schema, at, hint, None),
            ReferenceOr::Reference { reference } => self.reference(reference, at),
        }
    }

    fn reference(&mut self, reference: &str, at: &str) -> Shape {
        match self.document.schema_ref(reference, at) {
            Ok((_, name)) => self.component(name, at),
            Err(error) => {
                self.errors.push(error);
                Shape::Any
            }
        }
    }

    /// Whether a schema (after `$ref`s) allows `null`.
    fn nullable(&self, schema: &Schema) -> bool {
        self.nullable_within(schema, 0)
    }

    /// [`Lowerer::nullable`], giving up after `depth` single-member compositions: a `oneOf` whose
    /// only member refers back to it never ends otherwise (lowering reports that cycle).
    fn nullable_within(&self, schema: &Schema, depth: usize) -> bool {
        if schema.schema_data.nullable {
            return true;
        }
        let v = view(schema);
        if v.enumeration.iter().any(Value::is_null) {
            return true;
        }
        // `allOf: [$ref]` is how 3.0 documents attach `nullable` or a description to a reference.
        let single = match (v.all_of, v.one_of, v.any_of) {
            ([only], [], []) | ([], [only], []) | ([], [], [only]) => Some(only),
            _ => None,
        };
        match single {
            Some(only) if depth < 64 => self
                .document
                .schema(only, "#")
                .is_ok_and(|(s, _)| self.nullable_within(s, depth + 1)),
            _ => false,
        }
    }

    fn schema_shape(
        &mut self,
        schema: &Schema,
        at: &str,
        hint: &str,
        component: Option<&Key>,
    ) -> Shape {
        let v = view(schema);
        let doc = text(&schema.schema_data.description);
        if v.not {
            self.warn(at, "`not` is not supported; typed as any JSON value");
            return Shape::Any;
        }
        let (members, keyword) = if v.one_of.is_empty() {
            (v.any_of, "anyOf")
        } else {
            (v.one_of, "oneOf")
        };
        if !members.is_empty() {
            if v.properties.is_some_and(|p| !p.is_empty()) || !v.all_of.is_empty() {
                self.warn(at, format!("`{keyword}` beside properties or `allOf` only constrains which properties go together; that is not checked"));
            } else if let [only] = members {
                return self.only_member(only, &format!("{at}/{keyword}/0"), hint, component, doc);
            } else {
                let discriminator = schema.schema_data.discriminator.as_ref();
                return self.union(members, keyword, discriminator, at, hint, component, doc);
            }
        }
        if !v.all_of.is_empty() {
            if !self.all_of_is_object(&v, 0) {
                return self.merged_constraints(&v, at, hint);
            }
            if let ([only], None) = (v.all_of, v.properties) {
                return self.only_member(only, &format!("{at}/allOf/0"), hint, component, doc);
            }
            return self.merged_object(&v, at, hint, component, doc, dependent_required(schema));
        }
        let strings: Option<Vec<String>> = v
            .enumeration
            .iter()
            .filter(|value| !value.is_null())
            .map(|value| value.as_str().map(str::to_owned))
            .collect();
        if let Some(values) = strings.filter(|values| !values.is_empty()) {
            if matches!(v.typ, None | Some("string")) {
                return self.enumeration(at, hint, component, doc, values);
            }
        }
        match v.typ {
            Some("string") => {
                let (pattern, backtracking) = self.pattern(v.pattern, at);
                Shape::String(StringRules {
                    min_length: v.min_length.map(|n| n as u64),
                    max_length: v.max_length.map(|n| n as u64),
                    pattern,
                    backtracking,
                    secret: v.format == Some("password")
                        || schema.schema_data.extensions.get("x-sensitive")
                            == Some(&Value::Bool(true)),
                })
            }
            Some("integer") => Shape::Integer(
                int_type(v.format),
                Bounds {
                    min: v.min,
                    max: v.max,
                    multiple_of: integral_multiple(v.multiple_of),
                },
            ),
            Some("number") => {
                let float = if v.format == Some("float") {
                    FloatType::F32
                } else {
                    FloatType::F64
                };
                Shape::Number(
                    float,
                    Bounds {
                        min: v.min,
                        max: v.max,
                        multiple_of: None,
                    },
                )
            }
            Some("boolean") => Shape::Boolean,
            Some("array") | None if v.items.is_some() || v.typ.is_some() => {
                let items = match v.items {
                    Some(items) => {
                        self.item_shape(items, &format!("{at}/items"), &format!("{hint}Item"))
                    }
                    None => Shape::Any,
                };
                Shape::Array {
                    items: Box::new(items),
                    min_items: v.min_items.map(|n| n as u64),
                    max_items: v.max_items.map(|n| n as u64),
                    unique: v.unique_items,
                }
            }
            Some("object") | None => {
                if v.properties.is_some_and(|p| !p.is_empty()) {
                    let dependent = dependent_required(schema);
                    return self.merged_object(&v, at, hint, component, doc, dependent);
                }
                match (v.typ, v.additional) {
                    (_, Some(AdditionalProperties::Schema(values))) => {
                        let value = self.item_shape_ref(
                            values,
                            &format!("{at}/additionalProperties"),
                            &format!("{hint}Value"),
                        );
                        Shape::Map(Box::new(value))
                    }
                    (Some(_), _) | (None, Some(_)) => Shape::Map(Box::new(Shape::Any)),
                    (None, None) => Shape::Any,
                }
            }
            Some(other) => {
                self.error(at, format!("unknown `type` {other:?}; expected string, integer, number, boolean, array or object"));
                Shape::Any
            }
        }
    }

    /// A composition of one schema is that schema. An inline one is lowered as if it stood in
    /// the composition's place: under the component's name when that is one (not a name made up
    /// beside it), and then with the component's description when it has none of its own
    /// (elsewhere the description is the property's, already on its field).
    fn only_member(
        &mut self,
        only: &ReferenceOr<Schema>,
        at: &str,
        hint: &str,
        component: Option<&Key>,
        doc: Option<String>,
    ) -> Shape {
        match only {
            ReferenceOr::Item(inner)
                if component.is_some()
                    && inner.schema_data.description.is_none()
                    && doc.is_some() =>
            {
                let mut inner = inner.clone();
                inner.schema_data.description = doc;
                self.schema_shape(&inner, at, hint, component)
            }
            ReferenceOr::Item(inner) => self.schema_shape(inner, at, hint, component),
            ReferenceOr::Reference { .. } => self.shape(only, at, hint),
        }
    }

    /// The shape of an array item or map value: nullability becomes part of the shape.
    fn item_shape(&mut self, schema: &ReferenceOr<Box<Schema>>, at: &str, hint: &str) -> Shape {
        let shape = self.boxed_shape(schema, at, hint);
        let resolved = self.document.boxed_schema(schema, at).ok();
        self.with_nullability(shape, resolved.map(|(s, _)| s))
    }

    /// Same as [`Lowerer::item_shape`] for an unboxed schema.
    fn item_shape_ref(&mut self, schema: &ReferenceOr<Schema>, at: &str, hint: &str) -> Shape {
        let shape = self.shape(schema, at, hint);
        let resolved = self.document.schema(schema, at).ok();
        self.with_nullability(shape, resolved.map(|(s, _)| s))
    }

    fn with_nullability(&self, shape: Shape, resolved: Option<&Schema>) -> Shape {
        if resolved.is_some_and(|s| self.nullable(s)) {
            Shape::Nullable(Box::new(shape))
        } else {
            shape
        }
    }

    fn enumeration(
        &mut self,
        at: &str,
        hint: &str,
        component: Option<&Key>,
        doc: Option<String>,
        values: Vec<String>,
    ) -> Shape {
        let name = self.type_name(hint, component);
        if let Some(key) = component {
            self.components
                .insert(key.clone(), Shape::Named(name.clone()));
        }
        let mut idents = Scope::default();
        let mut seen = BTreeSet::new();
        let variants = values
            .into_iter()
            .filter(|value| seen.insert(value.clone()))
            .map(|value| (idents.claim(camel(&value)), value))
            .collect();
        let other = idents.claim("Unknown".to_owned());
        self.types.insert(
            name.clone(),
            TypeDef::Enum(Enum {
                name: name.clone(),
                at: at.to_owned(),
                doc,
                variants,
                other,
            }),
        );
        Shape::Named(name)
    }

    /// A `oneOf`/`anyOf` as a union: tagged by the discriminator when every member is a `$ref`
    /// it can name, else tried in order of specificity.
    #[allow(clippy::too_many_arguments)]
    fn union(
        &mut self,
        members: &[ReferenceOr<Schema>],
        keyword: &str,
        discriminator: Option<&openapiv3::Discriminator>,
        at: &str,
        hint: &str,
        component: Option<&Key>,
        doc: Option<String>,
    ) -> Shape {
        // Members that are all string enums are one enum: `oneOf: [{enum: [a]}, {enum: [b]}]`.
        if let Some(values) = self.string_values(members) {
            return self.enumeration(at, hint, component, doc, values);
        }
        let name = self.type_name(hint, component);
        if let Some(key) = component {
            self.components
                .insert(key.clone(), Shape::Named(name.clone()));
        }
        let document = self.document;
        let implicit = match discriminator {
            Some(_) => None,
            None => self.implicit_tag(members),
        };
        let mut idents = Scope::default();
        let mut variants = Vec::new();
        let mut tagged = discriminator.is_some() || implicit.is_some();
        for (i, member) in members.iter().enumerate() {
            let member_at = format!("{at}/{keyword}/{i}");
            let shape = self.item_shape_ref(member, &member_at, &format!("{name}{}", i + 1));
            let tags = match (discriminator, member) {
                _ if implicit.is_some() => vec![implicit.as_ref().unwrap().1[i].clone()],
                (Some(d), ReferenceOr::Reference { reference }) => {
                    let target = document
                        .schema_ref(reference, &member_at)
                        .ok()
                        .map(|(_, n)| n);
                    let mut tags: Vec<String> = d
                        .mapping
                        .iter()
                        .filter(|(_, to)| {
                            *to == reference
                                || target.is_some_and(|t| {
                                    to.as_str() == t || to.rsplit('/').next() == Some(t)
                                })
                        })
                        .map(|(tag, _)| tag.clone())
                        .collect();
                    if tags.is_empty() {
                        tags.extend(target.map(str::to_owned));
                    }
                    tags
                }
                _ => Vec::new(),
            };
            if tags.is_empty() {
                tagged = false;
            }
            // A member's `title`, else the schema it refers to, else what kind of value it is.
            let label = match member {
                ReferenceOr::Reference { reference } => document
                    .schema_ref(reference, &member_at)
                    .ok()
                    .map(|(_, target)| self.component_names[target].clone()),
                ReferenceOr::Item(schema) => schema.schema_data.title.as_deref().map(camel),
            };
            // An inline member of a union told apart by a property it fixes: named by that value.
            let label = label.or_else(|| match (&implicit, member) {
                (Some((_, values)), ReferenceOr::Item(_)) => Some(camel(&values[i])),
                _ => None,
            });
            let ident = idents.claim(label.unwrap_or_else(|| variant_name(&shape)));
            variants.push(Variant {
                ident,
                shape,
                tags,
                inline: false,
            });
        }
        if discriminator.is_some() && !tagged {
            self.warn(at, "`discriminator` needs every member to be a `$ref`; the members are told apart by their shape instead");
        }
        if let (Some((property, _)), true) = (&implicit, tagged) {
            self.move_tag_to_union(members, &mut variants, property, &format!("{at}/{keyword}"));
        }
        if !tagged {
            for variant in &mut variants {
                variant.tags.clear();
            }
            // serde tries untagged variants in order: the most demanding first.
            let mut keyed: Vec<((u8, std::cmp::Reverse<usize>), Variant)> = variants
                .into_iter()
                .map(|v| (self.specificity(&v.shape), v))
                .collect();
            keyed.sort_by_key(|(key, _)| *key);
            variants = keyed.into_iter().map(|(_, v)| v).collect();
        }
        let other = idents.claim("Unknown".to_owned());
        self.types.insert(
            name.clone(),
            TypeDef::Union(Union {
                name: name.clone(),
                at: at.to_owned(),
                doc,
                variants,
                discriminator: match (discriminator, implicit) {
                    _ if !tagged => None,
                    (Some(d), _) => Some(d.property_name.clone()),
                    (None, implicit) => implicit.map(|(property, _)| property),
                },
                other,
            }),
        );
        Shape::Named(name)
    }

    /// For a union told apart by `property`, which each member fixes to one value: when every
    /// member is an inline object lowered to a struct of its own (at `{members_at}/{i}`, no
    /// additional properties kept), takes the property out of those structs (and the one-value
    /// enum made for it), for the union to write, and makes the variants [`Variant::inline`];
    /// otherwise changes nothing.
    fn move_tag_to_union(
        &mut self,
        members: &[ReferenceOr<Schema>],
        variants: &mut [Variant],
        property: &str,
        members_at: &str,
    ) {
        let mut structs = Vec::new();
        for (i, (member, variant)) in members.iter().zip(variants.iter()).enumerate() {
            let member_at = format!("{members_at}/{i}");
            let (ReferenceOr::Item(_), Shape::Named(name), [_]) =
                (member, &variant.shape, &variant.tags[..])
            else {
                return;
            };
            match self.types.get(name) {
                Some(TypeDef::Struct(s))
                    if s.at == member_at
                        && s.additional.is_none()
                        && s.fields.iter().any(|f| f.wire == property) =>
                {
                    structs.push((name.clone(), member_at));
                }
                _ => return,
            }
        }
        for variant in variants.iter_mut() {
            variant.inline = true;
        }
        for (name, member_at) in structs {
            let Some(TypeDef::Struct(s)) = self.types.get_mut(&name) else {
                unreachable!("checked above")
            };
            let position = s.fields.iter().position(|f| f.wire == property);
            let field = s.fields.remove(position.expect("checked above"));
            // The one-value enum made for the property alone, if that is what it was.
            if let Shape::Named(tag_type) = &field.shape {
                if matches!(self.types.get(tag_type), Some(TypeDef::Enum(e)) if e.at.starts_with(&format!("{member_at}/")))
                {
                    self.types.remove(tag_type);
                }
            }
        }
    }

    /// The values of members that are all string enums, in order, without repeats.
    fn string_values(&self, members: &[ReferenceOr<Schema>]) -> Option<Vec<String>> {
        let mut values = Vec::new();
        for member in members {
            let (schema, _) = self.document.schema(member, "#").ok()?;
            let v = view(schema);
            if !matches!(v.typ, None | Some("string")) || v.enumeration.is_empty() {
                return None;
            }
            for value in v.enumeration.iter().filter(|v| !v.is_null()) {
                let value = value.as_str()?.to_owned();
                if !values.contains(&value) {
                    values.push(value);
                }
            }
        }
        Some(values)
    }

    /// A property every member requires and fixes to its own single string (`type: {enum: [circle]}`),
    /// which tells the members apart as a discriminator would; with the value of each member.
    fn implicit_tag(&self, members: &[ReferenceOr<Schema>]) -> Option<(String, Vec<String>)> {
        let document = self.document;
        let objects: Vec<View<'_>> = members
            .iter()
            .map(|m| document.schema(m, "#").ok().map(|(s, _)| view(s)))
            .collect::<Option<_>>()?;
        let first = objects.first()?;
        'candidates: for property in first.required {
            let mut tags = Vec::new();
            for object in &objects {
                if !object.required.contains(property) {
                    continue 'candidates;
                }
                let Some(schema) = object.properties.and_then(|p| p.get(property)) else {
                    continue 'candidates;
                };
                let Ok((schema, _)) = document.boxed_schema(schema, "#") else {
                    continue 'candidates;
                };
                match view(schema).enumeration.as_slice() {
                    [Value::String(tag)] if !tags.contains(tag) => tags.push(tag.clone()),
                    _ => continue 'candidates,
                }
            }
            return Some((property.clone(), tags));
        }
        None
    }

    /// The order in which untagged union members are tried: arrays first (serde would also read
    /// `[]` as a struct whose fields all have defaults), then structs with more required fields
    /// (an object with fewer would also accept their values), then the looser shapes.
    fn specificity(&self, shape: &Shape) -> (u8, std::cmp::Reverse<usize>) {
        use std::cmp::Reverse;
        match shape {
            Shape::Named(name) => match self.types.get(name) {
                Some(TypeDef::Struct(s)) => {
                    let required = s
                        .fields
                        .iter()
                        .filter(|f| {
                            matches!(f.presence, Presence::Required | Presence::RequiredNullable)
                        })
                        .count();
                    (1, Reverse(required * 1000 + s.fields.len()))
                }
                Some(TypeDef::Union(_)) => (2, Reverse(1)),
                Some(TypeDef::Enum(_)) => (3, Reverse(0)),
                None => (2, Reverse(1)),
            },
            Shape::Boxed(inner) | Shape::Nullable(inner) => self.specificity(inner),
            Shape::Array { .. } => (0, Reverse(0)),
            // Within a rank, a larger number inside `Reverse` is tried first.
            Shape::Map(_) => (2, Reverse(0)),
            Shape::Boolean => (3, Reverse(3)),
            Shape::Integer(..) => (3, Reverse(2)),
            Shape::Number(..) => (3, Reverse(1)),
            Shape::String(_) => (4, Reverse(0)),
            Shape::Any => (5, Reverse(0)),
        }
    }

    /// An object, or the merge of `allOf` members and the schema's own properties, as one struct.
    fn merged_object(
        &mut self,
        v: &View<'_>,
        at: &str,
        hint: &str,
        component: Option<&Key>,
        doc: Option<String>,
        dependent: Vec<(String, Vec<String>)>,
    ) -> Shape {
        let name = self.type_name(hint, component);
        if let Some(key) = component {
            self.components
                .insert(key.clone(), Shape::Named(name.clone()));
        }
        let doc = match component {
            Some((source, Dir::Request)) => Some(format!(
                "{}The request form of [`{}`]: its read-only properties are left out.",
                doc.map(|d| format!("{d}\n\n")).unwrap_or_default(),
                self.component_names[source],
            )),
            Some((_, Dir::Response)) => Some(format!(
                "{}Write-only properties are left out: they are only ever sent.",
                doc.map(|d| format!("{d}\n\n")).unwrap_or_default(),
            )),
            _ => doc,
        };
        let document = self.document;
        if component.is_none() && self.merging.iter().any(|m| m == at) {
            self.error(at, "this `allOf` merges a schema that contains it: the type would contain itself without end");
            return Shape::Any;
        }
        self.merging.push(at.to_owned());
        // (pointer of the member, its properties, its required list, its additionalProperties)
        let mut members = Vec::new();
        self.all_of_members(v.all_of, at, &mut members, 0);
        if let Some(properties) = v.properties {
            let own = component.map(|(name, _)| name.as_str());
            members.push((at.to_owned(), own, properties, v.required, v.additional));
        }
        let mut idents = Scope::default();
        let mut fields: Vec<Field> = Vec::new();
        let mut additional = None;
        let mut closed = false;
        for (member_at, owner, properties, required, extra) in members {
            for (wire, property) in properties {
                let field_at = format!("{member_at}/properties/{}", pointer_escape(wire));
                let resolved = document.boxed_schema(property, &field_at).ok();
                let data = resolved.map(|(s, _)| &s.schema_data);
                let skip = match self.dir {
                    Dir::Request => data.is_some_and(|d| d.read_only),
                    Dir::Response => data.is_some_and(|d| d.write_only),
                    Dir::Both => false,
                };
                if skip {
                    continue;
                }
                // A property of a component merged into several structs is one type, lowered
                // once and named for the component.
                let directional = resolved.is_some_and(|(s, _)| self.schema_directional(s));
                let key = (field_at, if directional { self.dir } else { Dir::Both });
                let shape = match self.fields.get(&key) {
                    Some(shape) => shape.clone(),
                    None => {
                        let hint = match owner.and_then(|o| self.component_names.get(o)) {
                            Some(owner) if !directional => format!("{owner}{}", camel(wire)),
                            _ => format!("{name}{}", camel(wire)),
                        };
                        let shape = self.boxed_shape(property, &key.0, &hint);
                        self.fields.insert(key, shape.clone());
                        shape
                    }
                };
                let nullable = resolved.is_some_and(|(s, _)| self.nullable(s));
                let presence = match (required.contains(wire), nullable) {
                    (true, false) => Presence::Required,
                    (true, true) => Presence::RequiredNullable,
                    (false, false) => Presence::Optional,
                    (false, true) => Presence::OptionalNullable,
                };
                let field = Field {
                    wire: wire.clone(),
                    ident: String::new(),
                    doc: data.and_then(|d| text(&d.description)),
                    shape,
                    presence,
                    default: data.and_then(|d| d.default.clone()),
                    deprecated: data.is_some_and(|d| d.deprecated),
                };
                // A later `allOf` member restating a property replaces it.
                match fields.iter_mut().find(|f| f.wire == *wire) {
                    Some(existing) => {
                        *existing = Field {
                            ident: existing.ident.clone(),
                            ..field
                        }
                    }
                    None => fields.push(Field {
                        ident: idents.claim(snake(wire)),
                        ..field
                    }),
                }
            }
            match extra {
                Some(AdditionalProperties::Any(true)) => additional = Some(Shape::Any),
                Some(AdditionalProperties::Schema(values)) => {
                    additional = Some(self.item_shape_ref(
                        values,
                        &format!("{member_at}/additionalProperties"),
                        &format!("{name}Value"),
                    ))
                }
                Some(AdditionalProperties::Any(false)) => closed = true,
                None => {}
            }
        }
        self.merging.pop();
        let additional_ident = idents.claim("additional_properties".to_owned());
        let closed = closed && additional.is_none();
        // `dependentRequired` between fields the struct has (a name it lacks cannot be present).
        let index = |wire: &str| fields.iter().position(|f| f.wire == wire);
        let dependent_required = dependent
            .iter()
            .filter_map(|(field, requires)| {
                Some((
                    index(field)?,
                    requires.iter().filter_map(|r| index(r)).collect(),
                ))
            })
            .collect();
        self.types.insert(
            name.clone(),
            TypeDef::Struct(Struct {
                name: name.clone(),
                at: at.to_owned(),
                doc,
                fields,
                additional,
                additional_ident,
                closed,
                dependent_required,
            }),
        );
        Shape::Named(name)
    }

    /// Whether any of `schemas` (after `$ref`s) declares properties.
    fn has_properties(&self, schemas: &[ReferenceOr<Schema>]) -> bool {
        schemas.iter().any(|schema| {
            self.document
                .schema(schema, "#")
                .is_ok_and(|(s, _)| view(s).properties.is_some_and(|p| !p.is_empty()))
        })
    }

    /// Whether an `allOf` (with the keywords beside it) describes an object or a union, rather
    /// than a string, number or array with constraints added by each member.
    fn all_of_is_object(&self, v: &View<'_>, depth: usize) -> bool {
        if v.typ == Some("object")
            || v.properties.is_some()
            || v.additional.is_some()
            || !v.one_of.is_empty()
            || !v.any_of.is_empty()
            || depth >= 64
        {
            return true;
        }
        v.all_of.iter().any(|member| {
            self.document
                .schema(member, "#")
                .is_ok_and(|(s, _)| self.all_of_is_object(&view(s), depth + 1))
        })
    }

    /// An `allOf` of strings, numbers or arrays: the first member's type with every member's
    /// constraints, and those beside the `allOf`. Members that only annotate (a `description`)
    /// add nothing.
    fn merged_constraints(&mut self, v: &View<'_>, at: &str, hint: &str) -> Shape {
        let mut shape = Shape::Any;
        for (i, member) in v.all_of.iter().enumerate() {
            let member_at = format!("{at}/allOf/{i}");
            let next = self.shape(member, &member_at, hint);
            shape = self.intersect(shape, next, &member_at);
        }
        self.constrain(shape, v, at)
    }

    /// A `pattern` the generated crate can check, and whether it needs a backtracking engine
    /// (look-around, backreferences); `None` with a warning when neither engine reads it.
    fn pattern(&mut self, pattern: Option<&str>, at: &str) -> (Option<String>, bool) {
        let Some(pattern) = pattern else {
            return (None, false);
        };
        if regex_syntax::Parser::new().parse(pattern).is_ok() {
            return (Some(pattern.to_owned()), false);
        }
        let pattern = ecma_class_hyphens(pattern);
        if regex_syntax::Parser::new().parse(&pattern).is_ok() {
            return (Some(pattern), false);
        }
        match fancy_regex::Regex::new(&pattern) {
            Ok(_) => (Some(pattern), true),
            Err(error) => {
                self.warn(at, format!("`pattern` {pattern:?} is not a regular expression Rust's `regex` or `fancy-regex` reads ({error}); it is not checked"));
                (None, false)
            }
        }
    }

    /// `shape` with the constraints `v` adds (`minLength`, `maximum`, `maxItems`, ...).
    fn constrain(&mut self, shape: Shape, v: &View<'_>, at: &str) -> Shape {
        let (pattern, backtracking) = self.pattern(v.pattern, at);
        let rules = StringRules {
            min_length: v.min_length.map(|n| n as u64),
            max_length: v.max_length.map(|n| n as u64),
            pattern,
            backtracking,
            secret: v.format == Some("password"),
        };
        let bounds = Bounds {
            min: v.min,
            max: v.max,
            multiple_of: integral_multiple(v.multiple_of),
        };
        let added = match v.typ {
            Some("string") => Shape::String(rules),
            Some("integer") => Shape::Integer(int_type(v.format), bounds),
            Some("number") => Shape::Number(FloatType::F64, bounds),
            Some("array") => Shape::Array {
                items: Box::new(Shape::Any),
                min_items: v.min_items.map(|n| n as u64),
                max_items: v.max_items.map(|n| n as u64),
                unique: v.unique_items,
            },
            _ => match &shape {
                Shape::String(_) => Shape::String(rules),
                Shape::Integer(t, _) => Shape::Integer(*t, bounds),
                Shape::Number(t, _) => Shape::Number(*t, bounds),
                Shape::Array { .. } => Shape::Array {
                    items: Box::new(Shape::Any),
                    min_items: v.min_items.map(|n| n as u64),
                    max_items: v.max_items.map(|n| n as u64),
                    unique: v.unique_items,
                },
                _ => Shape::Any,
            },
        };
        self.intersect(shape, added, at)
    }

    /// A value of both shapes: the stricter of each constraint. Shapes of different types keep
    /// the first, with a warning at `at`.
    fn intersect(&mut self, first: Shape, second: Shape, at: &str) -> Shape {
        let stricter = |a: Option<u64>, b: Option<u64>, pick: fn(u64, u64) -> u64| match (a, b) {
            (Some(a), Some(b)) => Some(pick(a, b)),
            (a, b) => a.or(b),
        };
        match (first, second) {
            (Shape::Any, shape) | (shape, Shape::Any) => shape,
            (Shape::String(a), Shape::String(b)) => {
                // Two patterns: one that matches where both match somewhere (look-ahead).
                let (pattern, backtracking) = match (a.pattern, b.pattern) {
                    (Some(first), Some(second)) if first != second => {
                        let both = format!(r"^(?=[\s\S]*?(?:{first}))(?=[\s\S]*?(?:{second}))");
                        self.pattern(Some(&both), at)
                    }
                    (first, second) => (first.or(second), a.backtracking || b.backtracking),
                };
                Shape::String(StringRules {
                    min_length: stricter(a.min_length, b.min_length, u64::max),
                    max_length: stricter(a.max_length, b.max_length, u64::min),
                    pattern,
                    backtracking,
                    secret: a.secret || b.secret,
                })
            }
            (Shape::Integer(t, a), Shape::Integer(_, b)) => Shape::Integer(t, a.and(b)),
            (Shape::Number(t, a), Shape::Number(_, b)) => Shape::Number(t, a.and(b)),
            (
                Shape::Array {
                    items,
                    min_items,
                    max_items,
                    unique,
                },
                Shape::Array {
                    items: other,
                    min_items: min2,
                    max_items: max2,
                    unique: unique2,
                },
            ) => Shape::Array {
                unique: unique || unique2,
                items: if *items == Shape::Any { other } else { items },
                min_items: stricter(min_items, min2, u64::max),
                max_items: stricter(max_items, max2, u64::min),
            },
            // An enum or a union with a length or range added: its values are its own.
            (
                named @ Shape::Named(_),
                Shape::String(_) | Shape::Integer(..) | Shape::Number(..),
            ) => named,
            (first, second) if first == second => first,
            (first, _) => {
                self.warn(
                    at,
                    "`allOf` of values of different types: only the first member's type is used",
                );
                first
            }
        }
    }

    fn operations(&mut self) -> Vec<Operation> {
        let document = self.document;
        let mut methods = Scope::with_reserved(METHOD_RESERVED);
        let mut operations = Vec::new();
        let mut operation_ids = BTreeMap::new();
        for (path, item) in &document.api.paths.paths {
            let item_at = format!("#/paths/{}", pointer_escape(path));
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    self.error(&item_at, "path item `$ref`s are not supported");
                    continue;
                }
            };
            for (method, op) in item.iter() {
                let at = format!("{item_at}/{method}");
                if let Some(id) = &op.operation_id {
                    if let Some(first) = operation_ids.insert(id.clone(), at.clone()) {
                        self.error(
                            &at,
                            format!("duplicate operationId {id:?} (first at {first})"),
                        );
                        continue;
                    }
                }
                let name = op
                    .extensions
                    .get("x-rust-method-name")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .or_else(|| op.operation_id.clone())
                    .unwrap_or_else(|| format!("{method} {path}"));
                let ident = methods.claim(snake(&name));
                if let Some(operation) =
                    self.operation(path, method, op, &item.parameters, &at, ident)
                {
                    operations.push(operation);
                }
            }
        }
        operations
    }

    fn operation(
        &mut self,
        path: &str,
        method: &str,
        op: &openapiv3::Operation,
        shared: &[ReferenceOr<Parameter>],
        at: &str,
        ident: String,
    ) -> Option<Operation> {
        let document = self.document;
        let type_hint = camel(&ident);
        let mut idents = Scope::with_reserved(PARAM_RESERVED);
        let mut fields = Scope::with_reserved(&["self"]);
        // Operation parameters override path-item ones with the same name and location.
        let mut resolved: Vec<(&Parameter, String)> = Vec::new();
        for (list, list_at) in [
            (shared, format!("{}/parameters", at.rsplit_once('/')?.0)),
            (&op.parameters[..], format!("{at}/parameters")),
        ] {
            for (i, parameter) in list.iter().enumerate() {
                let p_at = format!("{list_at}/{i}");
                match document.parameter(parameter, &p_at) {
                    Ok(parameter) => {
                        let data = parameter.parameter_data_ref();
                        resolved.retain(|(p, _)| {
                            !(p.parameter_data_ref().name == data.name
                                && std::mem::discriminant(*p) == std::mem::discriminant(parameter))
                        });
                        resolved.push((parameter, p_at));
                    }
                    Err(error) => self.errors.push(error),
                }
            }
        }
        let template: Vec<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        let mut params = Vec::new();
        self.dir = Dir::Request;
        for (parameter, p_at) in resolved {
            let (location, data) = match parameter {
                Parameter::Path { parameter_data, .. } => (ParamLocation::Path, parameter_data),
                Parameter::Query { parameter_data, .. } => (ParamLocation::Query, parameter_data),
                Parameter::Header { parameter_data, .. } => (ParamLocation::Header, parameter_data),
                Parameter::Cookie { parameter_data, .. } => {
                    self.warn(
                        &p_at,
                        format!(
                            "cookie parameter {:?} is not supported and is never sent",
                            parameter_data.name
                        ),
                    );
                    continue;
                }
            };
            if location == ParamLocation::Path && !template.contains(&data.name.as_str()) {
                self.error(
                    &p_at,
                    format!(
                        "path parameter {:?} does not appear in the path template {path:?}",
                        data.name
                    ),
                );
                continue;
            }
            let shape = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => self.shape(
                    schema,
                    &format!("{p_at}/schema"),
                    &format!("{type_hint}{}", camel(&data.name)),
                ),
                ParameterSchemaOrContent::Content(_) => {
                    self.warn(
                        &p_at,
                        "parameter `content` is not supported; sent as a plain string",
                    );
                    Shape::String(StringRules::default())
                }
            };
            // What is sent as text must print as text: strings, numbers, enums and unions
            // (`Display`), and arrays of them.
            let is_struct = |name: &str| matches!(self.types.get(name), Some(TypeDef::Struct(_)));
            let shape = match shape {
                Shape::Any | Shape::Map(_) | Shape::Nullable(_) => {
                    self.warn(&p_at, "parameter of this type is sent as a plain string");
                    Shape::String(StringRules::default())
                }
                Shape::Named(ref name) if is_struct(name) => {
                    self.warn(
                        &p_at,
                        "object parameters are not supported; sent as a plain string",
                    );
                    Shape::String(StringRules::default())
                }
                Shape::Array {
                    ref items,
                    min_items,
                    max_items,
                    unique,
                } if matches!(
                    &**items,
                    Shape::Any
                        | Shape::Map(_)
                        | Shape::Nullable(_)
                        | Shape::Array { .. }
                        | Shape::Boxed(_)
                ) || matches!(&**items, Shape::Named(name) if is_struct(name)) =>
                {
                    self.warn(
                        &p_at,
                        "arrays of objects or arrays are not supported as parameters; each item is sent as a plain string",
                    );
                    Shape::Array {
                        items: Box::new(Shape::String(StringRules::default())),
                        min_items,
                        max_items,
                        unique,
                    }
                }
                shape => shape,
            };
            params.push(Param {
                wire: data.name.clone(),
                // Path parameters are arguments, beside the method's locals; the others are
                // fields of the parameters struct, a namespace of their own.
                ident: match location {
                    ParamLocation::Path => idents.claim(snake(&data.name)),
                    _ => fields.claim(snake(&data.name)),
                },
                location,
                shape,
                required: data.required || location == ParamLocation::Path,
                // `form` style, the query's default, explodes unless told otherwise.
                explode: data.explode.unwrap_or(true),
                doc: text(&data.description),
                deprecated: data.deprecated.unwrap_or(false),
            });
        }
        for name in &template {
            if !params
                .iter()
                .any(|p| p.location == ParamLocation::Path && p.wire == *name)
            {
                self.error(at, format!("path template {path:?} has `{{{name}}}` but no path parameter of that name"));
            }
        }
        params.sort_by_key(|p| match p.location {
            ParamLocation::Path => (0, template.iter().position(|n| *n == p.wire).unwrap_or(0)),
            ParamLocation::Query | ParamLocation::Header => (1, 0),
        });

        let body = match &op.request_body {
            None => None,
            Some(body) => {
                let body_at = format!("{at}/requestBody");
                match document.request_body(body, &body_at) {
                    Ok(body) => self.body(body, &body_at, &type_hint),
                    Err(error) => {
                        self.errors.push(error);
                        None
                    }
                }
            }
        };

        let locals = Locals {
            url: idents.claim("url".to_owned()),
            request: idents.claim("request".to_owned()),
            query: idents.claim("query".to_owned()),
            params: idents.claim("params".to_owned()),
            page: idents.claim("page".to_owned()),
            segments: (0..path.matches('{').count())
                .map(|i| idents.claim(format!("segment_{i}")))
                .collect(),
        };
        self.dir = Dir::Response;
        let mut success = None;
        let error_name = self.type_names.claim(format!("{type_hint}Error"));
        let mut variants = Scope::with_reserved(&["Other"]);
        let mut errors: Vec<ErrorCase> = Vec::new();
        let mut success_status = 200;
        let responses = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| (Some(code), r));
        for (code, response) in responses.chain(op.responses.default.iter().map(|r| (None, r))) {
            let r_at = match code {
                Some(code) => format!("{at}/responses/{code}"),
                None => format!("{at}/responses/default"),
            };
            let response = match document.response(response, &r_at) {
                Ok(response) => response,
                Err(error) => {
                    self.errors.push(error);
                    continue;
                }
            };
            let is_success = match code {
                Some(StatusCode::Code(code)) => (200..300).contains(code),
                Some(StatusCode::Range(range)) => *range == 2,
                None => {
                    success.is_none()
                        && op.responses.responses.keys().all(|c| {
                            !matches!(c, StatusCode::Code(200..=299) | StatusCode::Range(2))
                        })
                }
            };
            let json = response
                .content
                .iter()
                .find(|(media, _)| is_json(media))
                .map(|(_, media)| media.schema.as_ref());
            if is_success {
                if success.is_none() {
                    success_status = match code {
                        Some(StatusCode::Code(code)) => *code,
                        _ => 200,
                    };
                    success = Some(match json {
                        Some(Some(schema)) => Success::Json(self.shape(
                            schema,
                            &format!("{r_at}/content"),
                            &format!("{type_hint}Response"),
                        )),
                        Some(None) => Success::Json(Shape::Any),
                        None if response.content.is_empty() => Success::Empty,
                        None => Success::Bytes,
                    });
                }
            } else {
                let body = match json {
                    Some(Some(schema)) => Some(self.shape(
                        schema,
                        &format!("{r_at}/content"),
                        &format!("{type_hint}ErrorResponse"),
                    )),
                    Some(None) => Some(Shape::Any),
                    None => None,
                };
                let status = match code {
                    Some(StatusCode::Code(code)) => StatusMatch::Code(*code),
                    Some(StatusCode::Range(range)) => StatusMatch::Range(*range),
                    None => StatusMatch::Default,
                };
                errors.push(ErrorCase {
                    variant: variants.claim(status_variant(status)),
                    status,
                    doc: Some(response.description.clone()).filter(|d| !d.is_empty()),
                    body,
                });
            }
        }
        // Codes before ranges before `default`, so the first match is the most specific.
        errors.sort_by_key(|case| match case.status {
            StatusMatch::Code(_) => 0,
            StatusMatch::Range(_) => 1,
            StatusMatch::Default => 2,
        });
        let success = success.unwrap_or(Success::Empty);
        let paging = self.paging(&params, &success);
        let idempotent = self.idempotent(method, op, at);
        let params_struct = params
            .iter()
            .any(|p| p.location != ParamLocation::Path)
            .then(|| self.params_names.claim(format!("{type_hint}Params")));
        Some(Operation {
            ident,
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            at: at.to_owned(),
            summary: text(&op.summary),
            description: text(&op.description),
            deprecated: op.deprecated,
            idempotent,
            params,
            body,
            success,
            success_status,
            error_name,
            errors,
            paging,
            params_struct,
            locals,
            tags: op.tags.clone(),
        })
    }

    /// Whether the operation is idempotent (see [`Operation::idempotent`]): `x-idempotent: true`
    /// or `false` when the operation has it (anything else is ignored with a warning), else the
    /// method's own.
    fn idempotent(&mut self, method: &str, op: &openapiv3::Operation, at: &str) -> bool {
        let by_method = matches!(
            method.to_ascii_uppercase().as_str(),
            "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "TRACE"
        );
        match op.extensions.get("x-idempotent") {
            None => by_method,
            Some(Value::Bool(idempotent)) => *idempotent,
            Some(other) => {
                self.warn(
                    &format!("{at}/x-idempotent"),
                    format!("`x-idempotent` must be `true` or `false`, not {other}; ignored"),
                );
                by_method
            }
        }
    }

    /// Recognizes a page-numbered list (see [`Paging`]).
    fn paging(&self, params: &[Param], success: &Success) -> Option<Paging> {
        let page = params.iter().find(|p| {
            p.location == ParamLocation::Query
                && !p.required
                && matches!(p.shape, Shape::Integer(..))
                && p.wire == "page"
        })?;
        let Success::Json(shape) = success else {
            return None;
        };
        let (item, items) = self.items(shape)?;
        let first = match &page.shape {
            Shape::Integer(
                _,
                Bounds {
                    min: Some((min, exclusive)),
                    ..
                },
            ) => *min as i64 + i64::from(*exclusive),
            _ => 0,
        };
        Some(Paging {
            page: page.ident.clone(),
            first,
            item,
            items,
        })
    }

    /// The item shape of a list answer, and where the items are.
    fn items(&self, shape: &Shape) -> Option<(Shape, Items)> {
        match shape {
            Shape::Array { items, .. } => Some(((**items).clone(), Items::Whole)),
            Shape::Named(name) => match self.types.get(name)? {
                TypeDef::Struct(s) => {
                    let mut arrays = s
                        .fields
                        .iter()
                        .filter_map(|f| match (&f.shape, f.presence) {
                            (
                                Shape::Array { items, .. },
                                Presence::Required | Presence::Optional,
                            ) => Some(((**items).clone(), f)),
                            _ => None,
                        });
                    let (item, field) = arrays.next()?;
                    if arrays.next().is_some() {
                        return None;
                    }
                    let optional = field.presence == Presence::Optional;
                    Some((
                        item,
                        Items::Field {
                            ident: field.ident.clone(),
                            optional,
                        },
                    ))
                }
                TypeDef::Union(u) => {
                    let mut item = None;
                    let mut arms = Vec::new();
                    for variant in &u.variants {
                        if let Some((shape, items)) = self.items(&variant.shape) {
                            if item.get_or_insert_with(|| shape.clone()) != &shape {
                                return None;
                            }
                            arms.push(ItemsArm {
                                variant: variant.ident.clone(),
                                inline: variant.inline,
                                items,
                            });
                        }
                    }
                    Some((item?, Items::Union(u.name.clone(), arms)))
                }
                TypeDef::Enum(_) => None,
            },
            _ => None,
        }
    }

    fn body(&mut self, body: &openapiv3::RequestBody, at: &str, type_hint: &str) -> Option<Body> {
        let pick = |want: fn(&str) -> bool| body.content.iter().find(|(media, _)| want(media));
        let (media_type, encoding) = if let Some((media, content)) = pick(is_json) {
            let shape = match &content.schema {
                Some(schema) => self.shape(
                    schema,
                    &format!("{at}/content"),
                    &format!("{type_hint}Body"),
                ),
                None => Shape::Any,
            };
            (media.clone(), Encoding::Json(shape))
        } else if let Some((media, content)) = pick(|m| {
            m.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        }) {
            let shape = match &content.schema {
                Some(schema) => self.shape(
                    schema,
                    &format!("{at}/content"),
                    &format!("{type_hint}Form"),
                ),
                None => Shape::Map(Box::new(Shape::String(StringRules::default()))),
            };
            (media.clone(), Encoding::Form(shape))
        } else if let Some((media, _)) = pick(|m| m.starts_with("text/")) {
            (media.clone(), Encoding::Text)
        } else if let Some((media, _)) = body.content.first() {
            (media.clone(), Encoding::Bytes)
        } else {
            self.warn(at, "request body without content is ignored");
            return None;
        };
        Some(Body {
            media_type,
            encoding,
            required: body.required,
        })
    }
}

/// The variant name of a union member: its type's name, or what kind of value it is.
fn variant_name(shape: &Shape) -> String {
    match shape {
        Shape::Named(name) => name.clone(),
        Shape::Array { items, .. } => match &**items {
            Shape::Named(name) => format!("{name}List"),
            _ => "Array".to_owned(),
        },
        Shape::Boxed(inner) | Shape::Nullable(inner) => variant_name(inner),
        Shape::String(_) => "String".to_owned(),
        Shape::Integer(..) => "Integer".to_owned(),
        Shape::Number(..) => "Number".to_owned(),
        Shape::Boolean => "Boolean".to_owned(),
        Shape::Map(_) => "Map".to_owned(),
        Shape::Any => "Value".to_owned(),
    }
}

/// Boxes every reference from a type to a type of its own cycle (found as strongly connected
/// components of "holds a value of" edges; arrays and maps are already on the heap), so each
/// type has a finite size.
fn box_cycles(types: &mut BTreeMap<String, TypeDef>) {
    fn held(shape: &Shape, out: &mut Vec<String>) {
        match shape {
            Shape::Named(name) => out.push(name.clone()),
            Shape::Nullable(inner) => held(inner, out),
            _ => {}
        }
    }
    let names: Vec<&String> = types.keys().collect();
    let index: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = types
        .values()
        .map(|t| {
            let mut out = Vec::new();
            match t {
                TypeDef::Struct(s) => s.fields.iter().for_each(|f| held(&f.shape, &mut out)),
                TypeDef::Union(u) => u.variants.iter().for_each(|v| held(&v.shape, &mut out)),
                TypeDef::Enum(_) => {}
            }
            out.iter()
                .filter_map(|n| index.get(n.as_str()).copied())
                .collect()
        })
        .collect();
    let component = strongly_connected(&edges);
    let mut boxes: Vec<(String, String)> = Vec::new();
    for (from, targets) in edges.iter().enumerate() {
        for &to in targets {
            if component[from] == component[to] {
                boxes.push((names[from].clone(), names[to].clone()));
            }
        }
    }
    fn boxed(shape: &mut Shape, target: &str) {
        match shape {
            Shape::Named(name) if name == target => {
                *shape = Shape::Boxed(Box::new(Shape::Named(name.clone())))
            }
            Shape::Nullable(inner) => boxed(inner, target),
            _ => {}
        }
    }
    for (from, to) in boxes {
        match types.get_mut(&from) {
            Some(TypeDef::Struct(s)) => s.fields.iter_mut().for_each(|f| boxed(&mut f.shape, &to)),
            Some(TypeDef::Union(u)) => u.variants.iter_mut().for_each(|v| boxed(&mut v.shape, &to)),
            _ => {}
        }
    }
}

/// Tarjan's algorithm: the strongly connected component of each node (iterative, so deep
/// chains of types cannot overflow the stack).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const NONE: usize = usize::MAX;
    let n = edges.len();
    let (mut index, mut low, mut component) = (vec![NONE; n], vec![0; n], vec![NONE; n]);
    let (mut on_stack, mut stack) = (vec![false; n], Vec::new());
    let (mut next_index, mut next_component) = (0, 0);
    for root in 0..n {
        if index[root] != NONE {
            continue;
        }
        let mut work = vec![(root, 0)];
        while let Some((node, child)) = work.pop() {
            if child == 0 {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            } else {
                let previous = edges[node][child - 1];
                low[node] = low[node].min(low[previous]);
            }
            let mut descended = false;
            for (i, &next) in edges[node].iter().enumerate().skip(child) {
                if index[next] == NONE {
                    work.push((node, i + 1));
                    work.push((next, 0));
                    descended = true;
                    break;
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
            }
            if descended {
                continue;
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

/// The variant name for a status: its reason phrase (`409` is `Conflict`), `ClientError` for `4XX`.
fn status_variant(status: StatusMatch) -> String {
    let name = match status {
        StatusMatch::Code(code) => match code {
            300 => "MultipleChoices",
            301 => "MovedPermanently",
            302 => "Found",
            303 => "SeeOther",
            304 => "NotModified",
            307 => "TemporaryRedirect",
            308 => "PermanentRedirect",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            415 => "UnsupportedMediaType",
            422 => "UnprocessableEntity",
            423 => "Locked",
            428 => "PreconditionRequired",
            429 => "TooManyRequests",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            other => return format!("Status{other}"),
        },
        StatusMatch::Range(3) => "Redirection",
        StatusMatch::Range(4) => "ClientError",
        StatusMatch::Range(5) => "ServerError",
        StatusMatch::Range(other) => return format!("Status{other}xx"),
        StatusMatch::Default => "Default",
    };
    name.to_owned()
}

/// `application/json`, `application/json; charset=utf-8`, `application/problem+json`, ...
fn is_json(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

fn int_type(format: Option<&str>) -> IntType {
    match format {
        Some("int8") => IntType::I8,
        Some("int16") => IntType::I16,
        Some("int32") => IntType::I32,
        Some("uint8") => IntType::U8,
        Some("uint16") => IntType::U16,
        Some("uint32" | "uint") => IntType::U32,
        Some("uint64") => IntType::U64,
        _ => IntType::I64,
    }
}
