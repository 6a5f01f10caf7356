//! Serving collected static files (STATIC_ROOT) from Rust: safe path
//! resolution, validators (ETag, Last-Modified), conditional requests, single
//! ranges and precompressed `.br`/`.gz` siblings.

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, Response, StatusCode};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use super::range::{parse_range, RangeOutcome};
use crate::body::ResponseBody;

/// Files up to this size are read in one go; larger ones are streamed.
const READ_WHOLE: u64 = 1024 * 1024;
const CHUNK: usize = 64 * 1024;

/// A URL prefix mapped to a directory.
pub(crate) struct FileRoot {
    prefix: String,
    root: PathBuf,
}

/// Turn the part of a URL path after the prefix into a relative file path,
/// refusing anything that could leave the root.
pub(crate) fn safe_relative(decoded: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for segment in decoded.split('/') {
        if segment.is_empty() {
            continue;
        }
        if segment == "." || segment == ".." || segment.contains(['\\', '\0']) || segment.starts_with('.') {
            return None;
        }
        out.push(segment);
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// Whether an Accept-Encoding value accepts `coding` (q=0 refuses it).
pub(crate) fn accepts_encoding(value: &[u8], coding: &str) -> bool {
    let Ok(text) = std::str::from_utf8(value) else {
        return false;
    };
    text.split(',').any(|item| {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim();
        let refused = parts.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=")
                .is_some_and(|q| q.trim().parse::<f32>().map(|q| q <= 0.0).unwrap_or(false))
        });
        name.eq_ignore_ascii_case(coding) && !refused
    })
}

/// Content-Type by file extension (the common web types).
pub(crate) fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => "application/octet-stream",
    }
}

/// Whether an If-None-Match value matches `etag` (weak comparison).
pub(crate) fn etag_matches(value: &[u8], etag: &str) -> bool {
    let Ok(text) = std::str::from_utf8(value) else {
        return false;
    };
    let bare = etag.trim_start_matches("W/");
    text.split(',')
        .map(str::trim)
        .any(|t| t == "*" || t.trim_start_matches("W/") == bare)
}

fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

impl FileRoot {
    /// Map `prefix` (e.g. `/static/`) to `root`, which must be an existing directory.
    pub(crate) fn new(prefix: &str, root: &str) -> std::io::Result<Self> {
        let root = std::fs::canonicalize(root)?;
        if !root.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("STATIC_ROOT {} is not a directory", root.display()),
            ));
        }
        let mut prefix = prefix.to_string();
        if !prefix.starts_with('/') {
            prefix.insert(0, '/');
        }
        if !prefix.ends_with('/') {
            prefix.push('/');
        }
        Ok(FileRoot { prefix, root })
    }

    /// The file a decoded request path names, if it is under the prefix and root.
    pub(crate) fn resolve(&self, decoded_path: &str) -> Option<PathBuf> {
        let rest = decoded_path.strip_prefix(&self.prefix)?;
        let candidate = self.root.join(safe_relative(rest)?);
        // Symlinks may point elsewhere: compare the real path with the root.
        let real = std::fs::canonicalize(&candidate).ok()?;
        (real.starts_with(&self.root) && real.is_file()).then_some(real)
    }

    /// Build the response for `path` (already resolved) or `None` if it vanished.
    pub(crate) async fn serve(
        &self,
        path: PathBuf,
        method: &Method,
        req: &HeaderMap,
    ) -> Option<Response<ResponseBody>> {
        let meta = tokio::fs::metadata(&path).await.ok()?;
        let modified = meta.modified().unwrap_or(UNIX_EPOCH);
        let stamp = modified.duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let etag = format!("\"{:x}-{:x}\"", meta.len(), stamp);
        let last_modified = httpdate::fmt_http_date(modified);

        let mut headers = HeaderMap::new();
        headers.insert(header::ETAG, header_value(&etag));
        headers.insert(header::LAST_MODIFIED, header_value(&last_modified));
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&path)));
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));

        if not_modified(req, &etag, modified) {
            return Some(build(StatusCode::NOT_MODIFIED, headers, ResponseBody::empty()));
        }

        // A precompressed sibling wins over ranges (ranges are served on the identity form only).
        let accept = req.get(header::ACCEPT_ENCODING).map(|v| v.as_bytes()).unwrap_or(b"");
        for (coding, ext) in [("br", "br"), ("gzip", "gz")] {
            if !accepts_encoding(accept, coding) {
                continue;
            }
            let mut sibling = path.clone().into_os_string();
            sibling.push(".");
            sibling.push(ext);
            let sibling = PathBuf::from(sibling);
            if let Ok(smeta) = tokio::fs::metadata(&sibling).await {
                if smeta.is_file() {
                    headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
                    headers.remove(header::ACCEPT_RANGES);
                    return Some(file_response(sibling, 0, smeta.len(), StatusCode::OK, headers, method).await);
                }
            }
        }

        let len = meta.len();
        match req.get(header::RANGE).map(|v| parse_range(v.as_bytes(), len)) {
            Some(RangeOutcome::Partial { start, end }) if if_range_ok(req, &etag, &last_modified) => {
                headers.insert(
                    header::CONTENT_RANGE,
                    header_value(&format!("bytes {start}-{end}/{len}")),
                );
                Some(
                    file_response(
                        path,
                        start,
                        end - start + 1,
                        StatusCode::PARTIAL_CONTENT,
                        headers,
                        method,
                    )
                    .await,
                )
            }
            Some(RangeOutcome::Unsatisfiable) => {
                headers.insert(header::CONTENT_RANGE, header_value(&format!("bytes */{len}")));
                headers.remove(header::CONTENT_TYPE);
                Some(build(StatusCode::RANGE_NOT_SATISFIABLE, headers, ResponseBody::empty()))
            }
            _ => Some(file_response(path, 0, len, StatusCode::OK, headers, method).await),
        }
    }
}

