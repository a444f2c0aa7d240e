//! Opaque cursors: keyset positions for lists, offsets into ranked search results.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{Error, Result};
use crate::model::Page;

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    /// List position: the last id of the previous page.
    After(String),
    /// Ranked-results position: how many results were already returned.
    Offset(usize),
}

impl Cursor {
    pub fn encode(&self) -> String {
        let raw = match self {
            Self::After(id) => format!("k:{id}"),
            Self::Offset(n) => format!("o:{n}"),
        };
        URL_SAFE_NO_PAD.encode(raw)
    }

    pub fn decode(raw: &str) -> Result<Self> {
        let invalid = || Error::invalid("cursor", "not a cursor returned by this API");
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        match text.split_once(':') {
            Some(("k", id)) if uuid::Uuid::parse_str(id).is_ok() => Ok(Self::After(id.to_owned())),
            Some(("o", n)) => n.parse().map(Self::Offset).map_err(|_| invalid()),
            _ => Err(invalid()),
        }
    }
}

/// Validates a page size: default 50, 1..=500.
pub fn limit(requested: Option<i64>) -> Result<usize> {
    match requested {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT as i64).contains(&n) => Ok(n as usize),
        Some(_) => Err(Error::invalid(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        )),
    }
}

/// The keyset position a list cursor holds (`None` for the first page).
pub fn after(cursor: Option<&str>) -> Result<Option<String>> {
    match cursor.map(Cursor::decode).transpose()? {
        Some(Cursor::After(id)) => Ok(Some(id)),
        Some(Cursor::Offset(_)) => Err(Error::invalid("cursor", "not a cursor for this list")),
        None => Ok(None),
    }
}

/// Cuts `items` (fetched with `limit + 1`) to a page whose cursor follows the last item.
pub fn keyset_page<T>(mut items: Vec<T>, limit: usize, id: impl Fn(&T) -> &str) -> Page<T> {
    let more = items.len() > limit;
    items.truncate(limit);
    let next_cursor = more
        .then(|| {
            items
                .last()
                .map(|item| Cursor::After(id(item).to_owned()).encode())
        })
        .flatten();
    Page { items, next_cursor }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let id = uuid::Uuid::now_v7().to_string();
        for c in [Cursor::After(id), Cursor::Offset(150)] {
            assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
        }
        for bad in ["", "!!", "azpx", &URL_SAFE_NO_PAD.encode("k:not-a-uuid")] {
            assert!(Cursor::decode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn limits_are_bounded() {
        assert_eq!(limit(None).unwrap(), 50);
        assert_eq!(limit(Some(500)).unwrap(), 500);
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(501)).is_err());
    }
}
