//! `allOf`. An `allOf` that describes no object (`all_of_is_object`) is the first member's type
//! with every member's constraints (`merged_constraints`, `intersect`). An object `allOf` merges its
//! members' properties into one struct (`merged_object`), nested `allOf`s flattened
//! (`all_of_members`, which locates a `$ref`'d member at its component, so a property is lowered
//! once per pointer and direction and shared by every struct that merges it); a later member
//! restating a property replaces it. An inline `allOf` met again inside what it merges is refused
//! (the struct would contain itself without end).

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};

use super::dir::{Dir, Key};
use super::view::{view, View};
use super::{pointer_escape, Field, Lowerer, Presence, Shape, StringRules, Struct, TypeDef};
use crate::load::Document;
use crate::names::{camel, snake, Scope};

/// An `allOf` member with properties: (pointer, the component it is, properties, required,
/// additionalProperties).
pub(super) type Member<'d> = (
    String,
    Option<&'d str>,
    &'d indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    &'d [String],
    Option<&'d AdditionalProperties>,
);

impl Lowerer<'_> {
    /// An object, or the merge of `allOf` members and the schema's own properties, as one struct.
    pub(super) fn merged_object(
        &mut self,
        v: &View<'_>,
        at: &str,
        hint: &str,
        component: Option<&Key>,
        doc: Option<String>,
        dependent: Vec<(String, Vec<String>)>,
    ) -> Shape {
        if component.is_none() {
            if let Some((_, name)) = self.building.iter().find(|(m, _)| m == at) {
                // Met again inside a component lowered again inside itself (see `component`):
                // the struct being merged here, by its name.
                if self.reentered > 0 {
                    return Shape::Named(name.clone());
                }
                self.error(at, "this `allOf` merges a schema that contains it: the type would contain itself without end");
                return Shape::Any;
            }
        }
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
        self.building.push((at.to_owned(), name.clone()));
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
                let Some(field) =
                    self.merged_field(wire, property, &member_at, owner, required, &name)
                else {
                    continue;
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
        self.building.pop();
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

    /// A property of a member of a merged struct, as a field (its `ident` left for the struct to
    /// name); `None` when the direction leaves it out. `struct_name` names its type when the
    /// property's schema is an inline one.
    fn merged_field(
        &mut self,
        wire: &str,
        property: &ReferenceOr<Box<Schema>>,
        member_at: &str,
        owner: Option<&str>,
        required: &[String],
        struct_name: &str,
    ) -> Option<Field> {
        let document = self.document;
        let field_at = format!("{member_at}/properties/{}", pointer_escape(wire));
        let resolved = document.boxed_schema(property, &field_at).ok();
        let data = resolved.map(|(s, _)| &s.schema_data);
        let skip = match self.dir {
            Dir::Request => data.is_some_and(|d| d.read_only),
            Dir::Response => data.is_some_and(|d| d.write_only),
            Dir::Both => false,
        };
        if skip {
            return None;
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
                    _ => format!("{struct_name}{}", camel(wire)),
                };
                let shape = self.boxed_shape(property, &key.0, &hint);
                self.fields.insert(key, shape.clone());
                shape
            }
        };
        let nullable = resolved.is_some_and(|(s, _)| self.nullable(s));
        let presence = match (required.iter().any(|r| r == wire), nullable) {
            (true, false) => Presence::Required,
            (true, true) => Presence::RequiredNullable,
            (false, false) => Presence::Optional,
            (false, true) => Presence::OptionalNullable,
        };
        Some(Field {
            wire: wire.to_owned(),
            ident: String::new(),
            doc: resolved.and_then(|(s, _)| super::schema::description(s)),
            shape,
            presence,
            default: data.and_then(|d| d.default.clone()),
            deprecated: data.is_some_and(|d| d.deprecated),
        })
    }

    /// Whether any of `schemas` (after `$ref`s) declares properties.
    pub(super) fn has_properties(&self, schemas: &[ReferenceOr<Schema>]) -> bool {
        schemas.iter().any(|schema| {
            self.document
                .schema(schema, "#")
                .is_ok_and(|(s, _)| view(s).properties.is_some_and(|p| !p.is_empty()))
        })
    }

    /// Whether an `allOf` (with the keywords beside it) describes an object or a union, rather
    /// than a string, number or array with constraints added by each member.
    pub(super) fn all_of_is_object(&self, v: &View<'_>, depth: usize) -> bool {
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
    pub(super) fn merged_constraints(&mut self, v: &View<'_>, at: &str, hint: &str) -> Shape {
        let mut shape = Shape::Any;
        for (i, member) in v.all_of.iter().enumerate() {
            let member_at = format!("{at}/allOf/{i}");
            let next = self.shape(member, &member_at, hint);
            shape = self.intersect(shape, next, &member_at);
        }
        self.constrain(shape, v, at)
    }

    /// A value of both shapes: the stricter of each constraint. Shapes of different types keep
    /// the first, with a warning at `at`.
    pub(super) fn intersect(&mut self, first: Shape, second: Shape, at: &str) -> Shape {
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
}

impl<'a> Lowerer<'a> {
    /// The members of an `allOf` with properties to merge, nested `allOf`s flattened in order,
    /// each as (pointer, properties, required, additionalProperties). A `$ref`'d member is
    /// located at its component.
    pub(super) fn all_of_members<'d>(
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
