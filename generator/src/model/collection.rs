//! Collections: where the paths show one (`POST /things` creates, `GET /things/{id}` reads;
//! `GET /things` lists, `PATCH` or `PUT /things/{id}` updates and `DELETE /things/{id}` deletes
//! when the spec has them), what the in-memory fake (`emit/mock.rs`) needs to know of it. Found
//! from paths and methods alone; what the spec cannot say is read from the create operation's
//! `x-fake-*` extensions and the list operation's `x-totals-parameter`.

use serde_json::Value;

use super::{
    Model, Operation, ParamLocation, Presence, Shape, StatusMatch, Struct, Success, TypeDef,
};
use crate::load::Document;
use crate::names::{camel, snake, Scope};

/// A collection of resources, as the in-memory fake keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Collection {
    /// The Rust name of its accessor, from the path (`/pet-owners` → `pet_owners`).
    pub ident: String,
    /// The Rust name of its marker type in the `mock` module (claimed after the operations').
    pub marker: String,
    /// The collection's path, e.g. `/things`.
    pub path: String,
    /// The path of one resource, e.g. `/things/{id}`.
    pub item_path: String,
    /// The operations (indices into [`Model::operations`]).
    pub create: usize,
    /// Reads one resource.
    pub read: usize,
    /// Lists them.
    pub list: Option<usize>,
    /// Updates one (PATCH, else PUT).
    pub update: Option<usize>,
    /// Deletes one.
    pub delete: Option<usize>,
    /// The field the server assigns the id to: `x-fake-id-field`, else `id`.
    pub id: String,
    /// Whether the id is an integer (else a string).
    pub id_integer: bool,
    /// Other fields whose value also finds a resource where its id goes (`x-fake-keys`).
    pub keys: Vec<String>,
    /// Fields no two resources share: a create or update that would is 409 (`x-fake-unique`).
    pub unique: Vec<String>,
    /// Fields the server sets on create, whatever the request says (`x-fake-assigned`).
    pub assigned: Vec<(String, Value)>,
    /// The `default`s the create answer's properties declare, filled when the request has none.
    pub defaults: Vec<(String, Value)>,
    /// The error body: each required field of the declared error schema (the read's 404, else
    /// the create's first error with an object body) and what it holds.
    pub error_fields: Vec<(String, ErrorField)>,
    /// The list's page-number query parameter.
    pub page: Option<IntParam>,
    /// The list's per-page query parameter: the one other optional integer query parameter.
    pub per_page: Option<IntParam>,
    /// The list's boolean query parameter that asks for the answer with totals
    /// (`x-totals-parameter`).
    pub totals: Option<String>,
    /// The shapes of the list's answer.
    pub list_answer: ListAnswer,
}

/// An integer query parameter of the list and its bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct IntParam {
    /// The name on the wire.
    pub wire: String,
    /// `minimum`.
    pub min: Option<i64>,
    /// `maximum`.
    pub max: Option<i64>,
}

/// What a field of the fake's error body holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorField {
    /// An integer: the status code.
    Status,
    /// The first string: the status's reason phrase (`Not Found`).
    Reason,
    /// Any later string: what went wrong, in words.
    Message,
}

/// The shapes a list answer may take.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum ListAnswer {
    /// A JSON array of the resources.
    #[default]
    Array,
    /// An object: the resources in the array field, totals in its number fields.
    Object {
        /// The array field.
        items: String,
        /// The integer and number fields (`total`, `start`, `limit`, `page`, ...).
        numbers: Vec<String>,
    },
    /// A union of both: the object when the totals parameter is `true`, else the array.
    Either {
        /// The object's array field.
        items: String,
        /// The object's number fields.
        numbers: Vec<String>,
    },
}

