//! Checks of a request against the constraints of the spec, run before anything is sent.

use std::fmt;

/// Implemented by every generated type: checks a value against the constraints of the spec.
pub trait Validate {
    /// Checks the whole value and returns every violation at once.
    fn validate(&self) -> Result<(), ValidationError> {
        let mut violations = Vec::new();
        self.validate_at(&FieldPath::Root, &mut violations);
        if violations.is_empty() {
            Ok(())
        } else {
            Err(ValidationError { violations })
        }
    }

    /// Checks the value found at `path`, appending what is wrong to `out`. Does nothing for a
    /// type whose schema has no constraints.
    fn validate_at(&self, path: &FieldPath<'_>, out: &mut Vec<Violation>) {
        let _ = (path, out);
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate_at(&self, path: &FieldPath<'_>, out: &mut Vec<Violation>) {
        (**self).validate_at(path, out);
    }
}

impl<T: Validate + ?Sized> Validate for &T {
    fn validate_at(&self, path: &FieldPath<'_>, out: &mut Vec<Violation>) {
        (**self).validate_at(path, out);
    }
}

impl<T: Validate> Validate for [T] {
    fn validate_at(&self, path: &FieldPath<'_>, out: &mut Vec<Violation>) {
        for (index, item) in self.iter().enumerate() {
            item.validate_at(&FieldPath::Index(path, index), out);
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_at(&self, path: &FieldPath<'_>, out: &mut Vec<Violation>) {
        for (index, item) in self.iter().enumerate() {
            item.validate_at(&FieldPath::Index(path, index), out);
        }
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate_at(&self, path: &FieldPath<'_>, out: &mut Vec<Violation>) {
        if let Some(value) = self {
            value.validate_at(path, out);
        }
    }
}

impl<T: Validate> Validate for crate::Nullable<T> {
    fn validate_at(&self, path: &FieldPath<'_>, out: &mut Vec<Violation>) {
        if let crate::Nullable::Value(value) = self {
            value.validate_at(path, out);
        }
    }
}

impl<T: Validate> Validate for std::collections::BTreeMap<String, T> {
    fn validate_at(&self, path: &FieldPath<'_>, out: &mut Vec<Violation>) {
        for (key, value) in self {
            value.validate_at(&FieldPath::Key(path, key), out);
        }
    }
}

/// Where a value sits in a request, printed as `scopes[0].value`. Building one allocates nothing.
#[derive(Debug, Clone, Copy)]
pub enum FieldPath<'a> {
    /// The request body itself.
    Root,
    /// A named field of the value at the inner path.
    Field(&'a FieldPath<'a>, &'static str),
    /// An element of the array at the inner path.
    Index(&'a FieldPath<'a>, usize),
    /// An entry of the map at the inner path.
    Key(&'a FieldPath<'a>, &'a str),
}

impl<'a> FieldPath<'a> {
    /// The parameter or top-level field `name`.
    pub fn param(name: &'static str) -> FieldPath<'static> {
        FieldPath::Field(&FieldPath::Root, name)
    }

    /// The field `name` of the value at this path.
    pub fn field(&'a self, name: &'static str) -> FieldPath<'a> {
        FieldPath::Field(self, name)
    }

    /// The element `index` of the array at this path.
    pub fn index(&'a self, index: usize) -> FieldPath<'a> {
        FieldPath::Index(self, index)
    }

    /// The entry `key` of the map at this path.
    pub fn key(&'a self, key: &'a str) -> FieldPath<'a> {
        FieldPath::Key(self, key)
    }
}

/// The path of the parameter or top-level field `name`: [`FieldPath::param`], shorter to call.
pub fn param(name: &'static str) -> FieldPath<'static> {
    FieldPath::param(name)
}

/// `Ok` when nothing was found wrong, else every violation.
pub fn result(violations: Vec<Violation>) -> Result<(), ValidationError> {
    if violations.is_empty() {
        Ok(())
    } else {
        Err(ValidationError { violations })
    }
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldPath::Root => f.write_str("(body)"),
            FieldPath::Field(FieldPath::Root, name) => f.write_str(name),
            FieldPath::Field(parent, name) => write!(f, "{parent}.{name}"),
            FieldPath::Index(parent, index) => write!(f, "{parent}[{index}]"),
            FieldPath::Key(parent, key) => write!(f, "{parent}[{key:?}]"),
        }
    }
}

/// A constraint of the spec.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Rule {
    /// `minLength`, in characters.
    MinLength(u64),
    /// `maxLength`, in characters.
    MaxLength(u64),
    /// `pattern`, a regular expression the whole value must match somewhere.
    Pattern(&'static str),
    /// `minimum` (`exclusive`: `exclusiveMinimum`).
    Minimum {
        /// The bound.
        limit: f64,
        /// Whether the bound itself is excluded.
        exclusive: bool,
    },
    /// `maximum` (`exclusive`: `exclusiveMaximum`).
    Maximum {
        /// The bound.
        limit: f64,
        /// Whether the bound itself is excluded.
        exclusive: bool,
    },
    /// `minItems`.
    MinItems(u64),
    /// `maxItems`.
    MaxItems(u64),
    /// `uniqueItems`: no item may equal another.
    UniqueItems,
    /// `multipleOf` of an integer.
    MultipleOf(u64),
    /// `dependentRequired`: when the field is present, so must these be.
    DependentRequired(&'static [&'static str]),
    /// `enum`: the value must be one of these.
    OneOf(&'static [&'static str]),
    /// A path parameter must be a whole path segment: not empty, `.` or `..`.
    PathSegment,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::MinLength(n) => write!(f, "minLength: must be at least {n} characters long"),
            Rule::MaxLength(n) => write!(f, "maxLength: must be at most {n} characters long"),
            Rule::Pattern(p) => write!(f, "pattern: must match `{p}`"),
            Rule::Minimum {
                limit,
                exclusive: false,
            } => write!(f, "minimum: must be at least {limit}"),
            Rule::Minimum {
                limit,
                exclusive: true,
            } => write!(f, "exclusiveMinimum: must be greater than {limit}"),
            Rule::Maximum {
                limit,
                exclusive: false,
            } => write!(f, "maximum: must be at most {limit}"),
            Rule::Maximum {
                limit,
                exclusive: true,
            } => write!(f, "exclusiveMaximum: must be less than {limit}"),
            Rule::MinItems(n) => write!(f, "minItems: must have at least {n} items"),
            Rule::MaxItems(n) => write!(f, "maxItems: must have at most {n} items"),
            Rule::UniqueItems => f.write_str("uniqueItems: no item may be repeated"),
            Rule::MultipleOf(n) => write!(f, "multipleOf: must be a multiple of {n}"),
            Rule::DependentRequired(fields) => {
                write!(f, "dependentRequired: when present, so must be {fields:?}")
            }
            Rule::OneOf(values) => write!(f, "enum: must be one of {values:?}"),
            Rule::PathSegment => f.write_str("path parameter: must not be empty, `.` or `..`"),
        }
    }
}

