//! [`View`]: the several ways `openapiv3` classifies a schema flattened into one set of keywords,
//! so lowering reads each keyword once.

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

/// The parts of a schema this generator reads, whichever way `openapiv3` classified it.
#[derive(Default)]
pub(super) struct View<'a> {
    pub(super) typ: Option<&'a str>,
    pub(super) format: Option<&'a str>,
    pub(super) pattern: Option<&'a str>,
    pub(super) min_length: Option<usize>,
    pub(super) max_length: Option<usize>,
    pub(super) min: Option<(f64, bool)>,
    pub(super) max: Option<(f64, bool)>,
    pub(super) properties: Option<&'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>>,
    pub(super) required: &'a [String],
    pub(super) additional: Option<&'a AdditionalProperties>,
    pub(super) items: Option<&'a ReferenceOr<Box<Schema>>>,
    pub(super) min_items: Option<usize>,
    pub(super) max_items: Option<usize>,
    pub(super) unique_items: bool,
    pub(super) multiple_of: Option<f64>,
    pub(super) enumeration: Vec<Value>,
    pub(super) all_of: &'a [ReferenceOr<Schema>],
    pub(super) one_of: &'a [ReferenceOr<Schema>],
    pub(super) any_of: &'a [ReferenceOr<Schema>],
    pub(super) not: bool,
}

pub(super) fn view(schema: &Schema) -> View<'_> {
    let bound = |value: Option<f64>, exclusive: bool| value.map(|v| (v, exclusive));
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(t)) => View {
            typ: Some("string"),
            format: format_name(&t.format),
            pattern: t.pattern.as_deref(),
            min_length: t.min_length,
            max_length: t.max_length,
            enumeration: t
                .enumeration
                .iter()
                .map(|v| v.clone().map_or(Value::Null, Value::String))
                .collect(),
            ..View::default()
        },
        SchemaKind::Type(Type::Integer(t)) => View {
            typ: Some("integer"),
            format: format_name(&t.format),
            min: bound(t.minimum.map(|v| v as f64), t.exclusive_minimum),
            max: bound(t.maximum.map(|v| v as f64), t.exclusive_maximum),
            multiple_of: t.multiple_of.map(|v| v as f64),
            ..View::default()
        },
        SchemaKind::Type(Type::Number(t)) => View {
            typ: Some("number"),
            format: format_name(&t.format),
            min: bound(t.minimum, t.exclusive_minimum),
            max: bound(t.maximum, t.exclusive_maximum),
            multiple_of: t.multiple_of,
            ..View::default()
        },
        SchemaKind::Type(Type::Boolean(_)) => View {
            typ: Some("boolean"),
            ..View::default()
        },
        SchemaKind::Type(Type::Object(t)) => View {
            typ: Some("object"),
            properties: Some(&t.properties),
            required: &t.required,
            additional: t.additional_properties.as_ref(),
            ..View::default()
        },
        SchemaKind::Type(Type::Array(t)) => View {
            typ: Some("array"),
            items: t.items.as_ref(),
            min_items: t.min_items,
            max_items: t.max_items,
            unique_items: t.unique_items,
            ..View::default()
        },
        SchemaKind::OneOf { one_of } => View {
            one_of,
            ..View::default()
        },
        SchemaKind::AllOf { all_of } => View {
            all_of,
            ..View::default()
        },
        SchemaKind::AnyOf { any_of } => View {
            any_of,
            ..View::default()
        },
        SchemaKind::Not { .. } => View {
            not: true,
            ..View::default()
        },
        SchemaKind::Any(a) => View {
            typ: a.typ.as_deref(),
            format: a.format.as_deref(),
            pattern: a.pattern.as_deref(),
            min_length: a.min_length,
            max_length: a.max_length,
            min: bound(a.minimum, a.exclusive_minimum.unwrap_or(false)),
            max: bound(a.maximum, a.exclusive_maximum.unwrap_or(false)),
            properties: Some(&a.properties).filter(|p| !p.is_empty()),
            required: &a.required,
            additional: a.additional_properties.as_ref(),
            items: a.items.as_ref(),
            min_items: a.min_items,
            max_items: a.max_items,
            unique_items: a.unique_items.unwrap_or(false),
            multiple_of: a.multiple_of,
            enumeration: a.enumeration.clone(),
            all_of: &a.all_of,
            one_of: &a.one_of,
            any_of: &a.any_of,
            not: a.not.is_some(),
        },
    }
}

/// The `format` keyword of a typed schema, as written in the spec.
pub(super) fn format_name<T: FormatName>(
    format: &openapiv3::VariantOrUnknownOrEmpty<T>,
) -> Option<&str> {
    match format {
        openapiv3::VariantOrUnknownOrEmpty::Item(item) => Some(item.name()),
        openapiv3::VariantOrUnknownOrEmpty::Unknown(name) => Some(name),
        openapiv3::VariantOrUnknownOrEmpty::Empty => None,
    }
}

pub(super) trait FormatName {
    fn name(&self) -> &'static str;
}

impl FormatName for openapiv3::StringFormat {
    fn name(&self) -> &'static str {
        match self {
            openapiv3::StringFormat::Date => "date",
            openapiv3::StringFormat::DateTime => "date-time",
            openapiv3::StringFormat::Password => "password",
            openapiv3::StringFormat::Byte => "byte",
            openapiv3::StringFormat::Binary => "binary",
        }
    }
}

impl FormatName for openapiv3::IntegerFormat {
    fn name(&self) -> &'static str {
        match self {
            openapiv3::IntegerFormat::Int32 => "int32",
            openapiv3::IntegerFormat::Int64 => "int64",
        }
    }
}

impl FormatName for openapiv3::NumberFormat {
    fn name(&self) -> &'static str {
        match self {
            openapiv3::NumberFormat::Float => "float",
            openapiv3::NumberFormat::Double => "double",
        }
    }
}
