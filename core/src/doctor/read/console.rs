//! Python's `ConsoleSpanExporter` (`ReadableSpan.to_json()`): ids as `0x…` hex, kinds
//! as `SpanKind.SERVER`, times as ISO 8601 UTC with microseconds, attributes as an
//! object, the resource inline.

use serde_json::Value;

use super::super::span::{parse_hex_id, Kind, Span};
use super::value::{as_text, get, text};

pub fn read_span(span: &Value, out: &mut Vec<Span>) {
    let context = get(span, &["context"]).unwrap_or(&Value::Null);
    let resource = get(span, &["resource"])
        .and_then(|r| get(r, &["attributes"]))
        .unwrap_or(&Value::Null);
    let hex = |value: &str| parse_hex_id(value.trim_start_matches("0x")).unwrap_or(0);
    let parent = get(span, &["parent_id"])
        .and_then(Value::as_str)
        .map(hex)
        .unwrap_or(0) as u64;
    let links = get(span, &["links"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|link| {
            let context = get(link, &["context"]).unwrap_or(&Value::Null);
            (
                hex(text(context, &["trace_id"])),
                hex(text(context, &["span_id"])) as u64,
            )
        })
        .collect();
    let attributes = get(span, &["attributes"])
        .and_then(Value::as_object)
        .map(|object| {
            object
                .iter()
                .map(|(k, v)| (k.clone(), as_text(v)))
                .collect()
        })
        .unwrap_or_default();
    let status = get(span, &["status"]).unwrap_or(&Value::Null);
    out.push(Span {
        trace_id: hex(text(context, &["trace_id"])),
        span_id: hex(text(context, &["span_id"])) as u64,
        parent_id: (parent != 0).then_some(parent),
        name: text(span, &["name"]).to_owned(),
        kind: Kind::parse(text(span, &["kind"])),
        service: text(resource, &["service.name"]).to_owned(),
        language: text(resource, &["telemetry.sdk.language"]).to_owned(),
        start_ns: iso_ns(text(span, &["start_time"])),
        end_ns: iso_ns(text(span, &["end_time"])),
        error: text(status, &["status_code"]) == "ERROR",
        links,
        attributes,
    });
}

/// `2026-12-02T12:00:00.123456Z` as nanoseconds since the epoch (0 when unreadable).
fn iso_ns(text: &str) -> u64 {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u64> { text.get(range)?.parse().ok() };
    if b.len() < 19 {
        return 0;
    }
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        digits(0..4),
        digits(5..7),
        digits(8..10),
        digits(11..13),
        digits(14..16),
        digits(17..19),
    ) else {
        return 0;
    };
    let mut fraction_ns = 0;
    if b.get(19) == Some(&b'.') {
        let end = b[20..]
            .iter()
            .position(|c| !c.is_ascii_digit())
            .map_or(b.len(), |p| p + 20);
        let fraction = &text[20..end];
        let padded = format!("{fraction:0<9}");
        fraction_ns = padded[..9].parse().unwrap_or(0);
    }
    let days = days_from_civil(year as i64, month as i64, day as i64);
    let seconds = days * 86_400 + (hour * 3600 + minute * 60 + second) as i64;
    u64::try_from(seconds).map_or(0, |s| s * 1_000_000_000 + fraction_ns)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    #[test]
    fn iso_times_read_as_epoch_nanoseconds() {
        assert_eq!(super::iso_ns("1970-01-01T00:00:00.000001Z"), 1_000);
        // 2026-12-02T12:00:00Z is 1796212800 s after the epoch (date -d ... +%s).
        assert_eq!(
            super::iso_ns("2026-12-02T12:00:00.5Z"),
            1_796_212_800_500_000_000
        );
        assert_eq!(super::iso_ns("garbage"), 0);
    }
}
