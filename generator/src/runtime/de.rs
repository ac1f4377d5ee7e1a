//! Deserializing structs: what `#[derive(serde::Deserialize)]` does for the generated structs, in
//! about a third of the code the compiler has to check.
//!
//! serde's derive writes, for every struct, a field enum with its own `Deserialize`, a visitor for
//! JSON objects and another for sequences (which JSON never uses for these types), and per field
//! a duplicate check and a missing-field branch: about 270 lines per struct once expanded, more
//! than all the other derives of a large crate together. [`deserialize!`] writes one `match` on
//! the key per struct and calls the shared, generic helpers below for the rest (about 90 lines
//! per struct expanded). What it accepts and the errors it gives are serde's (`missing field`,
//! `duplicate field`, `unknown field .., expected one of ..`; an object's unknown properties
//! ignored, refused, or kept in a map), but for one thing: a JSON array is not read as a struct.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Error, IgnoredAny, MapAccess, Visitor};

/// A struct read from a map's entries: what [`deserialize!`] implements.
pub(crate) trait FromMap<'de>: Sized {
    /// The struct's name, for "invalid type: .., expected struct Name".
    const NAME: &'static str;
    /// The wire names of its fields, for "unknown field .., expected one of ..".
    const FIELDS: &'static [&'static str];

    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of a [`FromMap`] struct.
pub(crate) fn deserialize_struct<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: FromMap<'de>,
{
    struct StructVisitor<T>(PhantomData<T>);

    impl<'de, T: FromMap<'de>> Visitor<'de> for StructVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "struct {}", T::NAME)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::from_map(map)
        }
    }

    deserializer.deserialize_struct(T::NAME, T::FIELDS, StructVisitor(PhantomData))
}

/// A key of a map: borrowed from the input when the deserializer can lend it (`serde_json` on
/// bytes, for a key without escapes), so matching it allocates nothing.
pub(crate) struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E: Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }

            fn visit_str<E: Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }

            fn visit_string<E: Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }

        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Reads the value of field `name` into its slot; a second value for it is an error.
pub(crate) fn slot<'de, A, T>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// A required field's value; missing, it is an error naming the field.
pub(crate) fn required<T, E: Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// An optional field's value; missing, its default (`None`, or `Nullable::Absent`).
pub(crate) fn optional<T: Default, E: Error>(slot: Option<T>, _name: &'static str) -> Result<T, E> {
    Ok(slot.unwrap_or_default())
}

/// A property the struct does not list, where its schema allows others: skipped.
pub(crate) fn ignore<'de, A: MapAccess<'de>>(map: &mut A, _key: Key<'de>) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

/// A property the struct does not list, where its schema allows no other: an error naming it.
pub(crate) fn deny<E: Error>(key: Key<'_>, expected: &'static [&'static str]) -> Result<(), E> {
    Err(E::unknown_field(key.as_str(), expected))
}

/// A property the struct does not list, kept in its map of other properties.
pub(crate) fn keep<'de, A, V>(
    map: &mut A,
    key: Key<'de>,
    others: &mut std::collections::BTreeMap<String, V>,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    V: Deserialize<'de>,
{
    let value = map.next_value()?;
    others.insert(key.into_string(), value);
    Ok(())
}

/// `Deserialize` for a struct: `deserialize!(Name, unknown, [field = "wire" presence, ...])`,
/// where `= "wire"` is left out when the field's name is its wire name.
///
/// `unknown` says what becomes of a property the struct does not list: `ignore`, `deny` (an
/// error naming it), or `keep(field)` (into that `BTreeMap<String, _>` field). `presence` is
/// `required` (missing is an error) or `optional` (missing is the field type's default).
#[allow(unused_macros)]
macro_rules! deserialize {
    (@wire $field:ident = $wire:literal) => {
        $wire
    };
    (@wire $field:ident) => {
        stringify!($field)
    };
    (@declare $others:ident, keep($kept:ident)) => {
        let mut $others = std::collections::BTreeMap::new();
    };
    (@declare $others:ident, $unknown:ident) => {};
    (@unknown $map:ident, $key:ident, $others:ident, ignore) => {
        $crate::de::ignore(&mut $map, $key)?
    };
    (@unknown $map:ident, $key:ident, $others:ident, deny) => {
        $crate::de::deny::<A::Error>($key, Self::FIELDS)?
    };
    (@unknown $map:ident, $key:ident, $others:ident, keep($kept:ident)) => {
        $crate::de::keep(&mut $map, $key, &mut $others)?
    };
    (
        @build $name:ident, $others:ident, [keep($kept:ident)],
        [$($field:ident $(= $wire:literal)? $presence:ident),*]
    ) => {
        $name {
            $(
                $field: $crate::de::$presence(
                    $field,
                    $crate::de::deserialize!(@wire $field $(= $wire)?),
                )?,
            )*
            $kept: $others,
        }
    };
    (
        @build $name:ident, $others:ident, [$unknown:ident],
        [$($field:ident $(= $wire:literal)? $presence:ident),*]
    ) => {
        $name {
            $(
                $field: $crate::de::$presence(
                    $field,
                    $crate::de::deserialize!(@wire $field $(= $wire)?),
                )?,
            )*
        }
    };
    (
        $name:ident,
        $unknown:ident $(($kept:ident))?,
        [$($field:ident $(= $wire:literal)? $presence:ident),* $(,)?]
    ) => {
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::de::deserialize_struct(deserializer)
            }
        }

        #[allow(deprecated)]
        impl<'de> $crate::de::FromMap<'de> for $name {
            const NAME: &'static str = stringify!($name);
            const FIELDS: &'static [&'static str] =
                &[$($crate::de::deserialize!(@wire $field $(= $wire)?)),*];

            fn from_map<A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                $(let mut $field = None;)*
                $crate::de::deserialize!(@declare others, $unknown $(($kept))?);
                while let Some(key) = map.next_key::<$crate::de::Key<'de>>()? {
                    match key.as_str() {
                        $(
                            $crate::de::deserialize!(@wire $field $(= $wire)?) => {
                                $crate::de::slot(
                                    &mut map,
                                    &mut $field,
                                    $crate::de::deserialize!(@wire $field $(= $wire)?),
                                )?
                            }
                        )*
                        _ => $crate::de::deserialize!(
                            @unknown map, key, others, $unknown $(($kept))?
                        ),
                    }
                }
                Ok($crate::de::deserialize!(
                    @build $name, others, [$unknown $(($kept))?],
                    [$($field $(= $wire)? $presence),*]
                ))
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use deserialize;
