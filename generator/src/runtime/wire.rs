//! Serializing and deserializing structs: what `#[derive(serde::Serialize, serde::Deserialize)]`
//! does for the generated structs, in a fraction of the code the compiler has to check.
//!
//! serde's `Deserialize` derive writes, for every struct, a field enum with its own `Deserialize`,
//! a visitor for JSON objects and another for sequences (which JSON never uses for these types),
//! and per field a duplicate check and a missing-field branch: about 270 lines per struct once
//! expanded, more than all the other derives of a large crate together; its `Serialize` derive
//! about 50 more. [`serde_struct!`] writes one `match` on the key and one call per field to
//! write, and calls the shared, generic helpers below for the rest. What it accepts and the errors
//! it gives are serde's (`missing field`, `duplicate field`, `unknown field .., expected one of
//! ..`; an object's unknown properties ignored, refused, or kept in a map), but for one thing: a
//! JSON array is not read as a struct. What it writes is what the derive writes: the fields in
//! order, a field left out (`None`, `Nullable::Absent`) not written, and the kept properties
//! after the fields, as `#[serde(flatten)]` writes them.
//!
//! [`serde_union!`] does the same for the unions' enums, in place of serde's `untagged` derive,
//! so that the crate needs no proc macro of serde's at all (building `serde_derive` was about
//! 1.4 s of a cold build's dependencies, all before the crate's own check): a value is read once
//! into a `serde_json::Value` and tried against each variant in order, or picked by its tag; a
//! variant is written as its value.
//!
//! What the compiler checks per struct is kept to straight-line code without `?`, whose
//! `Try` and `From` calls cost the type and borrow checkers more than anything else in these
//! impls: a key read is one `match` whose arms all give a `Result`, an error returned by hand
//! after it; a missing required field is a `match` too; and the fields are written through a
//! [`Writer`] that keeps the first error. (With a `?` per field, these impls were 20 % of the
//! `cargo check` of a crate of 1,600 structs, and of its peak memory.)

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Error, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeStruct};

/// A struct read from a map's entries: what [`serde_struct!`] implements.
pub(crate) trait FromMap<'de>: Sized {
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of a [`FromMap`] struct: `name` for "invalid type: .., expected
/// struct Name", `fields` (the wire names) for the deserializer.
pub(crate) fn deserialize_struct<'de, D, T>(
    deserializer: D,
    name: &'static str,
    fields: &'static [&'static str],
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: FromMap<'de>,
{
    struct StructVisitor<T>(&'static str, PhantomData<T>);

    impl<'de, T: FromMap<'de>> Visitor<'de> for StructVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "struct {}", self.0)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::from_map(map)
        }
    }

    deserializer.deserialize_struct(name, fields, StructVisitor(name, PhantomData))
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

/// Where a struct's fields are written: a `SerializeStruct`, or a `SerializeMap` for a struct that
/// keeps other properties (as serde's `flatten` does).
pub(crate) trait Sink {
    type Error;

    fn field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Self::Error>;

    fn skip(&mut self, name: &'static str) -> Result<(), Self::Error>;
}

/// A struct being written, by its fields' presence in [`serde_struct!`]. The first error is kept
/// and the writes after it do nothing, so the generated `serialize` is a plain list of calls
/// (why, in the module's documentation).
pub(crate) struct Writer<K: Sink>(Result<K, K::Error>);

impl<K: Sink> Writer<K> {
    pub(crate) fn new(sink: Result<K, K::Error>) -> Self {
        Writer(sink)
    }

    fn write(&mut self, write: impl FnOnce(&mut K) -> Result<(), K::Error>) {
        if let Ok(sink) = &mut self.0 {
            if let Err(error) = write(sink) {
                self.0 = Err(error);
            }
        }
    }

    /// Always written.
    pub(crate) fn required<T: Serialize>(&mut self, name: &'static str, value: &T) {
        self.write(|sink| sink.field(name, value));
    }

    /// Always written; `None` as `null`.
    pub(crate) fn nullable<T: Serialize>(&mut self, name: &'static str, value: &T) {
        self.required(name, value);
    }

