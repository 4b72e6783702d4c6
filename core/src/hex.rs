//! Lowercase hex, the only form W3C Trace Context allows.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Value of one lowercase hex digit, or `None` (uppercase is not allowed on the wire).
#[inline]
pub(crate) fn lower_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        _ => None,
    }
}

/// Decodes `2 * out.len()` lowercase hex characters into `out`. False on any other input.
#[inline]
pub(crate) fn decode_lower(text: &[u8], out: &mut [u8]) -> bool {
    if text.len() != out.len() * 2 {
        return false;
    }
    for (pair, byte) in text.chunks_exact(2).zip(out.iter_mut()) {
        match (lower_digit(pair[0]), lower_digit(pair[1])) {
            (Some(high), Some(low)) => *byte = high << 4 | low,
            _ => return false,
        }
    }
    true
}

/// Writes `bytes` as lowercase hex into `out`, which holds exactly `2 * bytes.len()`.
#[inline]
pub(crate) fn encode_into(bytes: &[u8], out: &mut [u8]) {
    for (byte, pair) in bytes.iter().zip(out.chunks_exact_mut(2)) {
        pair[0] = DIGITS[(byte >> 4) as usize];
        pair[1] = DIGITS[(byte & 0x0f) as usize];
    }
}

pub(crate) fn encode_string(bytes: &[u8]) -> String {
    let mut out = vec![0u8; bytes.len() * 2];
    encode_into(bytes, &mut out);
    // Only ASCII hex digits were written.
    String::from_utf8(out).expect("hex is ASCII")
}
