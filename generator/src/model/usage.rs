//! [`Usage`]: where each named type is used (requests, answers, parameters, struct variants),
//! and what follows for how it is written (`Validate`, `new`, `deny_unknown_fields`, `Display`,
//! the pattern engine of the crate). Computed once after lowering, from the finished types and
//! operations; emit reads it and decides nothing of it again.

use std::collections::{BTreeSet, HashMap};

use super::{Body, Encoding, Model, Shape, Struct, Success, TypeDef, Variant};

/// What the emitters need to know about the named types as a whole, and about the checks of
/// requests.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Usage {
    /// The types a request can hold: those of parameters and request bodies, and every type
    /// inside them. Only these implement `Validate` and get a `new` constructor: nothing checks
    /// or builds an answer by hand.
    pub requests: BTreeSet<String>,
    /// The types an answer can hold, success or error. A type only requests hold may be strict;
    /// one that answers hold never is, as servers add properties.
    pub responses: BTreeSet<String>,
    /// The request types whose values have something to check, themselves or inside: every enum
    /// (an unlisted value), and every struct or union holding a constrained value or such a type.
    pub checked: BTreeSet<String>,
    /// The structs written as a union's struct variant ([`Variant::inline`]), not as types of
    /// their own.
    pub inlined: BTreeSet<String>,
    /// The structs that refuse unknown properties when read (`deny_unknown_fields`): only
    /// requests hold them and their schema allows no other property, so JSON with an unknown
    /// (say misspelt) property is an error naming it, as the server would refuse it.
    pub strict: BTreeSet<String>,
    /// The types a parameter holds (itself or as an array's items), which are sent as text: a
    /// union among them implements `Display`.
    pub in_params: BTreeSet<String>,
    /// The engine the `pattern` checks of requests need, if any (answers are never checked).
    pub pattern_engine: Option<PatternEngine>,
}

/// Which engine the crate's `pattern` checks need: Rust's `regex`, or `fancy-regex` when a
/// pattern has look-around or backreferences (then every pattern is checked with it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PatternEngine {
    /// `regex`.
    Regex,
    /// `fancy-regex`.
    Backtracking,
}

