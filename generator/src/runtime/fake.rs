//! The in-memory fake's machinery (the `mock` feature): a `wiremock` server on loopback whose one
//! responder keeps each collection of the spec in memory and answers creates, reads, lists,
//! updates and deletes as the server would. The `mock` module describes the collections
//! (`CollectionSpec`) and gives [`Fake`] a typed accessor for each.
//!
//! - A create validates the body (the generated request type and its `Validate` impl; 400 with
//!   the spec's error body, nothing stored), refuses a value of a unique field another resource
//!   has (409), then stores the body with the spec's `default`s filled in, the assigned fields
//!   set and a new id (`1`, `2`, ... for an integer id; 24 hexadecimal digits for a string), and
//!   answers it with the create's success status.
//! - A read, update or delete of an id nothing has (nor any key field) is 404.
//! - An update merges the body into the stored JSON at the top level: an absent field is kept,
//!   `null` removes it, a value replaces it whole (a nested object too, as an array; the
//!   generated update types send each field as a whole value). The id and assigned fields are
//!   kept.
//! - A list answers the page the page-number and per-page parameters ask for (out of their
//!   bounds is 400; without a per-page value, the parameter's maximum, else 50), in storage
//!   order, as an array or as the object with totals.
//!
//! Each request is answered under one lock, so concurrent creates of one unique value give one
//! 201 and 409s.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use wiremock::{Match, Mock, Request, Respond, ResponseTemplate};

/// What the fake knows of one collection (built by the `mock` module from the spec).
#[derive(Debug)]
pub struct CollectionSpec {
    /// The collection's path, e.g. `/things`.
    pub path: &'static str,
    /// The path of one resource, e.g. `/things/{id}`.
    pub item_path: &'static str,
    /// The field holding the id the fake assigns.
    pub id: &'static str,
    /// Whether the id is an integer.
    pub id_integer: bool,
    /// Fields whose value also finds a resource where its id goes.
    pub keys: &'static [&'static str],
    /// Fields no two resources share.
    pub unique: &'static [&'static str],
    /// Fields set on create whatever the request says, as a JSON object.
    pub assigned: &'static str,
    /// The spec's `default`s of the created resource, as a JSON object.
    pub defaults: &'static str,
    /// The fields of the error body.
    pub error_fields: &'static [(&'static str, ErrorField)],
    /// The create.
    pub create: Endpoint,
    /// The read.
    pub read: Endpoint,
    /// The list.
    pub list: Option<Endpoint>,
    /// The update.
    pub update: Option<Endpoint>,
    /// The delete.
    pub delete: Option<Endpoint>,
    /// The page-number parameter of the list.
    pub page: Option<IntParam>,
    /// The per-page parameter of the list.
    pub per_page: Option<IntParam>,
    /// The boolean parameter that asks for the list answer with totals.
    pub totals: Option<&'static str>,
    /// The shapes of the list answer.
    pub list_answer: ListAnswer,
}

/// Checks a request body: the error's text, if any.
pub type Check = fn(&Value) -> Result<(), String>;

/// One operation of a collection.
#[derive(Debug)]
pub struct Endpoint {
    /// The HTTP method.
    pub method: &'static str,
    /// The success status.
    pub status: u16,
    /// Checks a request body against the generated request type: the error's text, if any.
    pub validate: Option<Check>,
}

/// An integer query parameter and its bounds.
#[derive(Debug)]
pub struct IntParam {
    /// The name on the wire.
    pub wire: &'static str,
    /// `minimum`.
    pub min: Option<i64>,
    /// `maximum`.
    pub max: Option<i64>,
}

/// What a field of the error body holds.
#[derive(Debug, Clone, Copy)]
pub enum ErrorField {
    /// The status code.
    Status,
    /// The reason phrase, e.g. `Not Found`.
    Reason,
    /// What went wrong, in words.
    Message,
}

