//! The numbers a scope decision, a misuse and a queue decision cross a boundary as.

use crate::queue::Parent;
use crate::scope::{Detached, Misuse};

/// What a detach did, as one number. After [`DetachCode::InOrder`] and
/// [`DetachCode::OutOfOrder`] what was current before the attach is current again (out of
/// order, the live frames above it ended too); the others changed nothing. Misuse codes
/// are negative, and the misuse is already counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DetachCode {
    InOrder = 0,
    /// The attach had already ended with an earlier one or with its task: nothing to do.
    AlreadyEnded = 1,
    OutOfOrder = -1,
    DoubleDetach = -2,
    WrongScope = -3,
    /// The library failed (a caught panic): the host treats it as a no-op.
    Failed = -100,
}

impl DetachCode {
    pub const ALL: [DetachCode; 6] = [
        DetachCode::InOrder,
        DetachCode::AlreadyEnded,
        DetachCode::OutOfOrder,
        DetachCode::DoubleDetach,
        DetachCode::WrongScope,
        DetachCode::Failed,
    ];

    /// The code of what the rules decided.
    pub fn of(outcome: Result<Detached, Misuse>) -> Self {
        match outcome {
            Ok(Detached::InOrder) => DetachCode::InOrder,
            Ok(Detached::AlreadyEnded) => DetachCode::AlreadyEnded,
            Err(Misuse::OutOfOrder) => DetachCode::OutOfOrder,
            Err(Misuse::DoubleDetach) => DetachCode::DoubleDetach,
            Err(Misuse::WrongScope | Misuse::Leaked) => DetachCode::WrongScope,
        }
    }

    pub fn code(self) -> i32 {
        self as i32
    }

    /// The name a host gives the constant (`IN_ORDER`), so a binding's test can check
    /// its table against this one.
    pub fn name(self) -> &'static str {
        match self {
            DetachCode::InOrder => "IN_ORDER",
            DetachCode::AlreadyEnded => "ALREADY_ENDED",
            DetachCode::OutOfOrder => "OUT_OF_ORDER",
            DetachCode::DoubleDetach => "DOUBLE_DETACH",
            DetachCode::WrongScope => "WRONG_SCOPE",
            DetachCode::Failed => "FAILED",
        }
    }

    /// The misuse a code reports, if any.
    pub fn misuse(self) -> Option<Misuse> {
        match self {
            DetachCode::OutOfOrder => Some(Misuse::OutOfOrder),
            DetachCode::DoubleDetach => Some(Misuse::DoubleDetach),
            DetachCode::WrongScope => Some(Misuse::WrongScope),
            _ => None,
        }
    }
}

/// A misuse as a number (1–4, in [`Misuse`] order), for hosts that report one back.
pub fn misuse_code(misuse: Misuse) -> i32 {
    match misuse {
        Misuse::OutOfOrder => 1,
        Misuse::DoubleDetach => 2,
        Misuse::WrongScope => 3,
        Misuse::Leaked => 4,
    }
}

/// The misuse of a number from [`misuse_code`] (see also [`Misuse::from_id`]).
pub fn misuse_of_code(code: i32) -> Option<Misuse> {
    Misuse::ALL.into_iter().find(|&m| misuse_code(m) == code)
}

/// How a consumer starts its span (DESIGN section 5), as a number and a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResumeKind {
    /// A child of the carried span.
    Child = 0,
    /// A new root with a span link to the carried span.
    RootWithLink = 1,
    /// A new root: the message carried no valid traceparent.
    Root = 2,
}

impl ResumeKind {
    pub const ALL: [ResumeKind; 3] = [
        ResumeKind::Child,
        ResumeKind::RootWithLink,
        ResumeKind::Root,
    ];

    pub fn of(parent: &Parent) -> Self {
        match parent {
            Parent::ChildOf(_) => ResumeKind::Child,
            Parent::RootWithLink(_) => ResumeKind::RootWithLink,
            Parent::Root => ResumeKind::Root,
        }
    }

    /// The stable name bindings show (`child`, `root_with_link`, `root`).
    pub fn id(self) -> &'static str {
        match self {
            ResumeKind::Child => "child",
            ResumeKind::RootWithLink => "root_with_link",
            ResumeKind::Root => "root",
        }
    }

    pub fn code(self) -> i32 {
        self as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misuse_codes_round_trip() {
        for misuse in Misuse::ALL {
            assert_eq!(misuse_of_code(misuse_code(misuse)), Some(misuse));
        }
        assert_eq!(misuse_of_code(0), None);
    }

    #[test]
    fn detach_codes_name_their_misuse() {
        assert_eq!(
            DetachCode::of(Err(Misuse::OutOfOrder)).misuse(),
            Some(Misuse::OutOfOrder)
        );
        assert_eq!(DetachCode::of(Ok(Detached::AlreadyEnded)).misuse(), None);
    }
}
