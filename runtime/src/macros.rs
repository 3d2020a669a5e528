//! The impls every generated model or enum has in the same form, written once
//! here: a model names them in one line instead of spelling them out. They
//! cost rustc the same as before; they save the generator printing them and
//! the reader scrolling past them. Not part of the API: generated code reaches
//! them through `__private`.
//!
//! Their functions that are not generic are `#[inline]`: rustc then compiles
//! them in the crate that calls them, as it does generic ones, instead of in
//! the generated crate whether called or not. A consumer of Graph's 2,961
//! models calls a few; building the models crate without their machine code
//! takes 0.74x the memory (BENCHMARKS.md, round 3).
//!
//! Every path is absolute (`$crate::`, `::core::`), so that a spec type named
//! `Result` or `Option` cannot change what they mean.

/// A model's `Serialize` and `Deserialize`: the runtime's shared serde code,
/// driven by its `Object` impl; and its `Debug`, the JSON it writes.
#[doc(hidden)]
#[macro_export]
macro_rules! __model_serde {
    ($model:ident) => {
        impl ::core::fmt::Debug for $model {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                $crate::__private::debug(self, f)
            }
        }

        impl $crate::__private::serde::Serialize for $model {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::__private::serialize(self, serializer)
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $model {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::__private::deserialize(deserializer)
            }
        }
    };
}

/// A derived model's `Deref` and `DerefMut` to its `base` field, so that
/// inherited properties read like its own.
#[doc(hidden)]
#[macro_export]
macro_rules! __model_deref {
    ($model:ident, $base:ident) => {
        impl ::core::ops::Deref for $model {
            type Target = $base;

            #[inline]
            fn deref(&self) -> &$base {
                &self.base
            }
        }

        impl ::core::ops::DerefMut for $model {
            #[inline]
            fn deref_mut(&mut self) -> &mut $base {
                &mut self.base
            }
        }
    };
}

/// The members kept for no declared property and the explicit `null`s, in an
/// `Object` impl: the model's own fields (`root`), or its base's (`base`).
#[doc(hidden)]
#[macro_export]
macro_rules! __object_extras {
    (root) => {
        #[inline]
        fn additional_data(&self) -> &$crate::AdditionalData {
            &self.additional_data
        }

        #[inline]
        fn additional_data_mut(&mut self) -> &mut $crate::AdditionalData {
            &mut self.additional_data
        }

        #[inline]
        fn nulls(&self) -> &$crate::Nulls {
            &self.nulls
        }

        #[inline]
        fn nulls_mut(&mut self) -> &mut $crate::Nulls {
            &mut self.nulls
        }
    };
    (base) => {
        #[inline]
        fn additional_data(&self) -> &$crate::AdditionalData {
            $crate::Object::additional_data(&self.base)
        }

        #[inline]
        fn additional_data_mut(&mut self) -> &mut $crate::AdditionalData {
            $crate::Object::additional_data_mut(&mut self.base)
        }

        #[inline]
        fn nulls(&self) -> &$crate::Nulls {
            $crate::Object::nulls(&self.base)
        }

        #[inline]
        fn nulls_mut(&mut self) -> &mut $crate::Nulls {
            $crate::Object::nulls_mut(&mut self.base)
        }
    };
}

/// A model's `with_` setters, in its inherent impl, one invocation a type:
/// `model_setters![with_name(path.to.field, "jsonName", Type), ...]`, each
/// documented as setting `jsonName`. One invocation for all of a type's
/// setters rather than one each: rustc pays for every macro invocation (its
/// expansion's bookkeeping), about 50 MB at 1,000 types (BENCHMARKS.md).
#[doc(hidden)]
#[macro_export]
macro_rules! __model_setters {
    ($($setter:ident($($field:ident).+, $json:literal, $ty:ty)),* $(,)?) => {$(
        #[doc = ::core::concat!("Sets `", $json, "`.")]
        #[must_use]
        pub fn $setter(mut self, value: impl ::core::convert::Into<$ty>) -> Self {
            self.$($field).+ = ::core::option::Option::Some(value.into());
            // A value replaces an explicit `null` set before it.
            $crate::Object::nulls_mut(&mut self).remove($json);
            self
        }
    )*};
}

/// A list of JSON names, `&[...]`: printed filling its lines rather than a
/// name per line.
#[doc(hidden)]
#[macro_export]
macro_rules! __names {
    ($($name:literal),* $(,)?) => {
        &[$($name),*]
    };
}

/// A model's `new` and `with_null`, in its inherent impl (after its
/// `PROPERTIES`).
#[doc(hidden)]
#[macro_export]
macro_rules! __model_new {
    () => {
        /// An empty object; add properties with the `with_` setters.
        #[must_use]
        #[inline]
        pub fn new() -> Self {
            <Self as ::core::default::Default>::default()
        }

        /// Sends `property` (its JSON name) as `null`, which Graph reads as "clear
        /// it" in a `PATCH`. A property this type does not declare is sent as a
        /// `null` member too. A value in the property's field is sent instead
        /// of the `null` (a field assigned after reading an explicit `null`
        /// keeps its value); the setters drop an earlier `null`.
        #[must_use]
        #[inline]
        pub fn with_null(mut self, property: &str) -> Self {
            $crate::__private::set_null(&mut self, Self::PROPERTIES, property);
            self
        }
    };
}

/// A forward-compatible enum's impls, from its members and their wire
/// values: `wire_enum!(Color, UnknownValue, Red("red"), DarkBlue("darkBlue"))`
/// for `enum Color { Red, DarkBlue, UnknownValue(String) }`. Its `KNOWN`,
/// `as_str` and `is_known`, `WireEnum`, and `From<&str>`, `FromStr` (never
/// fails), `Display`, `Serialize` and `Deserialize`, all as the wire value.
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_enum {
    ($enum:ident, $unknown:ident $(, $member:ident($wire:literal))* $(,)?) => {
        impl $enum {
            /// Every member this version knows.
            pub const KNOWN: &'static [Self] = &[$(Self::$member),*];

            /// The value as written on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$member => $wire,)*
                    Self::$unknown(value) => value,
                }
            }

            /// Whether this is a member this version knows.
            #[inline]
            pub fn is_known(&self) -> bool {
                !::core::matches!(self, Self::$unknown(_))
            }
        }

        impl $crate::WireEnum for $enum {
            #[inline]
            fn as_str(&self) -> &str {
                $enum::as_str(self)
            }

            #[inline]
            fn from_wire(value: &str) -> Self {
                match value {
                    $($wire => Self::$member,)*
                    other => Self::$unknown(::std::string::String::from(other)),
                }
            }
        }

        impl ::core::convert::From<&str> for $enum {
            #[inline]
            fn from(value: &str) -> Self {
                <Self as $crate::WireEnum>::from_wire(value)
            }
        }

        impl ::core::str::FromStr for $enum {
            type Err = ::core::convert::Infallible;

            #[inline]
            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(<Self as $crate::WireEnum>::from_wire(value))
            }
        }

        impl ::core::fmt::Display for $enum {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str($crate::WireEnum::as_str(self))
            }
        }

        impl $crate::__private::serde::Serialize for $enum {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str($crate::WireEnum::as_str(self))
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $enum {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::__private::deserialize_enum(deserializer)
            }
        }
    };
}