/// The shapes of a list answer.
#[derive(Debug)]
pub enum ListAnswer {
    /// An array.
    Array,
    /// An object with the items in `items` and totals in `numbers`.
    Object {
        /// The array field.
        items: &'static str,
        /// The number fields.
        numbers: &'static [&'static str],
    },
    /// The object when the totals parameter is `true`, else the array.
    Either {
        /// The array field.
        items: &'static str,
        /// The number fields.
        numbers: &'static [&'static str],
    },
}

/// A collection of the spec, as a type: what creates one and what a read answers.
pub trait Resource {
    /// The index of its `CollectionSpec`.
    const INDEX: usize;
    /// The create's request body.
    type New: Serialize;
    /// The read's answer.
    type Stored: DeserializeOwned;
}

#[derive(Default)]
struct Store {
    resources: Vec<Map<String, Value>>,
    next_id: u64,
}

struct State {
    collections: &'static [CollectionSpec],
    stores: Mutex<Vec<Store>>,
    delay: Mutex<Option<Duration>>,
}

/// An in-memory fake of the API's collections on loopback: a client of it creates, reads,
/// lists, updates and deletes resources that live as long as the fake.
pub struct Fake {
    server: wiremock::MockServer,
    state: Arc<State>,
}

impl std::fmt::Debug for Fake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fake")
            .field("uri", &self.server.uri())
            .finish_non_exhaustive()
    }
}

impl Fake {
    pub(crate) async fn start_with(collections: &'static [CollectionSpec]) -> Fake {
        let server = wiremock::MockServer::start().await;
        let state = Arc::new(State {
            collections,
            stores: Mutex::new(collections.iter().map(|_| Store::default()).collect()),
            delay: Mutex::new(None),
        });
        Mock::given(Anything)
            .respond_with(Responder(state.clone()))
            .named("the in-memory fake")
            .mount(&server)
            .await;
        Fake { server, state }
    }

    /// The fake's base URL (`http://127.0.0.1:<port>`).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// A client of the fake that does not retry.
    pub fn client(&self) -> crate::Client {
        crate::Client::builder()
            .base_url(self.uri())
            .retry(crate::RetryPolicy::none())
            .build()
            .expect("the fake's URL is a valid base URL")
    }

    /// Sends every later answer only after `delay`. Each answer is still decided when its
    /// request arrives, so requests sent together all see the state before any of them.
    pub fn set_delay(&self, delay: Duration) {
        *lock(&self.state.delay) = Some(delay);
    }

    /// The stored resources of collection `R`.
    pub fn stored<R: Resource>(&self) -> Stored<'_, R> {
        Stored {
            fake: self,
            resource: std::marker::PhantomData,
        }
    }
}

/// The stored resources of one collection, to seed and inspect them.
pub struct Stored<'a, R: Resource> {
    fake: &'a Fake,
    resource: std::marker::PhantomData<R>,
}

