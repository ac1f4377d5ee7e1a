//! Stage 1½: checks of the raw document, before it is read into `openapiv3` types, so each
//! mistake is reported once, at its JSON pointer, whatever the later stages do with it.
//!
//! What is checked: nothing nests deeper than [`MAX_DEPTH`] (past about 60, the later stages would
//! overflow the stack); every local `$ref` points at something; no cycle of `$ref`s and `allOf`
//! alone (a type that would contain itself with nothing to box); every `type` is one of the six
//! OpenAPI 3.0 types; `operationId`s are unique; path parameters and `{names}` of the path
//! template match. The walk follows the document's structure (schemas, parameters, bodies,
//! responses, headers, path items), so values in `example`, `default` or `enum` are never taken
//! for schemas. The model relies on these checks and does not repeat them.
//!
//! `Node`, the order-keeping raw value it walks, also makes a repeated key a syntax error (line and
//! column). Nothing here is quadratic in the size of a map: `$ref`s into `components` are looked up
//! in a hash index by kind and name, and repeated keys are found by hashing once a map has 16 keys
//! (linear lookups made the check of a 2,698-schema document cost ~60 ms).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::normalize::{escape, unescape};
use crate::Diagnostic;

/// A JSON or YAML value that keeps the order of object keys (and stringifies YAML's non-string
/// keys); a key twice in one object is a syntax error.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Node>),
    /// An object, keys in document order.
    Object(Vec<(String, Node)>),
}

impl Node {
    fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn entries(&self) -> &[(String, Node)] {
        match self {
            Node::Object(entries) => entries,
            _ => &[],
        }
    }

    fn items(&self) -> &[Node] {
        match self {
            Node::Array(items) => items,
            _ => &[],
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Node::String(s) => Some(s),
            _ => None,
        }
    }

