//! Lowering of schemas: components (named before anything is lowered, lowered on first use, once
//! per direction), inline schemas, enums, nullability, and the constraints of strings, numbers and
//! arrays (a pattern is rewritten as Rust's engines read ECMA-262, and marked when only the
//! backtracking engine reads it).
//!
//! A `oneOf`/`allOf` of one inline schema is lowered as that schema in its place (`only_member`):
//! it takes the component's name and, lacking its own, the description.

use std::collections::BTreeSet;

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use serde_json::Value;

use super::dir::{Dir, Key};
use super::view::{view, View};
use super::{
    pointer_escape, text, Bounds, Enum, FloatType, IntType, Lowerer, Shape, StringRules, TypeDef,
};
use crate::names::{camel, Scope};

/// `dependentRequired` (carried as `x-dependentRequired` by `normalize`): each property with the
/// properties its presence requires.
pub(super) fn dependent_required(schema: &Schema) -> Vec<(String, Vec<String>)> {
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
pub(super) fn integral_multiple(multiple_of: Option<f64>) -> Option<u64> {
    multiple_of
        .filter(|m| m.fract() == 0.0 && *m > 1.0 && *m < u64::MAX as f64)
        .map(|m| m as u64)
}

/// How [`Lowerer::pattern`] checks `pattern`: as it is or with its class hyphens escaped, and
/// whether only `fancy-regex` reads it (look-around, backreferences); or, when neither engine
/// reads it, the warning that says so.
fn read_pattern(pattern: &str) -> Result<(String, bool), String> {
    if regex_syntax::Parser::new().parse(pattern).is_ok() {
        return Ok((pattern.to_owned(), false));
    }
    let pattern = ecma_class_hyphens(pattern);
    if regex_syntax::Parser::new().parse(&pattern).is_ok() {
        return Ok((pattern, false));
    }
    match fancy_regex::Regex::new(&pattern) {
        Ok(_) => Ok((pattern, true)),
        Err(error) => Err(format!("`pattern` {pattern:?} is not a regular expression Rust's `regex` or `fancy-regex` reads ({error}); it is not checked")),
    }
}

/// An ECMA-262 pattern (what OpenAPI's `pattern` is) as Rust's engines read it: in a character
/// class, a `-` beside a class escape (`[\w-.]`) is a literal `-` in JavaScript and an error in
/// Rust, so it is escaped. Everything else is left as it is.
pub(super) fn ecma_class_hyphens(pattern: &str) -> String {
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

pub(super) fn int_type(format: Option<&str>) -> IntType {
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

impl Lowerer<'_> {
    /// The shape of the component schema `name`, lowering it on first use.
    pub(super) fn component(&mut self, name: &str, at: &str) -> Shape {
        let dir = if self.is_directional(name) {
            self.dir
        } else {
            Dir::Both
        };
        let key = (name.to_owned(), dir);
        if let Some(shape) = self.components.get(&key) {
            return shape.clone();
        }
        let reentry = self.in_progress.iter().position(|(k, _)| *k == key);
        if let Some(entered) = reentry {
            // A component that is not a named type of its own (an array, a map) is lowered again
            // inside itself when a named type lies on the way back to it: a component (known by
            // its name now) or an inline struct or union being built (which the lowering inside meets
            // again at the same place, and names). So this lowering ends there.
            let building_then = self.in_progress[entered].1;
            let named_on_the_way = self.building.len() > building_then
                || self.in_progress[entered + 1..]
                    .iter()
                    .any(|(k, _)| matches!(self.components.get(k), Some(Shape::Named(_))));
            // Each time round names one more type, so this ends; the bound is only a guard.
            if !named_on_the_way || self.reentered >= 16 {
                self.error(
                    at,
                    format!("`$ref` cycle through {name:?} with no object or array on the way, so no type can hold it"),
                );
                return Shape::Any;
            }
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
        self.in_progress.push((key.clone(), self.building.len()));
        self.reentered += usize::from(reentry.is_some());
        let shape = if target != name {
            self.component(target, &pointer)
        } else {
            let hint = match dir {
                Dir::Request => format!("{}Request", self.component_names[name]),
                Dir::Response | Dir::Both => self.component_names[name].clone(),
            };
            self.schema_shape(schema, &pointer, &hint, Some(&key))
        };
        self.in_progress.pop();
        self.reentered -= usize::from(reentry.is_some());
        self.components.insert(key, shape.clone());
        shape
    }

    /// The Rust name for a new type: the component's own when this is one, else one made from `hint`.
    pub(super) fn type_name(&mut self, hint: &str, component: Option<&Key>) -> String {
        match component {
            Some((name, Dir::Both | Dir::Response)) => self.component_names[name].clone(),
            Some((_, Dir::Request)) | None => self.type_names.claim(camel(hint)),
        }
    }

    pub(super) fn shape(&mut self, schema: &ReferenceOr<Schema>, at: &str, hint: &str) -> Shape {
        match schema {
            ReferenceOr::Item(schema) => self.schema_shape(schema, at, hint, None),
            ReferenceOr::Reference { reference } => self.reference(reference, at),
        }
    }

    pub(super) fn boxed_shape(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        at: &str,
        hint: &str,
    ) -> Shape {
        match schema {
            ReferenceOr::Item(schema) => self.schema_shape(schema, at, hint, None),
            ReferenceOr::Reference { reference } => self.reference(reference, at),
        }
    }

    pub(super) fn reference(&mut self, reference: &str, at: &str) -> Shape {
        match self.document.schema_ref(reference, at) {
            Ok((_, name)) => self.component(name, at),
            Err(error) => {
                self.errors.push(error);
                Shape::Any
            }
        }
    }

    /// Whether a schema (after `$ref`s) allows `null`.
    pub(super) fn nullable(&self, schema: &Schema) -> bool {
        self.nullable_within(schema, 0)
    }

    /// [`Lowerer::nullable`], giving up after `depth` single-member compositions: a `oneOf` whose
    /// only member refers back to it never ends otherwise (lowering reports that cycle).
    pub(super) fn nullable_within(&self, schema: &Schema, depth: usize) -> bool {
        if schema.schema_data.nullable {
            return true;
        }
        let v = view(schema);
        if v.enumeration.iter().any(Value::is_null) {
            return true;
        }
        // `allOf: [$ref]` is how 3.0 documents attach `nullable` or a description to a reference,
        // or `allOf: [$ref, {nullable: true}]`.
        if v.all_of.iter().any(|member| {
            matches!(member, ReferenceOr::Item(s) if annotates_only(s) && s.schema_data.nullable)
        }) {
            return true;
        }
        let all_of = typed_members(v.all_of);
        let single = match (all_of.as_slice(), v.one_of, v.any_of) {
            ([only], [], []) => Some(*only),
            ([], [only], []) | ([], [], [only]) => Some(only),
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

    pub(super) fn schema_shape(
        &mut self,
        schema: &Schema,
        at: &str,
        hint: &str,
        component: Option<&Key>,
    ) -> Shape {
        let v = view(schema);
        let doc = description(schema);
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
            // One member beside others that only annotate (`allOf: [$ref, {nullable: true}]`):
            // that member, whatever it is (a union, say), not an object merged from it.
            if let ([only], None) = (typed_members(v.all_of).as_slice(), v.properties) {
                let i = v.all_of.iter().position(|m| std::ptr::eq(m, *only));
                let member_at = format!("{at}/allOf/{}", i.unwrap_or(0));
                return self.only_member(only, &member_at, hint, component, doc);
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
                    // A map whose values hold the map again needs a name to hold it: a struct
                    // whose one field keeps every property.
                    (_, Some(AdditionalProperties::Schema(values)))
                        if component.is_some_and(|(name, _)| {
                            self.holds_itself(values, name, &mut BTreeSet::new())
                        }) =>
                    {
                        self.merged_object(&v, at, hint, component, doc, Vec::new())
                    }
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
            // `check.rs` refuses any other `type` in every schema this lowers.
            Some(_) => Shape::Any,
        }
    }

    /// A composition of one schema is that schema. An inline one is lowered as if it stood in
    /// the composition's place: under the component's name when that is one (not a name made up
    /// beside it), and then with the component's description when it has none of its own
    /// (elsewhere the description is the property's, already on its field).
    pub(super) fn only_member(
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
    pub(super) fn item_shape(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        at: &str,
        hint: &str,
    ) -> Shape {
        let shape = self.boxed_shape(schema, at, hint);
        let resolved = self.document.boxed_schema(schema, at).ok();
        self.with_nullability(shape, resolved.map(|(s, _)| s))
    }

    /// Same as [`Lowerer::item_shape`] for an unboxed schema.
    pub(super) fn item_shape_ref(
        &mut self,
        schema: &ReferenceOr<Schema>,
        at: &str,
        hint: &str,
    ) -> Shape {
        let shape = self.shape(schema, at, hint);
        let resolved = self.document.schema(schema, at).ok();
        self.with_nullability(shape, resolved.map(|(s, _)| s))
    }

    /// Whether `schema` holds the component `name` with no named type on the way: through
    /// arrays, maps, compositions (inline ones get names only as they are lowered) and the
    /// components that are none of those with properties of their own.
    fn holds_itself(
        &self,
        schema: &ReferenceOr<Schema>,
        name: &str,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        match schema {
            ReferenceOr::Reference { reference } => self.ref_holds_itself(reference, name, seen),
            ReferenceOr::Item(schema) => self.inline_holds_itself(schema, name, seen),
        }
    }

    /// [`Lowerer::holds_itself`] for a `$ref`: the component itself, or one that is no named
    /// type of its own and holds it.
    fn ref_holds_itself(&self, reference: &str, name: &str, seen: &mut BTreeSet<String>) -> bool {
        let Ok((target, target_name)) = self.document.schema_ref(reference, "#") else {
            return false;
        };
        if target_name == name {
            return true;
        }
        let v = view(target);
        let named = v.properties.is_some_and(|p| !p.is_empty())
            || !v.enumeration.is_empty()
            || !v.all_of.is_empty()
            || v.one_of.len() > 1
            || v.any_of.len() > 1;
        !named
            && seen.insert(target_name.to_owned())
            && self.inline_holds_itself(target, name, seen)
    }

    /// [`Lowerer::holds_itself`] for an inline schema: through its members, items and values.
    fn inline_holds_itself(
        &self,
        schema: &Schema,
        name: &str,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        let v = view(schema);
        let members = v.one_of.iter().chain(v.any_of).chain(v.all_of);
        if members
            .into_iter()
            .any(|member| self.holds_itself(member, name, seen))
        {
            return true;
        }
        let items = v.items.is_some_and(|items| match items {
            ReferenceOr::Reference { reference } => self.ref_holds_itself(reference, name, seen),
            ReferenceOr::Item(items) => self.inline_holds_itself(items, name, seen),
        });
        items
            || matches!(v.additional, Some(AdditionalProperties::Schema(values))
                if self.holds_itself(values, name, seen))
    }

    pub(super) fn with_nullability(&self, shape: Shape, resolved: Option<&Schema>) -> Shape {
        if resolved.is_some_and(|s| self.nullable(s)) {
            Shape::Nullable(Box::new(shape))
        } else {
            shape
        }
    }

    pub(super) fn enumeration(
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

    /// A `pattern` the generated crate can check, and whether it needs a backtracking engine
    /// (look-around, backreferences); `None` with a warning when neither engine reads it.
    pub(super) fn pattern(&mut self, pattern: Option<&str>, at: &str) -> (Option<String>, bool) {
        let Some(pattern) = pattern else {
            return (None, false);
        };
        // Documents repeat their patterns (an id's, on every schema that holds one).
        let read = match self.patterns.get(pattern) {
            Some(read) => read.clone(),
            None => {
                let read = read_pattern(pattern);
                self.patterns.insert(pattern.to_owned(), read.clone());
                read
            }
        };
        match read {
            Ok((pattern, backtracking)) => (Some(pattern), backtracking),
            Err(warning) => {
                self.warn(at, warning);
                (None, false)
            }
        }
    }

    /// `shape` with the constraints `v` adds (`minLength`, `maximum`, `maxItems`, ...).
    pub(super) fn constrain(&mut self, shape: Shape, v: &View<'_>, at: &str) -> Shape {
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
}

/// The `$ref` that `schema` only wraps: `allOf: [$ref]` with nothing else that types a value
/// (how 3.0 documents annotate a reference, and what a 3.1 `$ref` with siblings is rewritten to).
pub(super) fn wrapped_reference(schema: &Schema) -> Option<&str> {
    let v = view(schema);
    if v.properties.is_some() || !v.one_of.is_empty() || !v.any_of.is_empty() {
        return None;
    }
    match typed_members(v.all_of).as_slice() {
        [ReferenceOr::Reference { reference }] => Some(reference),
        _ => None,
    }
}

/// `schema`'s description, or when it has none, that of an `allOf` member that only annotates
/// (Box's `allOf: [$ref, {description}]`).
pub(super) fn description(schema: &Schema) -> Option<String> {
    text(&schema.schema_data.description).or_else(|| {
        view(schema).all_of.iter().find_map(|member| match member {
            ReferenceOr::Item(s) if annotates_only(s) => text(&s.schema_data.description),
            _ => None,
        })
    })
}

/// Whether `schema` only annotates (a `description`, `nullable`, `deprecated`, ...): no type, no
/// constraint, no subschema.
fn annotates_only(schema: &Schema) -> bool {
    schema.schema_data.discriminator.is_none()
        && matches!(&schema.schema_kind, openapiv3::SchemaKind::Any(any) if *any == openapiv3::AnySchema::default())
}

/// The members of an `allOf` that say what a value is: all but those that only annotate.
pub(super) fn typed_members(members: &[ReferenceOr<Schema>]) -> Vec<&ReferenceOr<Schema>> {
    members
        .iter()
        .filter(|member| !matches!(member, ReferenceOr::Item(s) if annotates_only(s)))
        .collect()
}