impl<R: Resource> Stored<'_, R> {
    fn spec(&self) -> &'static CollectionSpec {
        &self.fake.state.collections[R::INDEX]
    }

    /// Stores `value` as a create would (id, defaults and assigned fields; not validated).
    ///
    /// # Panics
    ///
    /// When a unique field's value is taken.
    pub fn insert(&self, value: &R::New) -> R::Stored {
        let value = serde_json::to_value(value).expect("a request body serializes");
        serde_json::from_value(self.insert_json(value))
            .expect("a stored resource reads as the read's answer")
    }

    /// Stores the JSON object `value` as a create would, and returns what was stored.
    ///
    /// # Panics
    ///
    /// When `value` is no object or a unique field's value is taken.
    pub fn insert_json(&self, value: Value) -> Value {
        let Value::Object(body) = value else {
            panic!("a resource is a JSON object");
        };
        let mut stores = lock(&self.fake.state.stores);
        match create(self.spec(), &mut stores[R::INDEX], body) {
            Ok(stored) => stored,
            Err(field) => panic!("another resource has this `{field}`"),
        }
    }

    /// The resource with this id (or key field value).
    pub fn get(&self, id: &str) -> Option<R::Stored> {
        self.get_json(id).map(|value| {
            serde_json::from_value(value).expect("a stored resource reads as the read's answer")
        })
    }

    /// The resource with this id (or key field value), as JSON.
    pub fn get_json(&self, id: &str) -> Option<Value> {
        let stores = lock(&self.fake.state.stores);
        let store = &stores[R::INDEX];
        find(self.spec(), store, id).map(|i| Value::Object(store.resources[i].clone()))
    }

    /// Every resource, in the order they were created.
    pub fn all(&self) -> Vec<R::Stored> {
        self.all_json()
            .into_iter()
            .map(|value| {
                serde_json::from_value(value).expect("a stored resource reads as the read's answer")
            })
            .collect()
    }

    /// Every resource as JSON, in the order they were created.
    pub fn all_json(&self) -> Vec<Value> {
        lock(&self.fake.state.stores)[R::INDEX]
            .resources
            .iter()
            .cloned()
            .map(Value::Object)
            .collect()
    }

    /// Removes the resource with this id (or key field value); whether there was one.
    pub fn remove(&self, id: &str) -> bool {
        let mut stores = lock(&self.fake.state.stores);
        let store = &mut stores[R::INDEX];
        match find(self.spec(), store, id) {
            Some(i) => {
                store.resources.remove(i);
                true
            }
            None => false,
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Stores a create's body, or names the unique field whose value is taken.
fn create(
    spec: &CollectionSpec,
    store: &mut Store,
    body: Map<String, Value>,
) -> Result<Value, &'static str> {
    if let Some(field) = taken(spec, store, &body, None) {
        return Err(field);
    }
    let mut resource = object(spec.defaults);
    resource.extend(body.into_iter().filter(|(_, value)| !value.is_null()));
    resource.extend(object(spec.assigned));
    store.next_id += 1;
    let id = match spec.id_integer {
        true => Value::from(store.next_id),
        false => Value::from(format!("{:024x}", store.next_id)),
    };
    resource.insert(spec.id.to_owned(), id);
    store.resources.push(resource.clone());
    Ok(Value::Object(resource))
}

fn object(text: &str) -> Map<String, Value> {
    serde_json::from_str(text).expect("the fake's JSON constants are objects")
}

/// The unique field of `body` whose value a resource other than `except` has.
fn taken(
    spec: &CollectionSpec,
    store: &Store,
    body: &Map<String, Value>,
    except: Option<usize>,
) -> Option<&'static str> {
    spec.unique.iter().copied().find(|field| {
        body.get(*field).is_some_and(|value| {
            !value.is_null()
                && store
                    .resources
                    .iter()
                    .enumerate()
                    .any(|(i, r)| Some(i) != except && r.get(*field) == Some(value))
        })
    })
}

/// The index of the resource whose id, or a key field, is `id`.
fn find(spec: &CollectionSpec, store: &Store, id: &str) -> Option<usize> {
    let matches = |value: Option<&Value>| match value {
        Some(Value::String(s)) => s == id,
        Some(Value::Number(n)) => n.to_string() == id,
        _ => false,
    };
    store
        .resources
        .iter()
        .position(|r| matches(r.get(spec.id)) || spec.keys.iter().any(|key| matches(r.get(*key))))
}

struct Anything;

impl Match for Anything {
    fn matches(&self, _: &Request) -> bool {
        true
    }
}

struct Responder(Arc<State>);

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut template = self.answer(request);
        if let Some(delay) = *lock(&self.0.delay) {
            template = template.set_delay(delay);
        }
        template
    }
}

/// What the fake answers, before it is sent.
enum Answer {
    Json(u16, Value),
    Empty(u16),
    Error(u16, String),
}

