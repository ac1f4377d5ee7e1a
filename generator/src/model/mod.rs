//! Stage 2: the document lowered into what the emitter needs: named types ([`Struct`], [`Enum`],
//! [`Union`]), fields with their [`Presence`], [`Shape`]s carrying their constraints, and
//! [`Operation`]s. Every Rust name is decided here (with `names.rs`), collisions included; errors
//! are collected, each at its JSON pointer.
//!
//! [`lower`] works in this order: component schemas claim their Rust names first (so an inline type
//! never takes a component's name, and a component's name does not depend on where it is first
//! used); the components that need a type per direction are found (`dir.rs`); the operations are
//! lowered (`operation.rs`), and the schemas they use with them, each on first use (`schema.rs`,
//! `union.rs`, `merge.rs`); the components nothing used are lowered too (a spec's types are part of
//! its API); cycles are boxed (`cycles.rs`). On the finished model, the fake's collections are
//! found (`collection.rs`) and each type's [`Usage`] (`usage.rs`) decides what emit writes for it,
//! so emit only prints. `view.rs` gives lowering one view of a schema's keywords; `paging.rs`
//! recognizes page-numbered lists; `server.rs` reads the server URL and authentication.
//!
//! This stage does not check again what `check.rs` refuses before the document is read (duplicate
//! `operationId`s, path parameters against the path template, unknown `type`s); it reports what
//! only lowering finds, such as a `$ref` cycle through a one-member `oneOf`.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::load::Document;
use crate::names::{camel, Scope};
use crate::normalize::escape as pointer_escape;
use crate::{Diagnostic, Errors};

mod collection;
mod cycles;
mod dir;
mod features;
mod merge;
mod operation;
mod paging;
mod schema;
mod server;
mod union;
mod usage;
mod view;

use cycles::box_cycles;
use dir::{Dir, Key};
use server::{bearer_auth, client_credentials, server};

pub use collection::{Collection, ErrorField, IntParam, ListAnswer};
pub use features::{tag_features, Feature, Gate, TagFeatures, UNUSED_TYPES};
pub use usage::{PatternEngine, Usage};

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
    /// Where each named type is used, and what follows for how it is written.
    pub usage: Usage,
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

impl Shape {
    /// The shape of the values inside the arrays, maps, nullables and boxes around them (a
    /// `Vec<Option<String>>`'s string).
    pub fn innermost(&self) -> &Shape {
        let mut shape = self;
        while let Shape::Array { items: inner, .. }
        | Shape::Map(inner)
        | Shape::Nullable(inner)
        | Shape::Boxed(inner) = shape
        {
            shape = inner;
        }
        shape
    }
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
    /// The name of its marker type in the generated `mock` module, a namespace of its own.
    pub mock_marker: String,
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

/// A page-numbered list: a `GET` without a body, with an optional integer `page` query
/// parameter, and an answer that is, or holds, one array.
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
    let mut lowerer = Lowerer::new(document);
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
    let server = server(api);
    let bearer_auth = bearer_auth(api);
    let client_credentials = client_credentials(api);
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
        usage: Usage::default(),
    };
    let model = Model {
        collections: collection::collections(document, &model, &mut lowerer.mock_names),
        usage: Usage::of(&model),
        ..model
    };
    Ok((model, lowerer.warnings))
}

/// A `description` or `summary` worth writing: one that says something (some documents write
/// `""` everywhere, which is no documentation).
fn text(text: &Option<String>) -> Option<String> {
    text.as_ref().filter(|t| !t.trim().is_empty()).cloned()
}

struct Lowerer<'a> {
    document: &'a Document,
    /// Named types by Rust name (sorted, hence deterministic output).
    types: BTreeMap<String, TypeDef>,
    /// The shape each component schema lowered to.
    components: BTreeMap<Key, Shape>,
    /// Component schemas being lowered, outermost first, each with the length of `building` when
    /// it began: to find `$ref` cycles that no type can break.
    in_progress: Vec<(Key, usize)>,
    /// How many of the components in `in_progress` are lowered again inside themselves (a cycle
    /// through an array or map component, broken by a named type on the way).
    reentered: usize,
    /// The Rust name of each component schema, claimed before anything else.
    component_names: BTreeMap<String, String>,
    /// Whether a component schema has `readOnly`/`writeOnly` properties, itself or inside.
    directional: BTreeMap<String, bool>,
    /// The direction of what is being lowered now.
    dir: Dir,
    /// The structs and unions being built now, by pointer, with their names: to refuse an inline
    /// `allOf` met again inside what it merges (a struct that would contain itself without end;
    /// properties of a `$ref`'d member are located at the component, so such a schema is met at
    /// the same pointer), and to name the type met again where a component is lowered again
    /// inside itself (`Lowerer::component`).
    building: Vec<(String, String)>,
    /// The shape of each property lowered so far, by pointer and direction.
    fields: BTreeMap<(String, Dir), Shape>,
    type_names: Scope,
    /// The names of the operations' parameter structs, a namespace of their own (`params`).
    params_names: Scope,
    /// The names of the `mock` module's marker types: the operations', then the collections'.
    mock_names: Scope,
    /// How each `pattern` met so far is checked (`schema::read_pattern`).
    patterns: HashMap<String, Result<(String, bool), String>>,
    warnings: Vec<Diagnostic>,
    errors: Vec<Diagnostic>,
}

impl<'a> Lowerer<'a> {
    fn new(document: &'a Document) -> Lowerer<'a> {
        Lowerer {
            document,
            types: BTreeMap::new(),
            components: BTreeMap::new(),
            in_progress: Vec::new(),
            reentered: 0,
            component_names: BTreeMap::new(),
            directional: BTreeMap::new(),
            dir: Dir::Response,
            building: Vec::new(),
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
            mock_names: Scope::with_reserved(operation::MOCK_RESERVED),
            patterns: HashMap::new(),
            warnings: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn warn(&mut self, at: &str, message: impl Into<String>) {
        self.warnings.push(Diagnostic::new(at, message));
    }

    fn error(&mut self, at: &str, message: impl Into<String>) {
        self.errors.push(Diagnostic::new(at, message));
    }
}
