//! The doctor's view of one span: what every input (OTLP JSON, Jaeger, an SDK's
//! in-memory exporter) can give, and nothing the rules do not read.

/// What a span did, as OpenTelemetry's `SpanKind` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Kind {
    #[default]
    Unspecified,
    Internal,
    Server,
    Client,
    Producer,
    Consumer,
}

impl Kind {
    /// A span that starts work for a caller in another process (its parent, if any,
    /// is remote): a server request or a consumed message.
    pub fn is_entry(self) -> bool {
        matches!(self, Kind::Server | Kind::Consumer)
    }

    /// A span that hands work to another process (the parent of an entry span).
    pub fn is_exit(self) -> bool {
        matches!(self, Kind::Client | Kind::Producer)
    }

    /// The kind of OTLP's numeric `kind` (0–5) or its enum name (`SPAN_KIND_SERVER`),
    /// or Jaeger's `span.kind` tag (`server`).
    pub fn parse(text: &str) -> Kind {
        let name = text
            .trim_start_matches("SPAN_KIND_")
            .trim_start_matches("SpanKind.");
        // Compared without case and without allocating: it runs once per span read.
        const NAMES: [(&str, &str, Kind); 5] = [
            ("1", "internal", Kind::Internal),
            ("2", "server", Kind::Server),
            ("3", "client", Kind::Client),
            ("4", "producer", Kind::Producer),
            ("5", "consumer", Kind::Consumer),
        ];
        NAMES
            .iter()
            .find(|(number, word, _)| name == *number || name.eq_ignore_ascii_case(word))
            .map_or(Kind::Unspecified, |(_, _, kind)| *kind)
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Unspecified => "unspecified",
            Kind::Internal => "internal",
            Kind::Server => "server",
            Kind::Client => "client",
            Kind::Producer => "producer",
            Kind::Consumer => "consumer",
        }
    }
}

/// One finished span. Ids are numbers (a trace id of 64 bits, as old Jaeger clients
/// sent, is the low half); times are nanoseconds since the Unix epoch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Span {
    pub trace_id: u128,
    pub span_id: u64,
    /// `None` for a root.
    pub parent_id: Option<u64>,
    pub name: String,
    pub kind: Kind,
    /// The resource's `service.name`.
    pub service: String,
    /// The resource's `telemetry.sdk.language` (`python`, `nodejs`, `java`, `rust`,
    /// `cpp`…), which picks the language of each fix.
    pub language: String,
    pub start_ns: u64,
    pub end_ns: u64,
    /// The status was ERROR.
    pub error: bool,
    /// The spans this one links to, as (trace id, span id).
    pub links: Vec<(u128, u64)>,
    /// Attributes, values as text (`thread.name`, `messaging.*`, `order.id`, baggage a
    /// baggage span processor copied…).
    pub attributes: Vec<(String, String)>,
}

impl Span {
    /// The value of attribute `key`, if the span has it.
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The thread the span ran on, when an attribute says (`thread.name`, else
    /// `thread.id`).
    pub fn thread(&self) -> Option<&str> {
        self.attribute("thread.name")
            .or_else(|| self.attribute("thread.id"))
    }

    pub fn duration_ns(&self) -> u64 {
        self.end_ns.saturating_sub(self.start_ns)
    }
}

/// A trace id as W3C writes it (32 lowercase hex digits).
pub fn trace_hex(id: u128) -> String {
    format!("{id:032x}")
}

/// A span id as W3C writes it (16 lowercase hex digits).
pub fn span_hex(id: u64) -> String {
    format!("{id:016x}")
}

/// A hex id of at most 32 digits as a number (`None` when not hex or too long; an
/// empty id, and all zeros, read as `Some(0)`). OTLP JSON and Jaeger both write hex, but
/// not always W3C's fixed width: Jaeger writes a 64-bit trace id in 16 digits and has
/// dropped leading zeros, so this is not `TraceId::from_hex`, which takes exactly 32.
pub fn parse_hex_id(text: &str) -> Option<u128> {
    let text = text.trim();
    if text.len() > 32 {
        return None;
    }
    if text.is_empty() {
        return Some(0);
    }
    u128::from_str_radix(text, 16).ok()
}