impl Responder {
    fn answer(&self, request: &Request) -> ResponseTemplate {
        let method = request.method.as_str();
        let path = request.url.path().trim_end_matches('/');
        for (index, spec) in self.0.collections.iter().enumerate() {
            let answer = if path == spec.path.trim_end_matches('/') {
                self.collection(index, spec, method, request)
            } else if let Some(id) = item_id(spec.item_path, path) {
                self.item(index, spec, method, &id, request)
            } else {
                continue;
            };
            return match answer {
                Some(Answer::Json(status, body)) => {
                    ResponseTemplate::new(status).set_body_json(body)
                }
                Some(Answer::Empty(status)) => ResponseTemplate::new(status),
                Some(Answer::Error(status, message)) => error(spec, status, &message),
                None => ResponseTemplate::new(405)
                    .set_body_string(format!("the fake has no {method} {}", request.url.path())),
            };
        }
        ResponseTemplate::new(501).set_body_string(format!(
            "{method} {} is no operation of a collection the fake keeps",
            request.url.path()
        ))
    }

    fn collection(
        &self,
        index: usize,
        spec: &'static CollectionSpec,
        method: &str,
        request: &Request,
    ) -> Option<Answer> {
        if method == spec.create.method {
            let body = match body(&spec.create, request) {
                Ok(body) => body,
                Err(message) => return Some(Answer::Error(400, message)),
            };
            let mut stores = lock(&self.0.stores);
            return Some(match create(spec, &mut stores[index], body) {
                Ok(stored) => Answer::Json(spec.create.status, stored),
                Err(field) => Answer::Error(
                    409,
                    format!("a resource with this `{field}` already exists"),
                ),
            });
        }
        let list = spec.list.as_ref().filter(|list| list.method == method)?;
        Some(self.list(index, spec, list, request))
    }

    fn list(
        &self,
        index: usize,
        spec: &CollectionSpec,
        list: &Endpoint,
        request: &Request,
    ) -> Answer {
        let query = |name: &str| {
            request
                .url
                .query_pairs()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into_owned())
        };
        let int = |param: &Option<IntParam>| -> Result<Option<i64>, String> {
            let Some(param) = param else { return Ok(None) };
            let Some(text) = query(param.wire) else {
                return Ok(None);
            };
            let value: i64 = text
                .parse()
                .map_err(|_| format!("`{}` is no integer: {text:?}", param.wire))?;
            if param.min.is_some_and(|min| value < min) || param.max.is_some_and(|max| value > max)
            {
                return Err(format!("`{}` is out of its bounds: {value}", param.wire));
            }
            Ok(Some(value))
        };
        let (page, per_page) = match (int(&spec.page), int(&spec.per_page)) {
            (Ok(page), Ok(per_page)) => (page, per_page),
            (Err(message), _) | (_, Err(message)) => return Answer::Error(400, message),
        };
        let first = spec.page.as_ref().and_then(|p| p.min).unwrap_or(0);
        let page = page.unwrap_or(first);
        let per_page = per_page
            .or_else(|| spec.per_page.as_ref().and_then(|p| p.max))
            .unwrap_or(50)
            .max(1);
        let stores = lock(&self.0.stores);
        let all = &stores[index].resources;
        let (start, items): (usize, Vec<Value>) = match &spec.page {
            Some(_) => {
                let start = page.saturating_sub(first).max(0).saturating_mul(per_page);
                let start = usize::try_from(start).unwrap_or(usize::MAX);
                let items = all
                    .iter()
                    .skip(start)
                    .take(usize::try_from(per_page).unwrap_or(usize::MAX))
                    .cloned()
                    .map(Value::Object)
                    .collect();
                (start, items)
            }
            None => (0, all.iter().cloned().map(Value::Object).collect()),
        };
        let totals = spec
            .totals
            .and_then(query)
            .is_some_and(|value| value == "true");
        let (field, numbers) = match spec.list_answer {
            ListAnswer::Array => return Answer::Json(list.status, Value::Array(items)),
            ListAnswer::Either { .. } if !totals => {
                return Answer::Json(list.status, Value::Array(items))
            }
            ListAnswer::Object { items, numbers } | ListAnswer::Either { items, numbers } => {
                (items, numbers)
            }
        };
        let mut object = Map::new();
        for name in numbers {
            let value = match *name {
                "total" | "count" | "length" => all.len() as i64,
                "start" | "offset" => start as i64,
                "limit" | "per_page" | "page_size" => per_page,
                "page" => page,
                _ => continue,
            };
            object.insert((*name).to_owned(), Value::from(value));
        }
        object.insert(field.to_owned(), Value::Array(items));
        Answer::Json(list.status, Value::Object(object))
    }

    fn item(
        &self,
        index: usize,
        spec: &'static CollectionSpec,
        method: &str,
        id: &str,
        request: &Request,
    ) -> Option<Answer> {
        let not_found = || Answer::Error(404, format!("no resource has the id {id:?}"));
        if method == spec.read.method {
            let stores = lock(&self.0.stores);
            let store = &stores[index];
            return Some(match find(spec, store, id) {
                Some(i) => {
                    Answer::Json(spec.read.status, Value::Object(store.resources[i].clone()))
                }
                None => not_found(),
            });
        }
        if let Some(update) = spec.update.as_ref().filter(|u| u.method == method) {
            let body = match body(update, request) {
                Ok(body) => body,
                Err(message) => return Some(Answer::Error(400, message)),
            };
            let mut stores = lock(&self.0.stores);
            let store = &mut stores[index];
            let Some(i) = find(spec, store, id) else {
                return Some(not_found());
            };
            if let Some(field) = taken(spec, store, &body, Some(i)) {
                return Some(Answer::Error(
                    409,
                    format!("another resource has this `{field}`"),
                ));
            }
            let fixed = object(spec.assigned);
            let resource = &mut store.resources[i];
            for (key, value) in body {
                if key == spec.id || fixed.contains_key(&key) {
                    continue;
                }
                match value {
                    Value::Null => resource.remove(&key),
                    value => resource.insert(key, value),
                };
            }
            return Some(Answer::Json(update.status, Value::Object(resource.clone())));
        }
        let delete = spec.delete.as_ref().filter(|d| d.method == method)?;
        let mut stores = lock(&self.0.stores);
        let store = &mut stores[index];
        Some(match find(spec, store, id) {
            Some(i) => {
                store.resources.remove(i);
                Answer::Empty(delete.status)
            }
            None => not_found(),
        })
    }
}

