//! The OpenAPI document as served and checked in: poem-openapi's output plus what its derive
//! cannot say, and the methods each path answers (the `Allow` header of a 405).

use std::sync::Arc;

use poem::http::{HeaderValue, StatusCode, header};
use poem::{Endpoint, Request, Response};
use serde_json::Value;

/// Marks every JSON request body as closed (`additionalProperties: false`): each refuses
/// unknown fields (`deny_unknown_fields`), but poem-openapi's schema cannot say so, and
/// clients and generated SDKs should know.
pub fn close_request_bodies(spec: &mut Value) {
    let names: Vec<String> = spec["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|operations| operations.values())
        .filter_map(|operation| operation["requestBody"]["content"].as_object())
        .flat_map(|content| content.iter())
        .filter(|(media_type, _)| media_type.starts_with("application/json"))
        .filter_map(|(_, body)| body["schema"]["$ref"].as_str())
        .filter_map(|reference| reference.strip_prefix("#/components/schemas/"))
        .map(str::to_owned)
        .collect();
    for name in names
        .iter()
        .map(String::as_str)
        .chain(CLOSED_PARTS.iter().copied())
    {
        if let Some(schema) = spec["components"]["schemas"][name].as_object_mut() {
            schema.insert("additionalProperties".into(), Value::Bool(false));
        }
    }
}

/// Objects inside request bodies that refuse unknown fields too (`deny_unknown_fields`).
const CLOSED_PARTS: &[&str] = &["ChatContext"];

/// A nullable reference comes out of poem-openapi as `allOf: [{$ref}, {description,
/// nullable}]`, which SDK generators read as a union with an empty member (and then drop
/// the whole schema); this says the same as `allOf: [{$ref}]` with the description and
/// `nullable` beside it.
pub fn flatten_nullable_refs(value: &mut Value) {
    match value {
        Value::Object(object) => {
            let lifted = match object.get_mut("allOf") {
                Some(Value::Array(all)) if is_nullable_ref(all) => all.pop(),
                _ => None,
            };
            if let Some(Value::Object(extra)) = lifted {
                object.extend(extra);
            }
            object.values_mut().for_each(flatten_nullable_refs);
        }
        Value::Array(items) => items.iter_mut().for_each(flatten_nullable_refs),
        _ => {}
    }
}

fn is_nullable_ref(all: &[Value]) -> bool {
    matches!(all, [reference, extra]
    if reference.get("$ref").is_some()
        && extra.get("nullable") == Some(&Value::Bool(true))
        && extra.as_object().is_some_and(|e| {
            e.keys().all(|k| k == "nullable" || k == "description")
        }))
}

/// For each path template of the spec, the methods it answers.
pub struct AllowedMethods(Vec<(Vec<String>, Vec<String>)>);

impl AllowedMethods {
    pub fn from_spec(spec: &Value) -> Self {
        let paths = spec["paths"].as_object().into_iter().flatten();
        Self(
            paths
                .map(|(path, operations)| {
                    let segments = path.split('/').map(str::to_owned).collect();
                    let methods = operations
                        .as_object()
                        .into_iter()
                        .flat_map(|ops| ops.keys())
                        .map(|m| m.to_uppercase())
                        .collect();
                    (segments, methods)
                })
                .collect(),
        )
    }

    /// The `Allow` value for a request path: what the most literal matching template
    /// answers (the router prefers `/api/leads/export.csv` to `/api/leads/{id}`, and so does
    /// this); everything outside the API (widget, admin UI, docs) is static and answers GET.
    pub fn for_path(&self, path: &str) -> String {
        let segments: Vec<&str> = path.split('/').collect();
        let matching: Vec<_> = self
            .0
            .iter()
            .filter(|(template, _)| matches(template, &segments))
            .map(|(template, methods)| (template.iter().filter(|t| is_param(t)).count(), methods))
            .collect();
        let fewest = matching.iter().map(|(params, _)| *params).min();
        let mut methods: Vec<&str> = matching
            .iter()
            .filter(|(params, _)| Some(*params) == fewest)
            .flat_map(|(_, methods)| methods.iter().map(String::as_str))
            .collect();
        if methods.is_empty() {
            return "GET, HEAD".to_owned();
        }
        methods.sort_unstable();
        methods.dedup();
        methods.join(", ")
    }
}

fn is_param(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

fn matches(template: &[String], segments: &[&str]) -> bool {
    template.len() == segments.len()
        && template
            .iter()
            .zip(segments)
            .all(|(t, s)| t == s || (is_param(t) && !s.is_empty()))
}

/// A 405 names the methods the path does answer (RFC 9110 §15.5.6).
pub async fn allow_header<E: Endpoint<Output = Response>>(
    next: Arc<E>,
    req: Request,
    allowed: Arc<AllowedMethods>,
) -> poem::Result<Response> {
    let path = req.uri().path().to_owned();
    let mut response = next.call(req).await?;
    if response.status() == StatusCode::METHOD_NOT_ALLOWED
        && !response.headers().contains_key(header::ALLOW)
        && let Ok(value) = HeaderValue::from_str(&allowed.for_path(&path))
    {
        response.headers_mut().insert(header::ALLOW, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn allow_lists_the_methods_of_the_most_literal_matching_templates() {
        let spec = json!({"paths": {
            "/api/leads": {"get": {}, "post": {}},
            "/api/leads/export.csv": {"get": {}},
            "/api/leads/{id}": {"get": {}, "patch": {}},
            "/api/leads/{id}/notes": {"get": {}},
            "/api/leads/{lead}/notes": {"post": {}},
        }});
        let allowed = AllowedMethods::from_spec(&spec);
        assert_eq!(allowed.for_path("/api/leads"), "GET, POST");
        assert_eq!(allowed.for_path("/api/leads/export.csv"), "GET");
        assert_eq!(allowed.for_path("/api/leads/x"), "GET, PATCH");
        assert_eq!(allowed.for_path("/api/leads/x/notes"), "GET, POST");
        assert_eq!(allowed.for_path("/widget.js"), "GET, HEAD");
    }

    #[test]
    fn nullable_references_are_flattened() {
        let mut schema = json!({"properties": {"status": {"allOf": [
            {"$ref": "#/components/schemas/LeadStatus"},
            {"description": "Why.", "nullable": true}
        ]}}});
        flatten_nullable_refs(&mut schema);
        assert_eq!(
            schema["properties"]["status"],
            json!({"allOf": [{"$ref": "#/components/schemas/LeadStatus"}], "description": "Why.", "nullable": true})
        );
    }

    #[test]
    fn json_request_bodies_are_closed() {
        let mut spec = json!({
            "paths": {"/a": {"post": {"requestBody": {"content": {
                "application/json; charset=utf-8": {"schema": {"$ref": "#/components/schemas/In"}}
            }}}}},
            "components": {"schemas": {"In": {"type": "object"}, "Out": {"type": "object"}}}
        });
        close_request_bodies(&mut spec);
        assert_eq!(
            spec["components"]["schemas"]["In"]["additionalProperties"],
            false
        );
        assert!(spec["components"]["schemas"]["Out"]["additionalProperties"].is_null());
    }
}
