//! Lowercase hex, the only form W3C Trace Context allows.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Marks a byte that is not a lowercase hex digit in [`LOWER_VALUE`].
const NOT_HEX: u8 = 0xff;

/// The value of each lowercase hex digit; [`NOT_HEX`] for every other byte, uppercase
/// included (the wire format forbids it). A table keeps the parse loop branch-light.
static LOWER_VALUE: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

/// Decodes `2 * out.len()` lowercase hex characters into `out`. False on any other input.
#[inline]
pub(crate) fn decode_lower(text: &[u8], out: &mut [u8]) -> bool {
    if text.len() != out.len() * 2 {
        return false;
    }
    // Accumulate invalid markers instead of branching on every digit.
    let mut invalid = 0u8;
    for (pair, byte) in text.chunks_exact(2).zip(out.iter_mut()) {
        let high = LOWER_VALUE[pair[0] as usize];
        let low = LOWER_VALUE[pair[1] as usize];
        invalid |= (high | low) & 0xf0;
        *byte = high << 4 | (low & 0x0f);
    }
    invalid == 0
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
