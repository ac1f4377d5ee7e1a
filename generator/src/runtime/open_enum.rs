//! Deserializing open enums without allocating for the values the spec lists.

use std::fmt;
use std::marker::PhantomData;

/// Deserializes a string into an open enum through its `From<&str>`.
pub(crate) fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct Visitor<T>(PhantomData<T>);

    impl<T: for<'a> From<&'a str>> serde::de::Visitor<'_> for Visitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(Visitor(PhantomData))
}

/// The impls of an open enum: its listed values, text conversions both ways, serde, and a check
/// that refuses, in requests, a value the spec does not list. `$other` is the variant that keeps
/// any other value.
#[allow(unused_macros)]
macro_rules! open_enum {
    ($name:ident, $other:ident, [$($variant:ident = $value:literal),* $(,)?]) => {
        impl $name {
            /// The values the spec lists, as sent on the wire.
            pub const VALUES: &'static [&'static str] = &[$($value),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::$other(value) => value,
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::$other(other.to_owned()),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::open_enum::deserialize(deserializer)
            }
        }

        impl $crate::Validate for $name {
            fn validate_at(&self, path: &$crate::FieldPath<'_>, out: &mut Vec<$crate::Violation>) {
                // A listed value built by hand as the catch-all is still a listed value.
                match self {
                    Self::$other(value) if !Self::VALUES.contains(&value.as_str()) => {
                        $crate::validation::unknown_variant(path, value, Self::VALUES, out);
                    }
                    _ => {}
                }
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use open_enum;
