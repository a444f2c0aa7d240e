//! JSON request documents into typed values, with errors that name the offending field.

use serde::de::DeserializeOwned;

use crate::error::Error;

/// Deserializes, naming the path of the offending field in the error.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    // serde reads a struct from an array too (`[null, null]` fills the first two fields);
    // every body here is an object, so anything else is refused before it gets that far.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(Error::invalid("body", "a JSON object is required"));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let field = if path == "." { "body".to_owned() } else { path };
        Error::invalid(field, without_position(&err.inner().to_string()))
    })?;
    deserializer
        .end()
        .map_err(|err| Error::invalid("body", without_position(&err.to_string())))?;
    Ok(value)
}

/// serde_json appends " at line 1 column 30"; the field path says more to a client.
fn without_position(message: &str) -> String {
    message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .to_owned()
}
