//! `oneOf`/`anyOf` as a [`Union`](super::Union): tagged by `discriminator` (or an implicit one: a
//! required property each member fixes to one value), else ordered most specific first
//! (`specificity`); an inline member of an implicitly tagged union is named by its tag value
//! (`Point`, not `Mark1`).
//!
//! With an implicit tag and only inline object members, `move_tag_to_union` takes the tag property
//! out of the members' structs (and drops the one-value enums made for it) and marks the variants
//! `inline`: the union writes the tag (`Union::writes_tag`, serde's internally tagged form) and each
//! member is a struct variant (`Mark::Point { x, y }`), so a value is built without restating the
//! tag and without a type per member.

use std::collections::BTreeSet;

use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use super::dir::Key;
use super::view::{view, View};
use super::{Lowerer, Presence, Shape, TypeDef, Union, Variant};
use crate::names::{camel, Scope};

/// The variant name of a union member: its type's name, or what kind of value it is.
pub(super) fn variant_name(shape: &Shape) -> String {
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

impl Lowerer<'_> {
    /// A `oneOf`/`anyOf` as a union: tagged by the discriminator when every member is a `$ref`
    /// it can name, else tried in order of specificity.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn union(
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
        if self.reentered > 0 {
            // Met again inside a component lowered again inside itself (see `component`).
            if let Some((_, name)) = self.building.iter().find(|(b, _)| b == at) {
                return Shape::Named(name.clone());
            }
        }
        let name = self.type_name(hint, component);
        if let Some(key) = component {
            self.components
                .insert(key.clone(), Shape::Named(name.clone()));
        }
        self.building.push((at.to_owned(), name.clone()));
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
            // A `$ref`, or one wrapped with annotations (a 3.1 `$ref` with a `title`, say).
            let reference = match member {
                ReferenceOr::Reference { reference } => Some(reference.as_str()),
                ReferenceOr::Item(schema) => super::schema::wrapped_reference(schema),
            };
            let tags = match (discriminator, reference) {
                _ if implicit.is_some() => vec![implicit.as_ref().unwrap().1[i].clone()],
                (Some(d), Some(reference)) => {
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
                    // No mapping names it: the one value the member allows the property (what
                    // servers send, OpenAI's `type: {enum: [tokens]}`), else the schema's name
                    // (OpenAPI's implicit mapping).
                    if tags.is_empty() {
                        let fixed = document.schema_ref(reference, &member_at).ok();
                        match fixed.and_then(|(s, _)| self.fixed_string(&view(s), &d.property_name))
                        {
                            Some(value) => tags.push(value),
                            None => tags.extend(target.map(str::to_owned)),
                        }
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
                ReferenceOr::Item(schema) if schema.schema_data.title.is_some() => {
                    schema.schema_data.title.as_deref().map(camel)
                }
                _ => reference.and_then(|reference| {
                    let (_, target) = document.schema_ref(reference, &member_at).ok()?;
                    Some(self.component_names[target].clone())
                }),
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
        // Two members picked by one value (OpenAI's input and output messages both fix `type` to
        // `message`): the value cannot tell them apart, so their shapes do.
        let mut seen = BTreeSet::new();
        let shared = variants
            .iter()
            .flat_map(|v| &v.tags)
            .find(|tag| !seen.insert(tag.as_str()))
            .cloned();
        if let (Some(tag), true) = (&shared, tagged) {
            tagged = false;
            self.warn(at, format!("two members have the discriminator value `{tag}`; the members are told apart by their shape instead"));
        } else if discriminator.is_some() && !tagged {
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
        self.building.pop();
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
    pub(super) fn move_tag_to_union(
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
    pub(super) fn string_values(&self, members: &[ReferenceOr<Schema>]) -> Option<Vec<String>> {
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

    /// The one string `object` allows its `property` (`type: {enum: [circle]}`), when it allows
    /// one.
    fn fixed_string(&self, object: &View<'_>, property: &str) -> Option<String> {
        let schema = object.properties?.get(property)?;
        let (schema, _) = self.document.boxed_schema(schema, "#").ok()?;
        match view(schema).enumeration.as_slice() {
            [Value::String(value)] => Some(value.clone()),
            _ => None,
        }
    }

    /// A property every member requires and fixes to its own single string (`type: {enum: [circle]}`),
    /// which tells the members apart as a discriminator would; with the value of each member.
    pub(super) fn implicit_tag(
        &self,
        members: &[ReferenceOr<Schema>],
    ) -> Option<(String, Vec<String>)> {
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
                match self.fixed_string(object, property) {
                    Some(tag) if !tags.contains(&tag) => tags.push(tag),
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
    pub(super) fn specificity(&self, shape: &Shape) -> (u8, std::cmp::Reverse<usize>) {
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
}