fn if_range_ok(req: &HeaderMap, etag: &str, last_modified: &str) -> bool {
    match req.get(header::IF_RANGE).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(v) => v == etag || v == last_modified,
    }
}

fn not_modified(req: &HeaderMap, etag: &str, modified: SystemTime) -> bool {
    if let Some(value) = req.get(header::IF_NONE_MATCH) {
        return etag_matches(value.as_bytes(), etag);
    }
    let since = req
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok());
    match (since, modified.duration_since(UNIX_EPOCH)) {
        (Some(since), Ok(m)) => since
            .duration_since(UNIX_EPOCH)
            .map(|s| m.as_secs() <= s.as_secs())
            .unwrap_or(false),
        _ => false,
    }
}

fn build(status: StatusCode, headers: HeaderMap, body: ResponseBody) -> Response<ResponseBody> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

/// Read `len` bytes from `offset` of `path` into a body (whole or streamed).
async fn file_response(
    path: PathBuf,
    offset: u64,
    len: u64,
    status: StatusCode,
    mut headers: HeaderMap,
    method: &Method,
) -> Response<ResponseBody> {
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if method == Method::HEAD {
        return build(status, headers, ResponseBody::empty());
    }
    let Ok(mut file) = tokio::fs::File::open(&path).await else {
        return build(
            StatusCode::NOT_FOUND,
            HeaderMap::new(),
            ResponseBody::full(Bytes::from_static(b"Not Found")),
        );
    };
    if offset > 0 && file.seek(std::io::SeekFrom::Start(offset)).await.is_err() {
        return build(
            StatusCode::INTERNAL_SERVER_ERROR,
            HeaderMap::new(),
            ResponseBody::empty(),
        );
    }
    if len <= READ_WHOLE {
        let mut buf = Vec::with_capacity(len as usize);
        if file.take(len).read_to_end(&mut buf).await.is_err() {
            return build(
                StatusCode::INTERNAL_SERVER_ERROR,
                HeaderMap::new(),
                ResponseBody::empty(),
            );
        }
        return build(status, headers, ResponseBody::full(Bytes::from(buf)));
    }
    let (sender, body) = ResponseBody::channel(4);
    tokio::spawn(async move {
        let mut remaining = len;
        let mut file = file;
        while remaining > 0 {
            let mut buf = vec![0u8; CHUNK.min(remaining as usize)];
            match file.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    buf.truncate(n);
                    remaining -= n as u64;
                    if sender.tx.send(Bytes::from(buf)).await.is_err() {
                        return;
                    }
                }
            }
        }
        sender.finish();
    });
    build(status, headers, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        assert_eq!(safe_relative("../etc/passwd"), None);
        assert_eq!(safe_relative("css/../../x"), None);
        assert_eq!(safe_relative("a\\..\\b"), None);
        assert_eq!(safe_relative(".env"), None);
        assert_eq!(safe_relative("a\0b"), None);
        assert_eq!(safe_relative(""), None);
        assert_eq!(safe_relative("css//site.css"), Some(PathBuf::from("css/site.css")));
    }

    #[test]
    fn accept_encoding_honours_q_zero() {
        assert!(accepts_encoding(b"gzip, br", "br"));
        assert!(accepts_encoding(b"gzip;q=0.5", "gzip"));
        assert!(!accepts_encoding(b"br;q=0", "br"));
        assert!(!accepts_encoding(b"identity", "gzip"));
    }

    #[test]
    fn etag_comparison_is_weak() {
        assert!(etag_matches(b"\"a\", W/\"b\"", "\"b\""));
        assert!(etag_matches(b"*", "\"x\""));
        assert!(!etag_matches(b"\"a\"", "\"b\""));
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type(Path::new("a/site.CSS")), "text/css; charset=utf-8");
        assert_eq!(content_type(Path::new("noext")), "application/octet-stream");
    }

    #[test]
    fn resolve_stays_inside_the_root() {
        let dir = std::env::temp_dir().join(format!("covet-accel-test-{}", std::process::id()));
        let _ = std::fs::create_dir_all(dir.join("css"));
        let _ = std::fs::write(dir.join("css/site.css"), b"body{}");
        let root = FileRoot::new("/static", dir.to_str().unwrap_or("/nonexistent"));
        let Ok(root) = root else { panic!("temp dir unusable") };
        assert!(root.resolve("/static/css/site.css").is_some());
        assert!(root.resolve("/static/css/missing.css").is_none());
        assert!(root.resolve("/static/../Cargo.toml").is_none());
        assert!(root.resolve("/other/css/site.css").is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