/// The collections the paths of `model` show.
pub(super) fn collections(
    document: &Document,
    model: &Model,
    mock_names: &mut Scope,
) -> Vec<Collection> {
    let mut names = Scope::with_reserved(&["client", "start", "uri", "operations"]);
    let find = |path: &str, method: &str| {
        model
            .operations
            .iter()
            .position(|op| op.path == path && op.method == method)
    };
    let mut collections = Vec::new();
    for (create, op) in model.operations.iter().enumerate() {
        if op.method != "POST" || op.path.contains('{') {
            continue;
        }
        let base = op.path.trim_end_matches('/');
        // The one-segment item path `{base}/{param}` with a read.
        let Some(read) = model.operations.iter().position(|other| {
            other.method == "GET"
                && other
                    .path
                    .strip_prefix(base)
                    .and_then(|rest| rest.strip_prefix("/{"))
                    .and_then(|rest| rest.strip_suffix('}'))
                    .is_some_and(|name| !name.contains(['/', '{', '}']))
        }) else {
            continue;
        };
        let item_path = model.operations[read].path.clone();
        let extension = |key: &str| extension(document, &op.path, "post", key);
        let id = extension("x-fake-id-field")
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "id".to_owned());
        let Some(created) = success_struct(model, op) else {
            continue;
        };
        let Some(id_field) = created.fields.iter().find(|f| f.wire == id) else {
            continue;
        };
        let id_integer = matches!(id_field.shape, Shape::Integer(..));
        let strings = |key: &str| -> Vec<String> {
            match extension(key) {
                Some(Value::Array(values)) => values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let assigned = match extension("x-fake-assigned") {
            Some(Value::Object(map)) => map.into_iter().collect(),
            _ => Vec::new(),
        };
        let defaults = created
            .fields
            .iter()
            .filter_map(|f| Some((f.wire.clone(), f.default.clone()?)))
            .collect();
        let list = find(&op.path, "GET");
        let update = find(&item_path, "PATCH").or_else(|| find(&item_path, "PUT"));
        let delete = find(&item_path, "DELETE");
        let error_fields = error_fields(model, &model.operations[read], &model.operations[create]);
        let (page, per_page, totals, list_answer) = match list {
            Some(list) => list_parts(document, model, &model.operations[list]),
            None => (None, None, None, ListAnswer::Array),
        };
        let segment = base.rsplit('/').next().unwrap_or(base);
        let ident = names.claim(snake(if segment.is_empty() { "items" } else { segment }));
        collections.push(Collection {
            marker: mock_names.claim(camel(&ident)),
            ident,
            path: op.path.clone(),
            item_path,
            create,
            read,
            list,
            update,
            delete,
            id,
            id_integer,
            keys: strings("x-fake-keys"),
            unique: strings("x-fake-unique"),
            assigned,
            defaults,
            error_fields,
            page,
            per_page,
            totals,
            list_answer,
        });
    }
    collections
}

/// The extension `key` of the operation `method` (lower case) of `path`.
fn extension(document: &Document, path: &str, method: &str, key: &str) -> Option<Value> {
    match document.api.paths.paths.get(path)? {
        openapiv3::ReferenceOr::Item(item) => item
            .iter()
            .find(|(m, _)| *m == method)
            .and_then(|(_, op)| op.extensions.get(key).cloned()),
        openapiv3::ReferenceOr::Reference { .. } => None,
    }
}

fn named_struct<'m>(model: &'m Model, shape: &Shape) -> Option<&'m Struct> {
    let Shape::Named(name) = shape else {
        return None;
    };
    model.types.iter().find_map(|t| match t {
        TypeDef::Struct(s) if s.name == *name => Some(s),
        _ => None,
    })
}

fn success_struct<'m>(model: &'m Model, op: &Operation) -> Option<&'m Struct> {
    match &op.success {
        Success::Json(shape) => named_struct(model, shape),
        _ => None,
    }
}

