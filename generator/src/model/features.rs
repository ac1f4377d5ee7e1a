//! Cargo features per tag ([`crate::Config::tag_features`]): each tag of the document becomes a
//! feature of the crate, and every operation and named type gets the [`Gate`] that says with which
//! features it is compiled.
//!
//! - An operation is compiled when the feature of any of its tags is on. An operation without a
//!   tag is always compiled.
//! - A named type is compiled when a feature of an operation that uses it is on: reachability
//!   from each operation's parameters, body, success and error answers, through fields,
//!   `additionalProperties` and union members. A type an untagged operation uses is always
//!   compiled.
//! - The types no operation reaches (components nothing refers to, which are still part of the
//!   spec's API), and everything they hold, are compiled with a feature of their own,
//!   [`UNUSED_TYPES`] (on by `default` when every tag's feature is): compiling them always would
//!   make a crate of one tag of a large document several times slower to check.
//!
//! A type's gate holds the gate of every type it refers to (reachability only grows along a
//! reference), so no compiled item names one that is not compiled.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{Body, Encoding, Model, Operation, Shape, Success, TypeDef};
use crate::names::{kebab, Scope};
use crate::{DefaultFeatures, Diagnostic};

/// The feature of the types no operation uses.
pub const UNUSED_TYPES: &str = "unused-types";

/// Features every generated crate has, which no tag's feature may be named.
const RESERVED: &[&str] = &[
    "default",
    "middleware",
    "mock",
    "private-key-jwt",
    UNUSED_TYPES,
];

/// The tag features of a crate and what each compiles.
#[derive(Debug, Clone, PartialEq)]
pub struct TagFeatures {
    /// One per tag some operation has, sorted by name, then [`UNUSED_TYPES`] when some type
    /// is used by no operation.
    pub features: Vec<Feature>,
    /// The indices (into `features`) of those `default` turns on, in order.
    pub default: Vec<usize>,
    /// Each operation's gate, in the order of [`Model::operations`].
    pub operations: Vec<Gate>,
    /// Each named type's gate (a type missing here is always compiled).
    pub types: BTreeMap<String, Gate>,
}

/// The Cargo feature of one tag, or of the types no operation uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// The feature's name: the tag in `kebab-case` (as `names.rs` makes identifiers), made
    /// distinct, or [`UNUSED_TYPES`].
    pub name: String,
    /// The tag, as the document spells it; `None` for [`UNUSED_TYPES`].
    pub tag: Option<String>,
    /// How many operations have the tag, or how many types no operation uses.
    pub count: usize,
}

/// When an item is compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// Whatever features are on.
    Always,
    /// When any of these features (indices into [`TagFeatures::features`], sorted) is on.
    Any(Vec<usize>),
}

impl Gate {
    /// Compiled when either is.
    pub fn or(&self, other: &Gate) -> Gate {
        match (self, other) {
            (Gate::Any(a), Gate::Any(b)) => {
                let mut both: Vec<usize> = a.iter().chain(b).copied().collect();
                both.sort_unstable();
                both.dedup();
                Gate::Any(both)
            }
            _ => Gate::Always,
        }
    }
}

impl TagFeatures {
    /// The gate of the operation at `index` of [`Model::operations`].
    pub fn operation(&self, index: usize) -> &Gate {
        &self.operations[index]
    }

    /// The gate of the named type `name`.
    pub fn named(&self, name: &str) -> &Gate {
        self.types.get(name).unwrap_or(&Gate::Always)
    }
}

/// The tag features of `model`, with `default` naming those on by default; fails when `default`
/// names something that is neither a tag nor a feature. Warns when no operation has a tag.
pub fn tag_features(
    model: &Model,
    default: &DefaultFeatures,
) -> Result<(TagFeatures, Vec<Diagnostic>), Diagnostic> {
    let mut warnings = Vec::new();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for op in &model.operations {
        // A tag listed twice on one operation is one tag.
        let tags: BTreeSet<&str> = op.tags.iter().map(String::as_str).collect();
        for tag in tags {
            *counts.entry(tag).or_default() += 1;
        }
    }
    if counts.is_empty() && !model.operations.is_empty() {
        warnings.push(Diagnostic::new(
            "#/paths",
            "no operation has a tag: the crate has no tag features, and every operation is \
             always compiled",
        ));
    }
    // Tags claim names in their own order, so a name does not depend on operation order.
    let mut scope = Scope::with_reserved(RESERVED);
    let mut features: Vec<Feature> = counts
        .iter()
        .map(|(tag, count)| Feature {
            name: scope.claim_kebab(kebab(tag)),
            tag: Some((*tag).to_owned()),
            count: *count,
        })
        .collect();
    features.sort_by(|a, b| a.name.cmp(&b.name));
    let index_of_tag: HashMap<String, usize> = features
        .iter()
        .enumerate()
        .filter_map(|(i, f)| Some((f.tag.clone()?, i)))
        .collect();
    let operations: Vec<Gate> = model
        .operations
        .iter()
        .map(|op| match op.tags.is_empty() {
            true => Gate::Always,
            false => {
                let mut any: Vec<usize> = op.tags.iter().map(|t| index_of_tag[t]).collect();
                any.sort_unstable();
                any.dedup();
                Gate::Any(any)
            }
        })
        .collect();
    let (types, unused) = type_gates(model, &operations, features.len());
    if unused > 0 {
        features.push(Feature {
            name: UNUSED_TYPES.to_owned(),
            tag: None,
            count: unused,
        });
    }

    let default = match default {
        DefaultFeatures::All => (0..features.len()).collect(),
        DefaultFeatures::None => Vec::new(),
        DefaultFeatures::Only(names) => {
            let mut chosen = Vec::new();
            for name in names {
                let found = index_of_tag
                    .get(name.as_str())
                    .copied()
                    .or_else(|| features.iter().position(|f| f.name == *name));
                match found {
                    Some(index) if !chosen.contains(&index) => chosen.push(index),
                    Some(_) => {}
                    None => {
                        let known: Vec<&str> = features.iter().map(|f| f.name.as_str()).collect();
                        return Err(Diagnostic::new(
                            "default features",
                            format!(
                                "{name:?} is neither a tag of the document nor one of the tag \
                                 features: {}",
                                known.join(", ")
                            ),
                        ));
                    }
                }
            }
            chosen
        }
    };
    Ok((
        TagFeatures {
            features,
            default,
            operations,
            types,
        },
        warnings,
    ))
}

