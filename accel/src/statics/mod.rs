//! Answers given without Python: `router.static(...)` routes (headers and
//! body built once at startup) and collected static files.

pub(crate) mod files;
pub(crate) mod range;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Response, StatusCode};
use std::collections::HashMap;

use crate::body::ResponseBody;
pub(crate) use files::FileRoot;

/// One precomputed response.
pub(crate) struct StaticAnswer {
    headers: HeaderMap,
    body: Bytes,
}

/// Static routes by exact path, plus an optional static-files root.
#[derive(Default)]
pub(crate) struct StaticTable {
    routes: HashMap<String, StaticAnswer>,
    pub files: Option<FileRoot>,
}

/// Why a static route definition is refused.
#[derive(Debug)]
pub(crate) struct InvalidStatic(pub String);

impl StaticTable {
    /// Register a route: `headers` are (name, value) pairs added after Content-Type.
    pub(crate) fn add(
        &mut self,
        path: &str,
        body: Bytes,
        content_type: &str,
        extra: &[(String, String)],
    ) -> Result<(), InvalidStatic> {
        let mut headers = HeaderMap::new();
        let ct = HeaderValue::from_str(content_type)
            .map_err(|_| InvalidStatic(format!("static route {path}: invalid content type {content_type:?}")))?;
        headers.insert(header::CONTENT_TYPE, ct);
        for (name, value) in extra {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| InvalidStatic(format!("static route {path}: invalid header name {name:?}")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| InvalidStatic(format!("static route {path}: invalid value for header {name}")))?;
            headers.append(name, value);
        }
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        self.routes.insert(path.to_string(), StaticAnswer { headers, body });
        Ok(())
    }

    /// Whether nothing is registered (lets the hot path skip lookups).
    pub(crate) fn is_empty(&self) -> bool {
        self.routes.is_empty() && self.files.is_none()
    }

    /// The precomputed response for GET/HEAD on `path`, if any. Other methods
    /// go to the application, which answers 405 as it would anyway.
    pub(crate) fn route(&self, method: &Method, path: &str) -> Option<Response<ResponseBody>> {
        if method != Method::GET && method != Method::HEAD {
            return None;
        }
        let answer = self.routes.get(path)?;
        let mut response = Response::new(if method == Method::HEAD {
            ResponseBody::empty()
        } else {
            ResponseBody::full(answer.body.clone())
        });
        *response.status_mut() = StatusCode::OK;
        *response.headers_mut() = answer.headers.clone();
        Some(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_route_answers_get_and_head_only() {
        let mut table = StaticTable::default();
        let added = table.add(
            "/health",
            Bytes::from_static(b"ok"),
            "text/plain",
            &[("x-a".into(), "1".into())],
        );
        assert!(added.is_ok());
        let response = table.route(&Method::GET, "/health");
        let Some(response) = response else {
            panic!("no answer for GET /health")
        };
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers().get("content-type").map(|v| v.as_bytes()),
            Some(&b"text/plain"[..])
        );
        assert_eq!(
            response.headers().get("content-length").map(|v| v.as_bytes()),
            Some(&b"2"[..])
        );
        assert_eq!(response.headers().get("x-a").map(|v| v.as_bytes()), Some(&b"1"[..]));
        assert!(table.route(&Method::HEAD, "/health").is_some());
        assert!(table.route(&Method::POST, "/health").is_none());
        assert!(table.route(&Method::GET, "/other").is_none());
    }

    #[test]
    fn invalid_header_is_refused_with_its_name() {
        let mut table = StaticTable::default();
        let err = table.add("/x", Bytes::new(), "text/plain", &[("bad name".into(), "v".into())]);
        assert!(err.is_err_and(|e| e.0.contains("bad name")));
    }
}