    /// The same value as a [`serde_json::Value`]; a number beyond 64 bits becomes the nearest
    /// `f64`.
    pub(crate) fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Number(n) => n
                .parse::<i64>()
                .map(Value::from)
                .or_else(|_| n.parse::<u64>().map(Value::from))
                .or_else(|_| n.parse::<f64>().map(Value::from))
                .unwrap_or(Value::Null),
            Node::String(s) => Value::String(s.clone()),
            Node::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Node::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(key, value)| (key.clone(), value.to_value()))
                    .collect(),
            ),
        }
    }

    /// How the value is written, shortened, for messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Node::Null => "null".to_owned(),
            Node::Bool(b) => b.to_string(),
            Node::Number(n) => n.clone(),
            Node::String(s) => format!("{s:?}"),
            Node::Array(_) => "an array".to_owned(),
            Node::Object(_) => "an object".to_owned(),
        }
    }

    /// The text of a key: strings as they are, other scalars as written.
    fn key_text(self) -> String {
        match self {
            Node::String(s) | Node::Number(s) => s,
            Node::Bool(b) => b.to_string(),
            Node::Null => "null".to_owned(),
            Node::Array(_) | Node::Object(_) => "?".to_owned(),
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        struct NodeVisitor;
        impl<'de> Visitor<'de> for NodeVisitor {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON or YAML value")
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_none<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
                Node::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
                Ok(Node::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
                Ok(Node::Number(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
                Ok(Node::Number(v.to_string()))
            }
            // YAML reads integers beyond 64 bits (`-9223372036854776000`, -2^63 as JavaScript
            // prints it) as 128-bit ones.
            fn visit_i128<E>(self, v: i128) -> Result<Node, E> {
                Ok(Node::Number(v.to_string()))
            }
            fn visit_u128<E>(self, v: u128) -> Result<Node, E> {
                Ok(Node::Number(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
                Ok(Node::Number(match serde_json::Number::from_f64(v) {
                    Some(number) => number.to_string(),
                    None => v.to_string(),
                }))
            }
            fn visit_str<E>(self, v: &str) -> Result<Node, E> {
                Ok(Node::String(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Node, E> {
                Ok(Node::String(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Node::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut entries: Vec<(String, Node)> = Vec::new();
                // The keys seen, once there are enough that a linear search would cost: a
                // document's `components/schemas` can hold thousands.
                let mut seen = HashSet::new();
                while let Some((key, value)) = map.next_entry::<Node, Node>()? {
                    let key = key.key_text();
                    let duplicate = if entries.len() < 16 {
                        entries.iter().any(|(k, _)| *k == key)
                    } else {
                        if seen.is_empty() {
                            seen.extend(entries.iter().map(|(k, _)| k.clone()));
                        }
                        !seen.insert(key.clone())
                    };
                    if duplicate {
                        return Err(serde::de::Error::custom(format_args!(
                            "duplicate key {key:?}"
                        )));
                    }
                    entries.push((key, value));
                }
                Ok(Node::Object(entries))
            }
        }
        deserializer.deserialize_any(NodeVisitor)
    }
}

/// The six types of OpenAPI 3.0.
const TYPES: &[&str] = &["string", "integer", "number", "boolean", "array", "object"];

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// How deeply objects and arrays may nest. Real documents stay under 20 levels; past about 60,
/// reading the document into `openapiv3` types and lowering it would overflow a 2 MiB stack.
pub(crate) const MAX_DEPTH: usize = 40;

/// The pointer of the first node nested deeper than [`MAX_DEPTH`], if any.
fn too_deep(node: &Node, at: &mut String, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    let length = at.len();
    match node {
        Node::Object(entries) => {
            for (key, child) in entries {
                at.push('/');
                at.push_str(&escape(key));
                if too_deep(child, at, depth + 1) {
                    return true;
                }
                at.truncate(length);
            }
        }
        Node::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push_str(&format!("/{i}"));
                if too_deep(child, at, depth + 1) {
                    return true;
                }
                at.truncate(length);
            }
        }
        _ => {}
    }
    false
}

/// Whether a node sits `depth` levels below `node` ([`too_deep`] without the pointer).
fn has_node_below(node: &Node, depth: usize) -> bool {
    match node {
        _ if depth == 0 => true,
        Node::Object(entries) => entries.iter().any(|(_, n)| has_node_below(n, depth - 1)),
        Node::Array(items) => items.iter().any(|n| has_node_below(n, depth - 1)),
        _ => false,
    }
}

/// Whether `node` nests more than `levels` levels of arrays and objects (a scalar nests none).
pub(crate) fn nests_deeper_than(node: &Node, levels: usize) -> bool {
    match node {
        Node::Array(items) => levels == 0 || items.iter().any(|n| nests_deeper_than(n, levels - 1)),
        Node::Object(entries) => {
            levels == 0
                || entries
                    .iter()
                    .any(|(_, n)| nests_deeper_than(n, levels - 1))
        }
        _ => false,
    }
}

/// Checks the raw document; returns every problem found, each at its JSON pointer.
pub(crate) fn check(root: &Node) -> Vec<Diagnostic> {
    let mut at = "#".to_owned();
    // The pointer is built only for a document that has such a node.
    if has_node_below(root, MAX_DEPTH + 1) && too_deep(root, &mut at, 0) {
        return vec![Diagnostic::new(
            at,
            format!("nested more than {MAX_DEPTH} levels deep; the generator reads documents up to that depth"),
        )];
    }
    let components = root
        .get("components")
        .map(Node::entries)
        .unwrap_or_default()
        .iter()
        .filter(|(_, map)| matches!(map, Node::Object(_)))
        .map(|(kind, map)| {
            let named = map
                .entries()
                .iter()
                .map(|(name, node)| (name.as_str(), node));
            (kind.as_str(), named.collect())
        })
        .collect();
    let mut checker = Checker {
        root,
        components,
        errors: Vec::new(),
        operation_ids: BTreeMap::new(),
        edges: BTreeMap::new(),
    };
    checker.document();
    checker.cycles();
    checker.errors
}

/// How a component of one kind is checked.
type Visit<'a> = fn(&mut Checker<'a>, &'a Node, &str);

struct Checker<'a> {
    root: &'a Node,
    /// Each map under `components` (by kind, then name), where nearly every `$ref` points: a
    /// linear search of the map for each made the check quadratic in the number of schemas.
    components: HashMap<&'a str, HashMap<&'a str, &'a Node>>,
    errors: Vec<Diagnostic>,
    /// Each `operationId` seen, with where.
    operation_ids: BTreeMap<String, String>,
    /// Schema pointer → the schema pointers it *is* (its `$ref`, or its `allOf` members' `$ref`s).
    edges: BTreeMap<String, Vec<String>>,
}

impl<'a> Checker<'a> {
    fn error(&mut self, at: &str, message: impl Into<String>) {
        self.errors.push(Diagnostic::new(at, message));
    }

    fn document(&mut self) {
        let root = self.root;
        if let Some(paths) = root.get("paths") {
            for (path, item) in paths.entries() {
                self.path_item(path, item, &format!("#/paths/{}", escape(path)), false);
            }
        }
        let Some(components) = root.get("components") else {
            return;
        };
        let kinds: [(&str, Visit<'a>); 6] = [
            ("schemas", Self::schema),
            ("parameters", Self::parameter),
            ("requestBodies", Self::content_holder),
            ("responses", Self::content_holder),
            ("headers", Self::content_holder),
            ("callbacks", Self::callback),
        ];
        for (kind, visit) in kinds {
            for (name, value) in components.get(kind).map(Node::entries).unwrap_or_default() {
                visit(
                    self,
                    value,
                    &format!("#/components/{kind}/{}", escape(name)),
                );
            }
        }
    }

    /// If `value` is a `$ref`, checks that it points at something and returns its target (with the
    /// target's pointer); `None` for a non-`$ref`, a missing target or a non-local reference.
    fn reference(&mut self, value: &'a Node, at: &str) -> Option<Option<(&'a Node, String)>> {
        let reference = value.get("$ref")?;
        let Some(reference) = reference.as_str() else {
            self.error(
                &format!("{at}/$ref"),
                format!("`$ref` must be a string, found {}", reference.describe()),
            );
            return Some(None);
        };
        let decoded = crate::load::decode_ref(reference);
        let Some(pointer) = decoded.strip_prefix('#') else {
            // Other documents are not read; the model says so where the reference is followed.
            return Some(None);
        };
        match self.target(pointer) {
            Some(target) => Some(Some((target, format!("#{pointer}")))),
            None => {
                self.error(at, format!("`$ref` {reference:?} points at nothing"));
                Some(None)
            }
        }
    }

    /// The node at a JSON pointer (`/components/schemas/Pet`), if there is one.
    fn target(&self, pointer: &str) -> Option<&'a Node> {
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return None;
        }
        let tokens: Vec<String> = pointer.split('/').skip(1).map(unescape).collect();
        let (mut target, rest) = match &tokens[..] {
            [components, kind, name, rest @ ..] if components == "components" => {
                match self.components.get(kind.as_str()) {
                    Some(map) => (*map.get(name.as_str())?, rest),
                    None => (self.root, &tokens[..]),
                }
            }
            _ => (self.root, &tokens[..]),
        };
        for token in rest {
            target = match target {
                Node::Object(_) => target.get(token)?,
                Node::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(target)
    }

    /// A path item; a callback's (`callback`) is keyed by an expression, not a path template.
    fn path_item(&mut self, path: &str, item: &'a Node, at: &str, callback: bool) {
        if self.reference(item, at).is_some() {
            return;
        }
        let shared = self.parameters(item, at);
        let mut template = Vec::new();
        for piece in path.split('{').skip(1).filter(|_| !callback) {
            if let Some((name, _)) = piece.split_once('}') {
                template.push(name);
            }
        }
        for (method, operation) in item.entries() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let op_at = format!("{at}/{method}");
            if let Some(id) = operation.get("operationId").and_then(Node::as_str) {
                match self.operation_ids.get(id) {
                    Some(first) => {
                        let message = format!("duplicate operationId {id:?} (first at {first})");
                        self.error(&op_at, message);
                    }
                    None => {
                        self.operation_ids.insert(id.to_owned(), op_at.clone());
                    }
                }
            }
            let own = self.parameters(operation, &op_at);
            // Operation parameters override path-item ones with the same name and location.
            let mut path_params: Vec<(&str, String)> = Vec::new();
            for (name, location, p_at) in shared.iter().chain(&own) {
                if *location == "path" {
                    path_params.retain(|(n, _)| n != name);
                    path_params.push((name, p_at.clone()));
                }
            }
            for (name, p_at) in &path_params {
                if !callback && !template.contains(name) {
                    self.error(
                        p_at,
                        format!(
                            "path parameter {name:?} does not appear in the path template {path:?}"
                        ),
                    );
                }
            }
            let mut named = BTreeSet::new();
            for name in &template {
                if named.insert(*name) && !path_params.iter().any(|(n, _)| n == name) {
                    self.error(&op_at, format!("path template {path:?} has `{{{name}}}` but no path parameter of that name"));
                }
            }
            if let Some(body) = operation.get("requestBody") {
                self.content_holder(body, &format!("{op_at}/requestBody"));
            }
            if let Some(responses) = operation.get("responses") {
                for (status, response) in responses.entries() {
                    self.content_holder(response, &format!("{op_at}/responses/{}", escape(status)));
                }
            }
            for (name, callback) in operation
                .get("callbacks")
                .map(Node::entries)
                .unwrap_or_default()
            {
                self.callback(callback, &format!("{op_at}/callbacks/{}", escape(name)));
            }
        }
    }

    /// A callback: path items keyed by runtime expressions.
    fn callback(&mut self, callback: &'a Node, at: &str) {
        if self.reference(callback, at).is_some() {
            return;
        }
        for (expression, item) in callback.entries() {
            self.path_item(
                expression,
                item,
                &format!("{at}/{}", escape(expression)),
                true,
            );
        }
    }

    /// Visits the `parameters` of a path item or operation; returns `(name, in, pointer)` of each.
    fn parameters(&mut self, holder: &'a Node, at: &str) -> Vec<(&'a str, &'a str, String)> {
        let mut found = Vec::new();
        let Some(list) = holder.get("parameters") else {
            return found;
        };
        for (i, parameter) in list.items().iter().enumerate() {
            let p_at = format!("{at}/parameters/{i}");
            self.parameter(parameter, &p_at);
            // (A `$ref` that points at nothing was reported by `parameter`.)
            let resolved = match parameter.get("$ref") {
                None => Some(parameter),
                Some(reference) => reference
                    .as_str()
                    .map(crate::load::decode_ref)
                    .and_then(|r| r.strip_prefix('#').and_then(|pointer| self.target(pointer))),
            };
            if let Some(parameter) = resolved {
                if let (Some(name), Some(location)) = (
                    parameter.get("name").and_then(Node::as_str),
                    parameter.get("in").and_then(Node::as_str),
                ) {
                    found.push((name, location, p_at));
                }
            }
        }
        found
    }

    fn parameter(&mut self, parameter: &'a Node, at: &str) {
        if self.reference(parameter, at).is_some() {
            return;
        }
        if let Some(schema) = parameter.get("schema") {
            self.schema(schema, &format!("{at}/schema"));
        }
        self.content(parameter, at);
    }

    /// A request body, response or header: `content`, and a response's `headers`; a header's `schema`.
    fn content_holder(&mut self, value: &'a Node, at: &str) {
        if self.reference(value, at).is_some() {
            return;
        }
        self.content(value, at);
        if let Some(schema) = value.get("schema") {
            self.schema(schema, &format!("{at}/schema"));
        }
        for (name, header) in value.get("headers").map(Node::entries).unwrap_or_default() {
            self.content_holder(header, &format!("{at}/headers/{}", escape(name)));
        }
    }

    fn content(&mut self, value: &'a Node, at: &str) {
        for (media, entry) in value.get("content").map(Node::entries).unwrap_or_default() {
            let media_at = format!("{at}/content/{}", escape(media));
            if let Some(schema) = entry.get("schema") {
                self.schema(schema, &format!("{media_at}/schema"));
            }
            for (field, encoding) in entry.get("encoding").map(Node::entries).unwrap_or_default() {
                for (name, header) in encoding
                    .get("headers")
                    .map(Node::entries)
                    .unwrap_or_default()
                {
                    let header_at = format!(
                        "{media_at}/encoding/{}/headers/{}",
                        escape(field),
                        escape(name)
                    );
                    self.content_holder(header, &header_at);
                }
            }
        }
    }

    fn schema(&mut self, schema: &'a Node, at: &str) {
        if !matches!(schema, Node::Object(_)) {
            self.error(
                at,
                format!("a schema must be an object, found {}", schema.describe()),
            );
            return;
        }
        if let Some(target) = self.reference(schema, at) {
            if let Some((_, target_at)) = target {
                self.edges.entry(at.to_owned()).or_default().push(target_at);
            }
            return;
        }
        self.keywords(schema, at);
        if let Some(typ) = schema.get("type") {
            if !typ.as_str().is_some_and(|t| TYPES.contains(&t)) {
                self.error(
                    at,
                    format!(
                        "unknown `type` {}; expected string, integer, number, boolean, array or object",
                        typ.describe()
                    ),
                );
            }
        }
        for (name, property) in schema
            .get("properties")
            .map(Node::entries)
            .unwrap_or_default()
        {
            self.schema(property, &format!("{at}/properties/{}", escape(name)));
        }
        for key in ["items", "not"] {
            if let Some(sub) = schema.get(key) {
                self.schema(sub, &format!("{at}/{key}"));
            }
        }
        if let Some(sub @ Node::Object(_)) = schema.get("additionalProperties") {
            self.schema(sub, &format!("{at}/additionalProperties"));
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            for (i, member) in schema
                .get(key)
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let member_at = format!("{at}/{key}/{i}");
                self.schema(member, &member_at);
                if key == "allOf" {
                    self.edges.entry(at.to_owned()).or_default().push(member_at);
                }
            }
        }
    }

    /// Checks the value of each schema keyword has the kind OpenAPI 3.0 gives it. (Besides saying
    /// where, this keeps `openapiv3` from failing deep inside a schema, where its untagged enums
    /// retry every level and the time doubles with each.)
    fn keywords(&mut self, schema: &Node, at: &str) {
        for (key, value) in schema.entries() {
            let expected = match key.as_str() {
                "pattern" | "format" | "title" | "description" => {
                    (!matches!(value, Node::String(_))).then_some("a string")
                }
                "multipleOf" | "minimum" | "maximum" => {
                    (!matches!(value, Node::Number(_))).then_some("a number")
                }
                "exclusiveMinimum" | "exclusiveMaximum" | "uniqueItems" | "nullable"
                | "readOnly" | "writeOnly" | "deprecated" => {
                    (!matches!(value, Node::Bool(_))).then_some("`true` or `false`")
                }
                "minProperties" | "maxProperties" | "minItems" | "maxItems" | "minLength"
                | "maxLength" => (!matches!(value, Node::Number(n) if n.parse::<u64>().is_ok()))
                    .then_some("a non-negative integer"),
                "properties" => (!matches!(value, Node::Object(_))).then_some("an object"),
                "required" => (!matches!(value, Node::Array(items)
                    if items.iter().all(|i| matches!(i, Node::String(_)))))
                .then_some("an array of strings"),
                "enum" | "allOf" | "oneOf" | "anyOf" => {
                    (!matches!(value, Node::Array(_))).then_some("an array")
                }
                "additionalProperties" => (!matches!(value, Node::Bool(_) | Node::Object(_)))
                    .then_some("`true`, `false` or a schema"),
                "discriminator" => (!matches!(value, Node::Object(_))
                    || !matches!(value.get("propertyName"), Some(Node::String(_)))
                    || value.get("mapping").is_some_and(|m| {
                        !matches!(m, Node::Object(entries)
                            if entries.iter().all(|(_, v)| matches!(v, Node::String(_))))
                    }))
                .then_some("an object with a string `propertyName` and a `mapping` of strings"),
                "externalDocs" => (!matches!(value, Node::Object(_))
                    || !matches!(value.get("url"), Some(Node::String(_)))
                    || value
                        .get("description")
                        .is_some_and(|d| !matches!(d, Node::String(_))))
                .then_some("an object with a string `url`"),
                _ => None,
            };
            if let Some(expected) = expected {
                self.error(
                    &format!("{at}/{}", escape(key)),
                    format!("`{key}` must be {expected}, found {}", value.describe()),
                );
            }
        }
    }

    /// Reports each cycle of `$ref`/`allOf` edges once, at the first schema of it in pointer order.
    fn cycles(&mut self) {
        let edges = std::mem::take(&mut self.edges);
        let mut reported: BTreeSet<String> = BTreeSet::new();
        for start in edges.keys() {
            if reported.contains(start) {
                continue;
            }
            // Depth-first search for a path from `start` back to `start`.
            let mut stack = vec![(start.clone(), vec![start.clone()])];
            let mut seen = BTreeSet::new();
            while let Some((node, trail)) = stack.pop() {
                for next in edges.get(&node).into_iter().flatten() {
                    if next == start {
                        reported.extend(trail.iter().cloned());
                        let chain: Vec<&str> = trail.iter().map(String::as_str).collect();
                        self.error(
                            start,
                            format!("`$ref` cycle with nothing to box: {} → {start} (a type that is only itself)", chain.join(" → ")),
                        );
                        stack.clear();
                        break;
                    }
                    if seen.insert(next.clone()) {
                        let mut longer = trail.clone();
                        longer.push(next.clone());
                        stack.push((next.clone(), longer));
                    }
                }
            }
        }
    }
}