/// Each named type's gate: the features of the operations that reach it, [`Gate::Always`], or
/// the feature after the tags' ([`UNUSED_TYPES`]) for what only unused types reach; and how
/// many types no operation uses.
fn type_gates(
    model: &Model,
    operations: &[Gate],
    feature_count: usize,
) -> (BTreeMap<String, Gate>, usize) {
    let graph = Graph::new(model);
    let mut any: Vec<Vec<usize>> = vec![Vec::new(); model.types.len()];
    // One walk per feature, from the roots of all its operations.
    for feature in 0..feature_count {
        let roots = model
            .operations
            .iter()
            .zip(operations)
            .filter(|(_, gate)| matches!(gate, Gate::Any(f) if f.contains(&feature)))
            .flat_map(|(op, _)| roots(op));
        for index in graph.reach(roots, &[]) {
            any[index].push(feature);
        }
    }
    // Always: what untagged operations use.
    let untagged = model
        .operations
        .iter()
        .zip(operations)
        .filter(|(_, gate)| **gate == Gate::Always)
        .flat_map(|(op, _)| roots(op));
    let mut always = vec![false; model.types.len()];
    for index in graph.reach(untagged, &[]) {
        always[index] = true;
    }
    // The feature after the tags': what no operation uses, with all it holds.
    let unused: Vec<usize> = (0..model.types.len())
        .filter(|i| any[*i].is_empty() && !always[*i])
        .collect();
    for index in graph.reach(std::iter::empty(), &unused) {
        any[index].push(feature_count);
    }
    let gates = model
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let gate = match always[i] {
                true => Gate::Always,
                false => Gate::Any(std::mem::take(&mut any[i])),
            };
            (t.name().to_owned(), gate)
        })
        .collect();
    (gates, unused.len())
}

/// The shapes an operation uses: its parameters', its body's, its answers'.
fn roots(op: &Operation) -> impl Iterator<Item = &Shape> {
    let body = match &op.body {
        Some(Body {
            encoding: Encoding::Json(shape) | Encoding::Form(shape),
            ..
        }) => Some(shape),
        _ => None,
    };
    let success = match &op.success {
        Success::Json(shape) => Some(shape),
        _ => None,
    };
    op.params
        .iter()
        .map(|p| &p.shape)
        .chain(body)
        .chain(success)
        .chain(op.errors.iter().filter_map(|e| e.body.as_ref()))
}

/// The named types and the types each one holds, by index into [`Model::types`].
struct Graph<'m> {
    model: &'m Model,
    index: HashMap<&'m str, usize>,
}

impl<'m> Graph<'m> {
    fn new(model: &'m Model) -> Graph<'m> {
        let index = model
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name(), i))
            .collect();
        Graph { model, index }
    }

    /// The indices of the named types in `roots` or `types`, and of every type inside them.
    fn reach(&self, roots: impl Iterator<Item = &'m Shape>, types: &[usize]) -> Vec<usize> {
        let mut seen = vec![false; self.model.types.len()];
        let mut found = Vec::new();
        let mut stack: Vec<&Shape> = roots.collect();
        let mut pending: Vec<usize> = types.to_vec();
        loop {
            while let Some(shape) = stack.pop() {
                match shape {
                    Shape::Array { items: inner, .. }
                    | Shape::Map(inner)
                    | Shape::Nullable(inner)
                    | Shape::Boxed(inner) => stack.push(inner),
                    Shape::Named(name) => pending.extend(self.index.get(name.as_str())),
                    _ => {}
                }
            }
            let Some(index) = pending.pop() else {
                return found;
            };
            if std::mem::replace(&mut seen[index], true) {
                continue;
            }
            found.push(index);
            match &self.model.types[index] {
                TypeDef::Struct(s) => {
                    stack.extend(s.fields.iter().map(|f| &f.shape));
                    stack.extend(&s.additional);
                }
                TypeDef::Union(u) => stack.extend(u.variants.iter().map(|v| &v.shape)),
                TypeDef::Enum(_) => {}
            }
        }
    }
}
