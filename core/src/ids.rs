//! The identifiers of a span: `TraceId`, `SpanId` and `TraceFlags`.
//!
//! They are plain `Copy` values so that parsing a `traceparent` allocates nothing.

use std::fmt;

use crate::hex;

/// A 16-byte trace identifier. All zeros is invalid on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TraceId(pub [u8; 16]);

/// An 8-byte span identifier. All zeros is invalid on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SpanId(pub [u8; 8]);

/// The trace flags byte. Only the bits defined by W3C Trace Context Level 2 are kept
/// when a flags byte comes from the wire (see [`TraceFlags::from_wire`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TraceFlags(pub u8);

impl TraceId {
    /// The invalid all-zero id.
    pub const INVALID: TraceId = TraceId([0; 16]);

    /// Whether this id may appear in a `traceparent` (it is not all zeros).
    pub fn is_valid(&self) -> bool {
        self.0 != [0; 16]
    }

    /// The id as 32 lowercase hex characters.
    pub fn to_hex(&self) -> String {
        hex::encode_string(&self.0)
    }

    /// The id as a big-endian integer, the form OpenTelemetry SDKs use.
    pub fn to_u128(&self) -> u128 {
        u128::from_be_bytes(self.0)
    }

    /// Builds an id from a big-endian integer.
    pub fn from_u128(value: u128) -> Self {
        TraceId(value.to_be_bytes())
    }

    /// Parses 32 lowercase hex characters.
    pub fn from_hex(text: &str) -> Option<Self> {
        let mut bytes = [0u8; 16];
        hex::decode_lower(text.as_bytes(), &mut bytes).then_some(TraceId(bytes))
    }
}

impl SpanId {
    /// The invalid all-zero id.
    pub const INVALID: SpanId = SpanId([0; 8]);

    /// Whether this id may appear in a `traceparent` (it is not all zeros).
    pub fn is_valid(&self) -> bool {
        self.0 != [0; 8]
    }

    /// The id as 16 lowercase hex characters.
    pub fn to_hex(&self) -> String {
        hex::encode_string(&self.0)
    }

    /// The id as a big-endian integer, the form OpenTelemetry SDKs use.
    pub fn to_u64(&self) -> u64 {
        u64::from_be_bytes(self.0)
    }

    /// Builds an id from a big-endian integer.
    pub fn from_u64(value: u64) -> Self {
        SpanId(value.to_be_bytes())
    }

    /// Parses 16 lowercase hex characters.
    pub fn from_hex(text: &str) -> Option<Self> {
        let mut bytes = [0u8; 8];
        hex::decode_lower(text.as_bytes(), &mut bytes).then_some(SpanId(bytes))
    }
}

impl TraceFlags {
    /// The caller may have recorded the trace.
    pub const SAMPLED: TraceFlags = TraceFlags(0x01);
    /// The trace-id's right-most 7 bytes are random (Level 2).
    pub const RANDOM: TraceFlags = TraceFlags(0x02);
    /// Every bit this version of the spec defines.
    pub const KNOWN: u8 = 0x03;

    /// Keeps the known bits of a flags byte read from the wire and zeroes the rest,
    /// as the spec requires of a participant that does not know the other bits.
    pub fn from_wire(byte: u8) -> Self {
        TraceFlags(byte & Self::KNOWN)
    }

    /// Whether the sampled bit is set.
    pub fn is_sampled(&self) -> bool {
        self.0 & Self::SAMPLED.0 != 0
    }

    /// Whether the random bit is set.
    pub fn is_random(&self) -> bool {
        self.0 & Self::RANDOM.0 != 0
    }
}

impl fmt::Debug for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TraceId({})", self.to_hex())
    }
}

impl fmt::Display for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SpanId({})", self.to_hex())
    }
}

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for TraceFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TraceFlags({:02x})", self.0)
    }
}