    /// Written unless left out.
    pub(crate) fn optional<T: Serialize + Omit>(&mut self, name: &'static str, value: &T) {
        self.write(|sink| match value.omitted() {
            true => sink.skip(name),
            false => sink.field(name, value),
        });
    }
}

impl<S: SerializeStruct> Writer<Fields<S>> {
    pub(crate) fn end(self) -> Result<S::Ok, S::Error> {
        self.0?.0.end()
    }
}

impl<M: SerializeMap> Writer<Entries<M>> {
    /// The kept properties after the fields, then the end of the map.
    pub(crate) fn end_with<V: Serialize>(
        self,
        others: &std::collections::BTreeMap<String, V>,
    ) -> Result<M::Ok, M::Error> {
        let mut map = self.0?.0;
        for (key, value) in others {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// A struct variant of a union that writes its tag, as serde's internally tagged form writes it:
/// the union's name, `len` fields and the tag, which is written first.
pub(crate) fn tagged<S: serde::Serializer>(
    serializer: S,
    name: &'static str,
    len: usize,
    property: &'static str,
    tag: &'static str,
) -> Writer<Fields<S::SerializeStruct>> {
    let mut out = Writer::new(serializer.serialize_struct(name, len + 1).map(Fields));
    out.required(property, &tag);
    out
}

/// The fields of a struct without other properties.
pub(crate) struct Fields<S>(pub(crate) S);

impl<S: SerializeStruct> Sink for Fields<S> {
    type Error = S::Error;

    fn field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        self.0.serialize_field(name, value)
    }

    fn skip(&mut self, name: &'static str) -> Result<(), S::Error> {
        self.0.skip_field(name)
    }
}

/// The entries of a struct that keeps other properties.
pub(crate) struct Entries<M>(pub(crate) M);

impl<M: SerializeMap> Sink for Entries<M> {
    type Error = M::Error;

    fn field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        self.0.serialize_entry(name, value)
    }

    fn skip(&mut self, _: &'static str) -> Result<(), M::Error> {
        Ok(())
    }
}

/// A field that is not written when left out: `None`, or `Nullable::Absent`.
pub(crate) trait Omit {
    fn omitted(&self) -> bool;
}

impl<T> Omit for Option<T> {
    fn omitted(&self) -> bool {
        self.is_none()
    }
}

impl<T> Omit for crate::Nullable<T> {
    fn omitted(&self) -> bool {
        self.is_absent()
    }
}

/// How many fields are written, by presence: the length `serialize_struct` is told.
pub(crate) mod count {
    use super::Omit;

    pub(crate) fn required<T>(_: &T) -> usize {
        1
    }

    pub(crate) fn nullable<T>(_: &T) -> usize {
        1
    }

    pub(crate) fn optional<T: Omit>(value: &T) -> usize {
        usize::from(!value.omitted())
    }
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

/// `Serialize` and `Deserialize` for a struct:
/// `serde_struct!(Name, unknown, [field = "wire" presence, ...])`, with each field's wire name
/// written even when it is the field's name.
///
/// `unknown` says what becomes of a property the struct does not list: `ignore`, `deny` (an
/// error naming it), or `keep(field)` (into that `BTreeMap<String, _>` field, written after the
/// fields). `presence` is `required` (missing is an error), `nullable` (an `Option` always
/// written, `None` as `null`; missing, it is `None`) or `optional` (missing, the field type's
/// default; not written when left out).
#[allow(unused_macros)]
macro_rules! serde_struct {
    (@take required $field:ident = $wire:literal) => {
        match $field {
            Some(value) => value,
            None => return Err(serde::de::Error::missing_field($wire)),
        }
    };
    (@take $presence:ident $field:ident = $wire:literal) => {
        $field.unwrap_or_default()
    };
    (@declare $others:ident, keep($kept:ident)) => {
        let mut $others = std::collections::BTreeMap::new();
    };
    (@declare $others:ident, $unknown:ident) => {};
    (@unknown $map:ident, $key:ident, $others:ident, ignore, $fields:tt) => {
        $crate::wire::ignore(&mut $map, $key)
    };
    (@unknown $map:ident, $key:ident, $others:ident, deny, [$($wire:literal),*]) => {
        $crate::wire::deny::<A::Error>($key, &[$($wire),*])
    };
    (@unknown $map:ident, $key:ident, $others:ident, keep($kept:ident), $fields:tt) => {
        $crate::wire::keep(&mut $map, $key, &mut $others)
    };
    (
        @build $name:ident, $others:ident, [$unknown:ident $(($kept:ident))?],
        [$($field:ident = $wire:literal $presence:ident),*]
    ) => {
        $name {
            $(
                $field: $crate::wire::serde_struct!(@take $presence $field = $wire),
            )*
            $($kept: $others,)?
        }
    };
    (
        @serialize $this:ident, $serializer:ident, $name:ident, [keep($kept:ident)],
        [$($field:ident = $wire:literal $presence:ident),*]
    ) => {{
        let map = serde::Serializer::serialize_map($serializer, None);
        #[allow(unused_mut)]
        let mut out = $crate::wire::Writer::new(map.map($crate::wire::Entries));
        $(out.$presence($wire, &$this.$field);)*
        out.end_with(&$this.$kept)
    }};
    (
        @serialize $this:ident, $serializer:ident, $name:ident, [$unknown:ident],
        [$($field:ident = $wire:literal $presence:ident),*]
    ) => {{
        let len = 0 $(+ $crate::wire::count::$presence(&$this.$field))*;
        let fields = serde::Serializer::serialize_struct($serializer, stringify!($name), len);
        #[allow(unused_mut)]
        let mut out = $crate::wire::Writer::new(fields.map($crate::wire::Fields));
        $(out.$presence($wire, &$this.$field);)*
        out.end()
    }};
    (
        $name:ident,
        $unknown:ident $(($kept:ident))?,
        [$($field:ident = $wire:literal $presence:ident),* $(,)?]
    ) => {
        #[allow(deprecated)]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $crate::wire::serde_struct!(
                    @serialize self, serializer, $name, [$unknown $(($kept))?],
                    [$($field = $wire $presence),*]
                )
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::wire::deserialize_struct(deserializer, stringify!($name), &[$($wire),*])
            }
        }

