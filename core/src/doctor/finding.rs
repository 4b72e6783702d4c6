//! What the doctor reports: one broken hand-off, the spans it involves, why the doctor
//! thinks so, and what to change.

/// The failure shapes a trace shows when context was lost or leaked (the seed's list).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shape {
    /// A span whose parent is not in its trace.
    Orphan,
    /// Work that should have continued a trace started a new one: a root tied to a span
    /// of another trace that was open when it started.
    BrokenHandoff,
    /// A context that outlived its task was picked up by unrelated work: an entry span
    /// under a local span, or a span under a parent that ended long before on the same
    /// thread.
    StaleParent,
    /// A child that started long after its parent ended: it should be a new root with a
    /// link.
    LateWork,
    /// Baggage keys present upstream and absent downstream across a hop.
    LostBaggage,
}

impl Shape {
    pub const ALL: [Shape; 5] = [
        Shape::Orphan,
        Shape::BrokenHandoff,
        Shape::StaleParent,
        Shape::LateWork,
        Shape::LostBaggage,
    ];

    /// The id in `--json` output and in test helpers' messages.
    pub fn id(self) -> &'static str {
        match self {
            Shape::Orphan => "orphan",
            Shape::BrokenHandoff => "broken-handoff",
            Shape::StaleParent => "stale-parent",
            Shape::LateWork => "late-work",
            Shape::LostBaggage => "lost-baggage",
        }
    }

    /// How the report names it.
    pub fn title(self) -> &'static str {
        match self {
            Shape::Orphan => "orphan",
            Shape::BrokenHandoff => "broken hand-off",
            Shape::StaleParent => "stale parent (leaked context)",
            Shape::LateWork => "late work without a link",
            Shape::LostBaggage => "lost baggage",
        }
    }
}

/// One finding. Spans are indexes into the slice given to [`super::diagnose`].
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub shape: Shape,
    /// The span where the break shows: the orphan, the new root, the stale or late
    /// child, the span that lacks the baggage.
    pub span: usize,
    /// The other span of the pair, where the doctor found it: the span that was open
    /// when a root started, the absent parent's likely holder, the stale or early parent,
    /// the span that still had the baggage.
    pub related: Option<usize>,
    /// What was seen, one fact per line.
    pub evidence: Vec<String>,
    /// One line to change, in the language of the service that broke the hand-off.
    pub fix: String,
}
