//! Several strings in one `byte[]`: each field is a 4-byte big-endian length and that
//! many UTF-8 bytes, or the length `0xFFFF_FFFF` alone for a null (`io.ctxbridge.internal.Fields`
//! reads and writes the same). One array crosses instead of one Java string per value.

/// The length that stands for a null field.
const NULL: u32 = u32::MAX;

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

    /// A field Java reads as `null`.
    pub fn push_null(&mut self) {
        self.out.extend_from_slice(&NULL.to_be_bytes());
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

/// Reads fields that may be null ([`FieldWriter::push_null`]); `None` when malformed.
pub fn read_nullable(bytes: &[u8]) -> Option<Vec<Option<&str>>> {
    let mut fields = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let len = u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?);
        at += 4;
        if len == NULL {
            fields.push(None);
            continue;
        }
        let len = len as usize;
        fields.push(Some(std::str::from_utf8(bytes.get(at..at + len)?).ok()?));
        at += len;
    }
    Some(fields)
}

/// One baggage member as [`read_members`] gives it: key, value, and each property's key
/// and value (`None` for a bare key).
pub type PackedMember<'a> = (&'a str, &'a str, Vec<(&'a str, Option<&'a str>)>);

/// Baggage members as `W3cCodecs` packs them: key, value, each property's key and value
/// (null for a bare key), then a null. `None` when malformed.
pub fn read_members(bytes: &[u8]) -> Option<Vec<PackedMember<'_>>> {
    let fields = read_nullable(bytes)?;
    let mut members = Vec::new();
    let mut at = 0;
    while at < fields.len() {
        let key = (*fields.get(at)?)?;
        let value = (*fields.get(at + 1)?)?;
        at += 2;
        let mut properties = Vec::new();
        while let Some(Some(property)) = fields.get(at) {
            properties.push((*property, *fields.get(at + 1)?));
            at += 2;
        }
        at += 1; // the null that ends the member
        members.push((key, value, properties));
    }
    Some(members)
}
