//! Static files embedded in the binary (assets/) and the branded API reference page. The
//! widget's scripts are served by `widget.rs`: put together, compressed and content-hashed
//! once, on first use.

use std::sync::OnceLock;

use poem::endpoint::{EmbeddedFilesEndpoint, make_sync};
use poem::http::HeaderValue;
use poem::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use poem::{Endpoint, EndpointExt, IntoResponse, Request, Response, Route};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "assets/admin/"]
pub struct AdminFiles;

/// The admin UI runs only our own files: no inline script or style, nothing from elsewhere,
/// and no site may frame it (clickjacking); it frames only its own widget preview.
const ADMIN_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'self'; object-src 'none'";

/// The widget preview hosts the real widget, which puts its stylesheet in `<style>`
/// elements inside its shadow root (so it cannot be overridden by the customer's CSS).
const PREVIEW_CSP: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     frame-ancestors 'self'; base-uri 'none'; form-action 'self'; object-src 'none'";

/// `/admin`: the admin UI's files, with a Content-Security-Policy.
pub fn admin() -> impl Endpoint<Output = Response> {
    EmbeddedFilesEndpoint::<AdminFiles>::new().around(|files, req: Request| async move {
        let preview = req.uri().path().ends_with("/preview.html");
        let mut response = files.call(req).await?.into_response();
        let headers = response.headers_mut();
        let (policy, framing) = if preview {
            (PREVIEW_CSP, "SAMEORIGIN")
        } else {
            (ADMIN_CSP, "DENY")
        };
        headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
        // For browsers that predate frame-ancestors.
        headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static(framing));
        headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
        Ok(response)
    })
}

/// `/api/docs`: poem-openapi's Redoc page under our name, with a bar back to the admin UI
/// and without the web-font request to Google (an appliance should not call out).
///
/// The page is put together on its first request and kept: over a megabyte (Redoc's script
/// and the spec) that a server whose reference nobody opens need not build or hold.
pub fn docs() -> impl Endpoint<Output = Response> {
    static PAGE: OnceLock<(String, String)> = OnceLock::new();
    Route::new().at(
        "/",
        make_sync(|_| {
            let (page, policy) = PAGE.get_or_init(|| {
                let page = brand_docs(&crate::http::api_service().redoc_html());
                let policy = docs_policy(&page);
                (page, policy)
            });
            let mut response = Response::builder()
                .content_type("text/html; charset=utf-8")
                .body(page.as_str());
            let headers = response.headers_mut();
            if let Ok(policy) = HeaderValue::from_str(policy) {
                headers.insert(CONTENT_SECURITY_POLICY, policy);
            }
            headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
            headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
            response
        }),
    )
}

/// The reference page runs only its own two inline scripts (Redoc, and the call that starts
/// it with the spec), allowed by their hashes, so nothing injected into the page would run.
/// Redoc puts its styles in `<style>` elements as it renders (styled-components) and runs
/// its search in a worker made from a `blob:` URL; it loads nothing from elsewhere.
fn docs_policy(page: &str) -> String {
    let hashes: Vec<String> = inline_scripts(page)
        .map(|script| {
            use base64::Engine;
            use sha2::Digest;
            let digest = sha2::Sha256::digest(script.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'self'; script-src {}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src blob:; \
         frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'",
        hashes.join(" ")
    )
}

/// The text of each `<script>` element of the page. A script's own text never holds
/// `</script>` (the HTML parser would end it there), so the first one after a start tag
/// closes it; start tags inside a script's text are skipped with it.
fn inline_scripts(page: &str) -> impl Iterator<Item = &str> {
    let mut rest = page;
    std::iter::from_fn(move || {
        let start = rest.find("<script")?;
        let open_end = start + rest[start..].find('>')? + 1;
        let close = open_end + rest[open_end..].find("</script>")?;
        let script = &rest[open_end..close];
        rest = &rest[close + "</script>".len()..];
        Some(script)
    })
}

const DOCS_BAR: &str = r#"<header class="sq-bar"><a class="sq-brand" href="/admin/"><img src="/admin/logo.svg" alt="" width="24" height="24"> Synaptiq</a><span class="sq-title">API reference</span><a class="sq-back" href="/admin/">Back to admin</a></header>"#;

const DOCS_STYLE: &str = "<style>.sq-bar{position:sticky;top:0;z-index:100;height:50px;\
     display:flex;align-items:center;gap:16px;padding:0 20px;background:#fff;\
     border-bottom:1px solid #e5e7eb;border-top:3px solid #4f46e5;box-sizing:border-box;\
     font:15px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}\
     .sq-bar a{color:#4f46e5;text-decoration:none}.sq-brand{display:flex;align-items:center;\
     gap:8px;font-weight:700;color:#111827!important}.sq-title{color:#6b7280}\
     .sq-back{margin-left:auto}</style>";

const FONTS_LINK: &str = r#"<link href="https://fonts.googleapis.com/css?family=Montserrat:300,400,700|Roboto:300,400,700" rel="stylesheet">"#;

fn brand_docs(redoc_html: &str) -> String {
    // Anchored on the template's own markup: the inlined Redoc script may hold any text.
    redoc_html
        .replacen(FONTS_LINK, "", 1)
        .replacen(
            "<title>Redoc</title>",
            &format!(
                "<title>Synaptiq API reference</title>\n<link rel=\"icon\" href=\"/admin/logo.svg\" type=\"image/svg+xml\">{DOCS_STYLE}"
            ),
            1,
        )
        .replacen(
            "<div id=\"redoc-container\">",
            &format!("{DOCS_BAR}\n<div id=\"redoc-container\">"),
            1,
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_docs_page_carries_our_name_and_a_way_back() {
        let html = brand_docs(&crate::http::api_service().redoc_html());
        assert!(html.contains("<title>Synaptiq API reference</title>"));
        assert!(html.contains("href=\"/admin/\""));
        assert!(!html.contains(FONTS_LINK));
        assert!(html.contains("Redoc.init"));
    }

    #[test]
    fn the_docs_policy_allows_exactly_the_page_own_scripts() {
        let page =
            "<p>x</p><script charset=\"UTF-8\">a('<\\/script>')</script>\n<script>b()</script>";
        let scripts: Vec<&str> = inline_scripts(page).collect();
        assert_eq!(scripts, ["a('<\\/script>')", "b()"]);
        let policy = docs_policy(page);
        // echo -n 'b()' | openssl dgst -sha256 -binary | base64
        assert!(
            policy.contains("'sha256-cf242PFc/kb7xD0Qzhsmd9vvRkc+cWFmbi+k+YvtdKc='"),
            "{policy}"
        );
        assert!(!policy.contains("unsafe-eval"), "{policy}");
        assert!(!policy.contains("script-src 'self'"), "{policy}");
    }
}