        #[allow(deprecated)]
        impl<'de> $crate::wire::FromMap<'de> for $name {
            // Without `?`, on purpose (see the module's documentation).
            #[allow(clippy::question_mark)]
            fn from_map<A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                $(let mut $field = None;)*
                $crate::wire::serde_struct!(@declare others, $unknown $(($kept))?);
                loop {
                    let key = match map.next_key::<$crate::wire::Key<'de>>() {
                        Ok(Some(key)) => key,
                        Ok(None) => break,
                        Err(error) => return Err(error),
                    };
                    let read = match key.as_str() {
                        $(
                            $wire => {
                                $crate::wire::slot(
                                    &mut map,
                                    &mut $field,
                                    $wire,
                                )
                            }
                        )*
                        _ => $crate::wire::serde_struct!(
                            @unknown map, key, others, $unknown $(($kept))?, [$($wire),*]
                        ),
                    };
                    if let Err(error) = read {
                        return Err(error);
                    }
                }
                Ok($crate::wire::serde_struct!(
                    @build $name, others, [$unknown $(($kept))?],
                    [$($field = $wire $presence),*]
                ))
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use serde_struct;

/// `value` read as the value of a union's variant, made by `make` (the variant's constructor, from
/// which the variant's type is inferred); `None` when it is not one.
pub(crate) fn variant<T, U>(value: &serde_json::Value, make: impl FnOnce(T) -> U) -> Option<U>
where
    T: serde::de::DeserializeOwned,
{
    T::deserialize(value).ok().map(make)
}

/// `Serialize` and `Deserialize` for a union's enum, whose variants each hold one value and whose
/// `$other` variant keeps any other value as a `serde_json::Value`:
/// `serde_union!(Name, Other, untagged, [Variant, ...])` tries the variants in the order listed
/// (serde's `untagged`); `serde_union!(Name, Other, tag("property"), [Variant = "tag" | "tag",
/// ...])` reads the variant the value's `property` names, an error when the value is not one, and
/// any other tag as `$other`. A variant is written as its value, so `$other` serializes back what
/// was received.
#[allow(unused_macros)]
macro_rules! serde_union {
    (@serialize $name:ident, $other:ident, [$($variant:ident),*]) => {
        #[allow(deprecated)]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant(value) => serde::Serialize::serialize(value, serializer),)*
                    Self::$other(value) => serde::Serialize::serialize(value, serializer),
                }
            }
        }
    };
    ($name:ident, $other:ident, untagged, [$($variant:ident),* $(,)?]) => {
        $crate::wire::serde_union!(@serialize $name, $other, [$($variant),*]);

        #[allow(deprecated)]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                $(
                    if let Some(found) = $crate::wire::variant(&value, Self::$variant) {
                        return Ok(found);
                    }
                )*
                Ok(Self::$other(value))
            }
        }
    };
    (
        $name:ident,
        $other:ident,
        tag($property:literal),
        [$($variant:ident = $($tag:literal)|+),* $(,)?]
    ) => {
        $crate::wire::serde_union!(@serialize $name, $other, [$($variant),*]);

        #[allow(deprecated)]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                match value.get($property).and_then(serde_json::Value::as_str) {
                    $(
                        Some($($tag)|+) => serde_json::from_value(value)
                            .map(Self::$variant)
                            .map_err(serde::de::Error::custom),
                    )*
                    _ => Ok(Self::$other(value)),
                }
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use serde_union;
