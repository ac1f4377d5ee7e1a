//! Directions: a component schema with `readOnly`/`writeOnly` properties (itself or inside) is
//! lowered once per direction: the request type drops read-only properties, the response type
//! write-only ones. Every other is lowered once, as [`Dir::Both`].

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};

use super::view::view;
use super::Lowerer;

/// Which way a value travels. A schema with `readOnly` or `writeOnly` properties gets a type per
/// direction: `readOnly` properties are left out of the request type, `writeOnly` ones out of the
/// response type. Every other schema has one type, keyed [`Dir::Both`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Dir {
    Request,
    Response,
    Both,
}

/// A component schema lowered in one direction.
pub(super) type Key = (String, Dir);

impl Lowerer<'_> {
    /// Whether the component schema `name` has `readOnly`/`writeOnly` properties, itself or inside
    /// (as [`Lowerer::find_directional`] worked out).
    pub(super) fn is_directional(&self, name: &str) -> bool {
        self.directional.get(name).copied().unwrap_or(false)
    }

    /// Works out [`Lowerer::is_directional`] for every component schema: marks those with such
    /// properties of their own, then those referring to a marked one, until nothing changes (so
    /// `$ref` cycles get the same answer whatever the order).
    pub(super) fn find_directional(&mut self, names: &[String]) {
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

    pub(super) fn schema_directional(&self, schema: &Schema) -> bool {
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
}
