//! `Range: bytes=...` parsing for static files (single ranges; anything else
//! is served whole, which RFC 9110 allows).

/// What to send for a Range header against a representation of `len` bytes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RangeOutcome {
    /// No usable range: send the whole file with 200.
    Full,
    /// Send bytes `start..=end` with 206.
    Partial { start: u64, end: u64 },
    /// The range lies outside the file: 416.
    Unsatisfiable,
}

/// Parse one `Range` header value.
pub(crate) fn parse_range(value: &[u8], len: u64) -> RangeOutcome {
    let Ok(text) = std::str::from_utf8(value) else {
        return RangeOutcome::Full;
    };
    let Some(spec) = text.trim().strip_prefix("bytes=") else {
        return RangeOutcome::Full;
    };
    if spec.contains(',') {
        return RangeOutcome::Full;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeOutcome::Full;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match (first.trim(), last.trim()) {
        ("", suffix) if digits(suffix) => match suffix.parse::<u64>() {
            Ok(0) | Err(_) => RangeOutcome::Unsatisfiable,
            Ok(_) if len == 0 => RangeOutcome::Unsatisfiable,
            Ok(n) => RangeOutcome::Partial {
                start: len.saturating_sub(n),
                end: len - 1,
            },
        },
        (start, "") if digits(start) => match start.parse::<u64>() {
            Ok(s) if s < len => RangeOutcome::Partial { start: s, end: len - 1 },
            Ok(_) => RangeOutcome::Unsatisfiable,
            Err(_) => RangeOutcome::Full,
        },
        (start, end) if digits(start) && digits(end) => match (start.parse::<u64>(), end.parse::<u64>()) {
            (Ok(s), Ok(e)) if s > e => RangeOutcome::Full,
            (Ok(s), Ok(_)) if s >= len => RangeOutcome::Unsatisfiable,
            (Ok(s), Ok(e)) => RangeOutcome::Partial {
                start: s,
                end: e.min(len.saturating_sub(1)),
            },
            _ => RangeOutcome::Full,
        },
        _ => RangeOutcome::Full,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RangeOutcome::*;

    #[test]
    fn parses_the_three_single_range_forms() {
        assert_eq!(parse_range(b"bytes=0-9", 100), Partial { start: 0, end: 9 });
        assert_eq!(parse_range(b"bytes=90-", 100), Partial { start: 90, end: 99 });
        assert_eq!(parse_range(b"bytes=-10", 100), Partial { start: 90, end: 99 });
        assert_eq!(parse_range(b"bytes=95-200", 100), Partial { start: 95, end: 99 });
        assert_eq!(parse_range(b"bytes=-500", 100), Partial { start: 0, end: 99 });
    }

    #[test]
    fn out_of_bounds_is_unsatisfiable() {
        assert_eq!(parse_range(b"bytes=100-", 100), Unsatisfiable);
        assert_eq!(parse_range(b"bytes=100-200", 100), Unsatisfiable);
        assert_eq!(parse_range(b"bytes=-0", 100), Unsatisfiable);
        assert_eq!(parse_range(b"bytes=0-0", 0), Unsatisfiable);
    }

    #[test]
    fn garbage_and_multiple_ranges_fall_back_to_full() {
        assert_eq!(parse_range(b"bytes=a-b", 100), Full);
        assert_eq!(parse_range(b"items=0-1", 100), Full);
        assert_eq!(parse_range(b"bytes=0-1,5-6", 100), Full);
        assert_eq!(parse_range(b"bytes=9-1", 100), Full);
        assert_eq!(parse_range(b"bytes=99999999999999999999999-", 100), Full);
        assert_eq!(parse_range(&[0xff, 0xfe], 100), Full);
    }
}
