//! JSON request bodies parsed with serde, so every error names the field at fault
//! (`metadata: invalid type: sequence, expected a map`); the schema still comes from the
//! type's poem-openapi `Object` derive.

use std::borrow::Cow;

use poem::{FromRequest, Request, RequestBody};
use poem_openapi::impl_apirequest_for_payload;
use poem_openapi::payload::{ParsePayload, Payload};
use poem_openapi::registry::{MetaSchema, MetaSchemaRef, Registry};
use poem_openapi::types::{ParseError, ParseFromMultipartField, ParseResult, Type};
use serde::de::DeserializeOwned;

/// A JSON request body of type `T`.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: Type> Payload for JsonBody<T> {
    const CONTENT_TYPE: &'static str = "application/json; charset=utf-8";

    fn check_content_type(content_type: &str) -> bool {
        content_type.parse::<mime::Mime>().is_ok_and(|mime| {
            mime.type_() == "application"
                && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"))
        })
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: Type + DeserializeOwned + Send> ParsePayload for JsonBody<T> {
    const IS_REQUIRED: bool = true;

    async fn from_request(request: &Request, body: &mut RequestBody) -> poem::Result<Self> {
        let bytes = Vec::<u8>::from_request(request, body).await?;
        parse(&bytes).map(Self).map_err(poem::Error::from)
    }
}

impl_apirequest_for_payload!(JsonBody<T>, T: Type + DeserializeOwned + Send);

pub use crate::json::parse;

/// A file sent as a multipart field, read into memory. `limit_body` has already buffered
/// the whole (bounded) request body, which poem-openapi's `Upload` would spool to a temp
/// file through a blocking task per chunk and read back.
pub struct FilePart {
    pub name: Option<String>,
    pub bytes: Vec<u8>,
}

impl Type for FilePart {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "string_binary".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema::new_with_format("string", "binary")))
    }

    fn as_raw_value(&self) -> Option<&Self> {
        Some(self)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self> + 'a> {
        Box::new(std::iter::once(self))
    }
}

impl ParseFromMultipartField for FilePart {
    async fn parse_from_multipart(field: Option<poem::web::Field>) -> ParseResult<Self> {
        let field = field.ok_or_else(ParseError::expected_input)?;
        let name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.map_err(ParseError::custom)?;
        Ok(Self { name, bytes })
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Sample {
        name: String,
        qualification_score: Option<i64>,
    }

    fn message(body: &str) -> String {
        parse::<Sample>(body.as_bytes()).unwrap_err().to_string()
    }

    #[test]
    fn errors_name_the_field() {
        assert!(
            message(r#"{"name": 42}"#).starts_with("name: invalid type"),
            "{}",
            message(r#"{"name": 42}"#)
        );
        assert!(
            message(r#"{"name": "a", "qualificationScore": 1.5}"#)
                .starts_with("qualificationScore: ")
        );
        assert!(message(r#"{}"#).contains("missing field `name`"));
        assert!(message(r#"{"name": "a", "x": 1}"#).contains("unknown field `x`"));
        assert!(message(r#"{"name": "a"} trailing"#).contains("trailing"));
        assert!(message("").contains("JSON object is required"));
        assert!(message(r#"["a", null]"#).contains("JSON object is required"));
    }
}