/// The fields of the error body: the read's 404 schema, else the first object body of the
/// create's errors.
fn error_fields(model: &Model, read: &Operation, create: &Operation) -> Vec<(String, ErrorField)> {
    let not_found = read
        .errors
        .iter()
        .filter(|case| case.status == StatusMatch::Code(404))
        .chain(&create.errors)
        .find_map(|case| named_struct(model, case.body.as_ref()?));
    let Some(body) = not_found else {
        return Vec::new();
    };
    let mut strings = 0;
    body.fields
        .iter()
        .filter(|f| matches!(f.presence, Presence::Required | Presence::RequiredNullable))
        .filter_map(|f| {
            let kind = match f.shape {
                Shape::Integer(..) | Shape::Number(..) => ErrorField::Status,
                Shape::String(_) => {
                    strings += 1;
                    match strings {
                        1 => ErrorField::Reason,
                        _ => ErrorField::Message,
                    }
                }
                _ => return None,
            };
            Some((f.wire.clone(), kind))
        })
        .collect()
}

type ListParts = (
    Option<IntParam>,
    Option<IntParam>,
    Option<String>,
    ListAnswer,
);

/// The list's paging parameters, totals parameter and answer shapes.
fn list_parts(document: &Document, model: &Model, list: &Operation) -> ListParts {
    let ints: Vec<IntParam> = list
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query && !p.required)
        .filter_map(|p| match &p.shape {
            Shape::Integer(_, bounds) => Some(IntParam {
                wire: p.wire.clone(),
                min: bounds
                    .min
                    .map(|(min, exclusive)| (min as i64).saturating_add(i64::from(exclusive))),
                max: bounds
                    .max
                    .map(|(max, exclusive)| (max as i64).saturating_sub(i64::from(exclusive))),
            }),
            _ => None,
        })
        .collect();
    // The page number is the parameter the client's pages walker uses (`Paging`).
    let page_wire = list.paging.as_ref().and_then(|paging| {
        list.params
            .iter()
            .find(|p| p.ident == paging.page)
            .map(|p| p.wire.clone())
    });
    let page = ints
        .iter()
        .find(|p| Some(&p.wire) == page_wire.as_ref())
        .cloned();
    let others: Vec<&IntParam> = ints
        .iter()
        .filter(|p| Some(&p.wire) != page_wire.as_ref())
        .collect();
    let per_page = match (&page, others.as_slice()) {
        (Some(_), [one]) => Some((*one).clone()),
        _ => None,
    };
    let totals = extension(document, &list.path, "get", "x-totals-parameter")
        .and_then(|v| v.as_str().map(str::to_owned))
        .filter(|name| {
            list.params
                .iter()
                .any(|p| p.wire == *name && matches!(p.shape, Shape::Boolean))
        });
    let object = |shape: &Shape| -> Option<(String, Vec<String>)> {
        let s = named_struct(model, shape)?;
        let mut arrays = s
            .fields
            .iter()
            .filter(|f| matches!(f.shape, Shape::Array { .. }));
        let items = arrays.next()?;
        if arrays.next().is_some() {
            return None;
        }
        let numbers = s
            .fields
            .iter()
            .filter(|f| matches!(f.shape, Shape::Integer(..) | Shape::Number(..)))
            .map(|f| f.wire.clone())
            .collect();
        Some((items.wire.clone(), numbers))
    };
    let answer = match &list.success {
        Success::Json(shape @ Shape::Named(name)) => {
            match model.types.iter().find(|t| t.name() == name) {
                Some(TypeDef::Union(u)) => {
                    let has_array = u
                        .variants
                        .iter()
                        .any(|v| matches!(v.shape, Shape::Array { .. }));
                    let object = u.variants.iter().find_map(|v| object(&v.shape));
                    match (has_array, object) {
                        (true, Some((items, numbers))) => ListAnswer::Either { items, numbers },
                        (false, Some((items, numbers))) => ListAnswer::Object { items, numbers },
                        _ => ListAnswer::Array,
                    }
                }
                _ => match object(shape) {
                    Some((items, numbers)) => ListAnswer::Object { items, numbers },
                    None => ListAnswer::Array,
                },
            }
        }
        _ => ListAnswer::Array,
    };
    (page, per_page, totals, answer)
}