/// The request's body as a JSON object, checked against the endpoint's request type.
fn body(endpoint: &Endpoint, request: &Request) -> Result<Map<String, Value>, String> {
    let value: Value =
        serde_json::from_slice(&request.body).map_err(|e| format!("the body is not JSON: {e}"))?;
    if let Some(validate) = endpoint.validate {
        validate(&value)?;
    }
    match value {
        Value::Object(map) => Ok(map),
        _ => Err("the body is not a JSON object".to_owned()),
    }
}

/// The id in `path` when it is `template` (`/things/{id}`) with one segment for the parameter.
fn item_id(template: &str, path: &str) -> Option<String> {
    let (prefix, rest) = template.split_once('{')?;
    let suffix = &rest[rest.find('}')? + 1..];
    let segment = path.strip_prefix(prefix)?.strip_suffix(suffix)?;
    (!segment.is_empty() && !segment.contains('/')).then(|| percent_decode(segment))
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The error answer: the spec's error body with the status, its reason and `message`.
fn error(spec: &CollectionSpec, status: u16, message: &str) -> ResponseTemplate {
    let template = ResponseTemplate::new(status);
    if spec.error_fields.is_empty() {
        return template;
    }
    let reason = match status {
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        _ => "Error",
    };
    let body: Map<String, Value> = spec
        .error_fields
        .iter()
        .map(|(name, field)| {
            let value = match field {
                ErrorField::Status => Value::from(status),
                ErrorField::Reason => Value::from(reason),
                ErrorField::Message => Value::from(message),
            };
            ((*name).to_owned(), value)
        })
        .collect();
    template.set_body_json(Value::Object(body))
}
