//! Several strings in one `byte[]`: each field is a 4-byte big-endian length and that
//! many UTF-8 bytes (`io.ctxbridge.internal.Fields` reads and writes the same).
//! One array crosses instead of one Java string per value.

/// Builds a packed byte string.
#[derive(Default)]
pub struct FieldWriter {
    out: Vec<u8>,
}

impl FieldWriter {
    pub fn push(&mut self, field: &str) {
        let len = u32::try_from(field.len()).unwrap_or(u32::MAX);
        self.out.extend_from_slice(&len.to_be_bytes());
        self.out.extend_from_slice(field.as_bytes());
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }
}

/// Reads the fields of a packed byte string; `None` when it is malformed.
pub fn read(bytes: &[u8]) -> Option<Vec<&str>> {
    let mut fields = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let len = u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize;
        at += 4;
        fields.push(std::str::from_utf8(bytes.get(at..at + len)?).ok()?);
        at += len;
    }
    Some(fields)
}
