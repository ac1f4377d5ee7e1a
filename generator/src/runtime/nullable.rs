//! [`Nullable`]: the three states of an optional, nullable field.

/// A field that may be left out, set to `null`, or set to a value.
///
/// The three states are kept apart on the wire, in both directions:
///
/// | state                   | serialized as            | deserialized from   |
/// |-------------------------|--------------------------|---------------------|
/// | [`Nullable::Absent`]    | the field is left out    | a missing field     |
/// | [`Nullable::Null`]      | `"field": null`          | `"field": null`     |
/// | [`Nullable::Value`]     | `"field": <value>`       | `"field": <value>`  |
///
/// In a PATCH body, `Absent` leaves the stored value alone and `Null` clears it.
/// The generated types write a field of this type only when it is not absent, and read a missing
/// one as absent (its `Default`), which is what makes the absent state disappear from the JSON.
/// Anywhere else it serializes as an `Option` would.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Nullable<T> {
    /// Not present: the field is left out of the JSON.
    #[default]
    Absent,
    /// Present and explicitly `null`.
    Null,
    /// Present with a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// `true` when the field is left out.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// `true` when the field is explicitly `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// Borrows the value, keeping the state.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(value) => Nullable::Value(value),
        }
    }

    /// Turns the field into `None` (absent), `Some(None)` (null) or `Some(Some(value))`.
    pub fn into_option(self) -> Option<Option<T>> {
        match self {
            Nullable::Absent => None,
            Nullable::Null => Some(None),
            Nullable::Value(value) => Some(Some(value)),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `None` becomes [`Nullable::Null`]: a present field set to `null`.
    fn from(value: Option<T>) -> Self {
        match value {
            Some(value) => Nullable::Value(value),
            None => Nullable::Null,
        }
    }
}

impl<T: serde::Serialize> serde::Serialize for Nullable<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Only reached outside a generated struct, which leaves an absent field out; `null`
            // is the closest JSON has to "not there".
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
            Nullable::Value(value) => serializer.serialize_some(value),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Nullable<T> {
    /// A present field is `Null` or `Value`; a missing one is `Absent`, its `Default`.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Nullable::from)
    }
}