impl Usage {
    /// The usage of the types of a lowered model.
    pub(super) fn of(model: &Model) -> Usage {
        let requests = request_types(model);
        let responses = response_types(model);
        let checked = checked_types(model, &requests);
        let inlined = model
            .types
            .iter()
            .filter_map(|t| match t {
                TypeDef::Union(u) => Some(u),
                _ => None,
            })
            .flat_map(|u| &u.variants)
            .filter(|v| v.inline)
            .filter_map(|v| v.struct_name().map(str::to_owned))
            .collect();
        let strict = model
            .types
            .iter()
            .filter_map(|t| match t {
                TypeDef::Struct(s) => Some(s),
                _ => None,
            })
            .filter(|s| s.closed && requests.contains(&s.name) && !responses.contains(&s.name))
            .map(|s| s.name.clone())
            .collect();
        let in_params = model
            .operations
            .iter()
            .flat_map(|op| &op.params)
            .filter_map(|p| match &p.shape {
                Shape::Named(n) => Some(n.clone()),
                Shape::Array { items, .. } => match &**items {
                    Shape::Named(n) => Some(n.clone()),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let pattern_engine = pattern_engine(model, &requests);
        Usage {
            requests,
            responses,
            checked,
            inlined,
            strict,
            in_params,
            pattern_engine,
        }
    }

    /// Whether a value of `shape` has anything to check.
    pub fn has_checks(&self, shape: &Shape) -> bool {
        match shape {
            Shape::String(rules) => {
                rules.min_length.is_some() || rules.max_length.is_some() || rules.pattern.is_some()
            }
            Shape::Integer(_, bounds) | Shape::Number(_, bounds) => {
                bounds.min.is_some() || bounds.max.is_some() || bounds.multiple_of.is_some()
            }
            Shape::Array {
                items,
                min_items,
                max_items,
                unique,
            } => min_items.is_some() || max_items.is_some() || *unique || self.has_checks(items),
            Shape::Map(inner) | Shape::Nullable(inner) | Shape::Boxed(inner) => {
                self.has_checks(inner)
            }
            Shape::Named(name) => self.checked.contains(name),
            Shape::Boolean | Shape::Any => false,
        }
    }
}

impl Model {
    /// The struct named `name` (the model's types are sorted by name).
    pub fn struct_named(&self, name: &str) -> Option<&Struct> {
        let index = self.types.binary_search_by(|t| t.name().cmp(name)).ok()?;
        match &self.types[index] {
            TypeDef::Struct(s) => Some(s),
            _ => None,
        }
    }
}

impl Variant {
    /// The type a variant's shape names (boxed when the variant is on a cycle): for an inline
    /// variant, the struct whose fields it holds.
    pub fn struct_name(&self) -> Option<&str> {
        let mut shape = &self.shape;
        loop {
            match shape {
                Shape::Named(name) => return Some(name),
                Shape::Boxed(inner) => shape = inner,
                _ => return None,
            }
        }
    }
}

/// The types a request can hold ([`Usage::requests`]).
fn request_types(model: &Model) -> BTreeSet<String> {
    let mut stack: Vec<&Shape> = Vec::new();
    for op in &model.operations {
        stack.extend(op.params.iter().map(|p| &p.shape));
        if let Some(Body {
            encoding: Encoding::Json(shape) | Encoding::Form(shape),
            ..
        }) = &op.body
        {
            stack.push(shape);
        }
    }
    reachable(model, stack)
}

/// The types an answer can hold, success or error ([`Usage::responses`]).
fn response_types(model: &Model) -> BTreeSet<String> {
    let mut stack: Vec<&Shape> = Vec::new();
    for op in &model.operations {
        if let Success::Json(shape) = &op.success {
            stack.push(shape);
        }
        stack.extend(op.errors.iter().filter_map(|e| e.body.as_ref()));
    }
    reachable(model, stack)
}

/// The named types of `stack` and every type inside them.
fn reachable<'m>(model: &'m Model, mut stack: Vec<&'m Shape>) -> BTreeSet<String> {
    let by_name: HashMap<&str, &TypeDef> = model.types.iter().map(|t| (t.name(), t)).collect();
    let mut found = BTreeSet::new();
    while let Some(shape) = stack.pop() {
        match shape {
            Shape::Array { items: inner, .. }
            | Shape::Map(inner)
            | Shape::Nullable(inner)
            | Shape::Boxed(inner) => stack.push(inner),
            Shape::Named(name) if found.insert(name.clone()) => match by_name.get(name.as_str()) {
                Some(TypeDef::Struct(s)) => {
                    stack.extend(s.fields.iter().map(|f| &f.shape));
                    stack.extend(&s.additional);
                }
                Some(TypeDef::Union(u)) => stack.extend(u.variants.iter().map(|v| &v.shape)),
                Some(TypeDef::Enum(_)) | None => {}
            },
            _ => {}
        }
    }
    found
}

/// The request types with something to check ([`Usage::checked`]), to a fixed point: a type is
/// checked when a field or variant holds a checked type.
fn checked_types(model: &Model, requests: &BTreeSet<String>) -> BTreeSet<String> {
    let mut usage = Usage::default();
    loop {
        let before = usage.checked.len();
        for t in model.types.iter().filter(|t| requests.contains(t.name())) {
            let needed = match t {
                TypeDef::Enum(_) => true,
                TypeDef::Struct(s) => {
                    !s.dependent_required.is_empty()
                        || s.fields.iter().any(|f| usage.has_checks(&f.shape))
                }
                TypeDef::Union(u) => u.variants.iter().any(|v| usage.has_checks(&v.shape)),
            };
            if needed {
                usage.checked.insert(t.name().to_owned());
            }
        }
        if usage.checked.len() == before {
            return usage.checked;
        }
    }
}

/// The [`PatternEngine`] of the patterns requests are checked against: those of parameters and
/// bodies, and of the fields and variants of the types a request holds.
fn pattern_engine(model: &Model, requests: &BTreeSet<String>) -> Option<PatternEngine> {
    let mut engine = None;
    let mut visit = |shape: &Shape| {
        if let Shape::String(rules) = shape.innermost() {
            if rules.pattern.is_some() {
                let needed = match rules.backtracking {
                    true => PatternEngine::Backtracking,
                    false => PatternEngine::Regex,
                };
                engine = engine.max(Some(needed));
            }
        }
    };
    for t in model.types.iter().filter(|t| requests.contains(t.name())) {
        match t {
            TypeDef::Struct(s) => s.fields.iter().for_each(|f| visit(&f.shape)),
            TypeDef::Union(u) => u.variants.iter().for_each(|v| visit(&v.shape)),
            TypeDef::Enum(_) => {}
        }
    }
    for op in &model.operations {
        op.params.iter().for_each(|p| visit(&p.shape));
        if let Some(body) = &op.body {
            if let Encoding::Json(shape) | Encoding::Form(shape) = &body.encoding {
                visit(shape);
            }
        }
    }
    engine
}