/// One broken constraint: which field, which rule, and what was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The field, as `scopes[0].value`.
    pub path: String,
    /// The constraint it breaks.
    pub rule: Rule,
    /// What was found, shortened when long; `<redacted>` for secrets.
    pub found: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {} (found {})", self.path, self.rule, self.found)
    }
}

/// Every violation found in a request. Nothing was sent.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationError {
    /// The violations, in field order.
    pub violations: Vec<Violation>,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.violations.len();
        write!(f, "{n} invalid field{}: ", if n == 1 { "" } else { "s" })?;
        for (i, violation) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{violation}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

const SHOWN_CHARS: usize = 64;

/// How a string value is shown in a violation: quoted, cut after 64 characters, or redacted.
pub fn show_str(value: &str, secret: bool) -> String {
    if secret {
        return "<redacted>".to_owned();
    }
    let count = value.chars().count();
    if count <= SHOWN_CHARS {
        format!("{value:?}")
    } else {
        let head: String = value.chars().take(SHOWN_CHARS).collect();
        format!("{head:?}... ({count} characters)")
    }
}

/// Checks `minLength` and `maxLength`, counting characters (Unicode scalar values), not bytes.
#[inline]
pub fn length(
    path: &FieldPath<'_>,
    value: &str,
    min: Option<u64>,
    max: Option<u64>,
    out: &mut Vec<Violation>,
) {
    check_length(path, value, min, max, false, out);
}

/// [`length`] for a secret: the value is never shown in the violation.
#[inline]
pub fn secret_length(
    path: &FieldPath<'_>,
    value: &str,
    min: Option<u64>,
    max: Option<u64>,
    out: &mut Vec<Violation>,
) {
    check_length(path, value, min, max, true, out);
}

#[inline]
fn check_length(
    path: &FieldPath<'_>,
    value: &str,
    min: Option<u64>,
    max: Option<u64>,
    secret: bool,
    out: &mut Vec<Violation>,
) {
    // A character takes 1 to 4 bytes in UTF-8, so the string has at most `len` characters and at
    // least a quarter of that: they are counted only when its length in bytes cannot decide.
    // That test is inlined where it is called; counting is not.
    let bytes = value.len() as u64;
    let short_enough = max.map_or(true, |max| bytes <= max);
    let long_enough = min.map_or(true, |min| bytes.div_ceil(4) >= min);
    if !(short_enough && long_enough) {
        count_length(path, value, min, max, secret, out);
    }
}

