//! Percent-decoding of request paths (for the ASGI `path` and for static files).

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decode `%XX` escapes; a `%` not followed by two hex digits is kept as is
/// (what uvicorn and Starlette do).
pub(crate) fn percent_decode(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' && i + 2 < raw.len() {
            if let (Some(h), Some(l)) = (hex(raw[i + 1]), hex(raw[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

/// Decode a path to text: UTF-8 when valid, else Latin-1 (never fails).
pub(crate) fn decode_path(raw: &[u8]) -> String {
    if !raw.contains(&b'%') {
        if let Ok(s) = std::str::from_utf8(raw) {
            return s.to_owned();
        }
    }
    let bytes = percent_decode(raw);
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|&b| b as char).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes_and_keeps_stray_percent() {
        assert_eq!(decode_path(b"/a%20b"), "/a b");
        assert_eq!(decode_path(b"/caf%C3%A9"), "/café");
        assert_eq!(decode_path(b"/100%"), "/100%");
        assert_eq!(decode_path(b"/x%2"), "/x%2");
        assert_eq!(decode_path(b"/x%zz"), "/x%zz");
        assert_eq!(decode_path(b"/%FF"), "/\u{ff}");
    }
}
