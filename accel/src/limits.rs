//! Request limits and the head checks hyper does not do for us. Pure code:
//! everything here is unit-tested without sockets.

use http::{HeaderMap, Method, StatusCode, Version};
use std::time::Duration;

/// Limits of one worker (from `covet serve --prod` options and `COVET_*` env vars).
#[derive(Clone, Debug)]
pub(crate) struct Limits {
    /// Largest request head (request line + headers) in bytes -> 431 above it.
    pub max_header_size: usize,
    /// Largest request body in bytes -> 413 above it.
    pub max_body_size: u64,
    /// Time allowed to receive a complete request head -> 408 after it.
    pub header_timeout: Duration,
    /// Largest pause between two pieces of a request body -> 408 after it.
    pub body_timeout: Duration,
    /// How long an idle keep-alive connection stays open.
    pub keepalive_timeout: Duration,
    /// Connections served at once by one worker; more wait in the kernel backlog.
    pub max_connections: usize,
    /// Body bytes read before the request goes to Python (validates small bodies
    /// up front and saves a wake-up); the rest is streamed.
    pub prefetch_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_header_size: 64 * 1024,
            max_body_size: 10 * 1024 * 1024,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            keepalive_timeout: Duration::from_secs(5),
            max_connections: 10_000,
            prefetch_body: 64 * 1024,
        }
    }
}

/// Why a request is refused before it reaches the application.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Rejection {
    pub status: StatusCode,
    pub reason: &'static str,
}

impl Rejection {
    const fn new(status: StatusCode, reason: &'static str) -> Self {
        Rejection { status, reason }
    }
}

/// Size of a request head as counted against `max_header_size`: method,
/// target and each `name: value\r\n` line.
pub(crate) fn head_size(method: &Method, target_len: usize, headers: &HeaderMap) -> usize {
    let lines: usize = headers.iter().map(|(n, v)| n.as_str().len() + v.len() + 4).sum();
    method.as_str().len() + target_len + 12 + lines
}

/// Check a parsed request head: limits, Host, and the framing ambiguities that
/// enable request smuggling.
pub(crate) fn check_head(
    method: &Method,
    version: Version,
    target_len: usize,
    headers: &HeaderMap,
    limits: &Limits,
) -> Result<(), Rejection> {
    if head_size(method, target_len, headers) > limits.max_header_size {
        return Err(Rejection::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "Request header fields too large",
        ));
    }
    if version == Version::HTTP_11 {
        let hosts = headers.get_all(http::header::HOST).iter().count();
        if hosts != 1 {
            return Err(Rejection::new(
                StatusCode::BAD_REQUEST,
                "HTTP/1.1 requests need exactly one Host header",
            ));
        }
    }
    let has_te = headers.contains_key(http::header::TRANSFER_ENCODING);
    let content_lengths: Vec<&[u8]> = headers
        .get_all(http::header::CONTENT_LENGTH)
        .iter()
        .map(|v| v.as_bytes())
        .collect();
    if has_te && !content_lengths.is_empty() {
        return Err(Rejection::new(
            StatusCode::BAD_REQUEST,
            "Content-Length together with Transfer-Encoding",
        ));
    }
    if has_te && version != Version::HTTP_11 {
        return Err(Rejection::new(
            StatusCode::BAD_REQUEST,
            "Transfer-Encoding is only valid in HTTP/1.1",
        ));
    }
    let mut length: Option<u64> = None;
    for raw in content_lengths {
        let parsed =
            parse_content_length(raw).ok_or(Rejection::new(StatusCode::BAD_REQUEST, "Invalid Content-Length"))?;
        if length.is_some_and(|l| l != parsed) {
            return Err(Rejection::new(
                StatusCode::BAD_REQUEST,
                "Conflicting Content-Length headers",
            ));
        }
        length = Some(parsed);
    }
    if length.is_some_and(|l| l > limits.max_body_size) {
        return Err(Rejection::new(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large"));
    }
    Ok(())
}

/// Parse a Content-Length value: ASCII digits only (no sign, no spaces, no list).
pub(crate) fn parse_content_length(raw: &[u8]) -> Option<u64> {
    if raw.is_empty() || raw.len() > 19 || !raw.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(raw).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn check(pairs: &[(&'static str, &'static str)]) -> Result<(), Rejection> {
        check_head(&Method::POST, Version::HTTP_11, 1, &headers(pairs), &Limits::default())
    }

    #[test]
    fn accepts_an_ordinary_request() {
        assert_eq!(check(&[("host", "a"), ("content-length", "3")]), Ok(()));
    }

    #[test]
    fn http11_without_host_is_400() {
        assert_eq!(check(&[]).map_err(|r| r.status), Err(StatusCode::BAD_REQUEST));
        assert_eq!(
            check(&[("host", "a"), ("host", "b")]).map_err(|r| r.status),
            Err(StatusCode::BAD_REQUEST)
        );
    }

    #[test]
    fn http10_needs_no_host() {
        let map = headers(&[]);
        assert!(check_head(&Method::GET, Version::HTTP_10, 1, &map, &Limits::default()).is_ok());
    }

    #[test]
    fn smuggling_shapes_are_400() {
        let both = check(&[("host", "a"), ("content-length", "3"), ("transfer-encoding", "chunked")]);
        assert_eq!(both.map_err(|r| r.status), Err(StatusCode::BAD_REQUEST));
        let conflict = check(&[("host", "a"), ("content-length", "3"), ("content-length", "4")]);
        assert_eq!(conflict.map_err(|r| r.status), Err(StatusCode::BAD_REQUEST));
        let signed = check(&[("host", "a"), ("content-length", "+3")]);
        assert_eq!(signed.map_err(|r| r.status), Err(StatusCode::BAD_REQUEST));
    }

    #[test]
    fn duplicate_equal_content_length_is_tolerated() {
        assert_eq!(
            check(&[("host", "a"), ("content-length", "3"), ("content-length", "3")]),
            Ok(())
        );
    }

    #[test]
    fn oversized_body_is_413_and_oversized_head_is_431() {
        let limits = Limits {
            max_body_size: 10,
            max_header_size: 100,
            ..Limits::default()
        };
        let big_body = headers(&[("host", "a"), ("content-length", "11")]);
        let status = check_head(&Method::POST, Version::HTTP_11, 1, &big_body, &limits).map_err(|r| r.status);
        assert_eq!(status, Err(StatusCode::PAYLOAD_TOO_LARGE));
        let mut big_head = headers(&[("host", "a")]);
        big_head.insert(
            "x-big",
            HeaderValue::from_str(&"x".repeat(200)).unwrap_or(HeaderValue::from_static("")),
        );
        let status = check_head(&Method::GET, Version::HTTP_11, 1, &big_head, &limits).map_err(|r| r.status);
        assert_eq!(status, Err(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE));
    }

    #[test]
    fn content_length_parser_is_strict() {
        assert_eq!(parse_content_length(b"42"), Some(42));
        assert_eq!(parse_content_length(b""), None);
        assert_eq!(parse_content_length(b" 4"), None);
        assert_eq!(parse_content_length(b"4,4"), None);
        assert_eq!(parse_content_length(b"99999999999999999999"), None);
    }
}