/// [`check_length`] when the length in bytes cannot decide: counts the characters.
#[cold]
#[inline(never)]
fn count_length(
    path: &FieldPath<'_>,
    value: &str,
    min: Option<u64>,
    max: Option<u64>,
    secret: bool,
    out: &mut Vec<Violation>,
) {
    let count = value.chars().count() as u64;
    let rule = match (min, max) {
        (Some(min), _) if count < min => Rule::MinLength(min),
        (_, Some(max)) if count > max => Rule::MaxLength(max),
        _ => return,
    };
    let found = format!("{} ({count} characters)", show_str(value, secret));
    out.push(Violation {
        path: path.to_string(),
        rule,
        found,
    });
}

/// Checks `minimum` and `maximum`.
pub fn range(
    path: &FieldPath<'_>,
    value: f64,
    min: Option<f64>,
    max: Option<f64>,
    out: &mut Vec<Violation>,
) {
    check_range(
        path,
        value,
        min.map(|v| (v, false)),
        max.map(|v| (v, false)),
        out,
    );
}

/// Checks `minimum`/`maximum` and their exclusive forms: each bound with whether it is excluded.
pub fn check_range(
    path: &FieldPath<'_>,
    value: f64,
    min: Option<(f64, bool)>,
    max: Option<(f64, bool)>,
    out: &mut Vec<Violation>,
) {
    let rule = match (min, max) {
        (Some((limit, exclusive)), _) if value < limit || (exclusive && value == limit) => {
            Rule::Minimum { limit, exclusive }
        }
        (_, Some((limit, exclusive))) if value > limit || (exclusive && value == limit) => {
            Rule::Maximum { limit, exclusive }
        }
        _ => return,
    };
    out.push(Violation {
        path: path.to_string(),
        rule,
        found: value.to_string(),
    });
}

/// Checks `minItems` and `maxItems`.
pub fn items(
    path: &FieldPath<'_>,
    len: usize,
    min: Option<u64>,
    max: Option<u64>,
    out: &mut Vec<Violation>,
) {
    let len = len as u64;
    let rule = match (min, max) {
        (Some(min), _) if len < min => Rule::MinItems(min),
        (_, Some(max)) if len > max => Rule::MaxItems(max),
        _ => return,
    };
    out.push(Violation {
        path: path.to_string(),
        rule,
        found: format!("{len} items"),
    });
}

/// Checks `uniqueItems`: the first item equal to an earlier one is the violation.
pub fn unique<T: PartialEq>(
    path: &FieldPath<'_>,
    items: impl AsRef<[T]>,
    out: &mut Vec<Violation>,
) {
    let items = items.as_ref();
    let repeated = (1..items.len()).find(|&i| items[..i].contains(&items[i]));
    if let Some(index) = repeated {
        out.push(Violation {
            path: path.to_string(),
            rule: Rule::UniqueItems,
            found: format!("item {index} repeats an earlier one"),
        });
    }
}

/// Checks `multipleOf` of an integer.
pub fn multiple_of(path: &FieldPath<'_>, value: i128, of: u64, out: &mut Vec<Violation>) {
    if value % i128::from(of) != 0 {
        out.push(Violation {
            path: path.to_string(),
            rule: Rule::MultipleOf(of),
            found: value.to_string(),
        });
    }
}

/// Checks `dependentRequired`: when the field at `path` is `present`, each field it `requires`
/// must be too (`set` says, in the same order, which are).
pub fn dependent(
    path: &FieldPath<'_>,
    present: bool,
    requires: &'static [&'static str],
    set: &[bool],
    out: &mut Vec<Violation>,
) {
    let missing: Vec<&str> = requires
        .iter()
        .zip(set)
        .filter(|(_, set)| !**set)
        .map(|(name, _)| *name)
        .collect();
    if present && !missing.is_empty() {
        out.push(Violation {
            path: path.to_string(),
            rule: Rule::DependentRequired(requires),
            found: format!("no {}", missing.join(", ")),
        });
    }
}

/// Records a value that breaks `pattern`.
pub fn pattern_violation(
    path: &FieldPath<'_>,
    value: &str,
    pattern: &'static str,
    secret: bool,
    out: &mut Vec<Violation>,
) {
    let found = show_str(value, secret);
    out.push(Violation {
        path: path.to_string(),
        rule: Rule::Pattern(pattern),
        found,
    });
}

/// Records an enum value the spec does not list.
pub fn unknown_variant(
    path: &FieldPath<'_>,
    value: &str,
    allowed: &'static [&'static str],
    out: &mut Vec<Violation>,
) {
    out.push(Violation {
        path: path.to_string(),
        rule: Rule::OneOf(allowed),
        found: show_str(value, false),
    });
}

/// Checks that a path parameter can be sent as one path segment: URL parsers drop `.` and `..`
/// (encoded or not), and an empty segment would address another resource.
pub fn segment(path: &FieldPath<'_>, value: &str, out: &mut Vec<Violation>) {
    if matches!(value, "" | "." | "..") {
        out.push(Violation {
            path: path.to_string(),
            rule: Rule::PathSegment,
            found: show_str(value, false),
        });
    }
}
