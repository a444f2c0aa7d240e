//! Strings the spec gives a `format` (email, date-time, uri), so clients, generated SDKs and
//! spec-driven tests know what is expected. They are read as plain strings: the domain
//! validates them and its error names the field.

use std::borrow::Cow;

use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::{ParseFromJSON, ParseFromParameter, ParseResult, ToJSON, Type};
use serde::{Deserialize, Serialize};
use serde_json::Value;

macro_rules! formatted_string {
    ($(#[$docs:meta])* $name:ident, $format:literal) => {
        $(#[$docs])*
        #[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Type for $name {
            const IS_REQUIRED: bool = true;
            type RawValueType = Self;
            type RawElementValueType = Self;

            fn name() -> Cow<'static, str> {
                concat!("string_", $format).into()
            }

            fn schema_ref() -> MetaSchemaRef {
                MetaSchemaRef::Inline(Box::new(MetaSchema::new_with_format("string", $format)))
            }

            fn as_raw_value(&self) -> Option<&Self::RawValueType> {
                Some(self)
            }

            fn raw_element_iter<'a>(
                &'a self,
            ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
                Box::new(self.as_raw_value().into_iter())
            }
        }

        impl ParseFromJSON for $name {
            fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
                match value.unwrap_or_default() {
                    Value::String(s) => Ok(Self(s)),
                    other => Err(poem_openapi::types::ParseError::expected_type(other)),
                }
            }
        }

        impl ParseFromParameter for $name {
            fn parse_from_parameter(value: &str) -> ParseResult<Self> {
                Ok(Self(value.to_owned()))
            }
        }

        impl ToJSON for $name {
            fn to_json(&self) -> Option<Value> {
                Some(Value::String(self.0.clone()))
            }
        }
    };
}

formatted_string!(
    /// An email address (`format: email`).
    Email,
    "email"
);

formatted_string!(
    /// An RFC 3339 time (`format: date-time`), e.g. `2026-04-01T14:30:00Z`.
    DateTime,
    "date-time"
);

formatted_string!(
    /// An absolute URL (`format: uri`).
    Uri,
    "uri"
);

impl From<jiff::Timestamp> for DateTime {
    /// RFC 3339 in UTC with milliseconds, as every time in the API is written.
    fn from(at: jiff::Timestamp) -> Self {
        Self(crate::clock::format(at))
    }
}
