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
}

/// What a detach answers a host whose stack is an array of its own objects (Java's
/// `Context`s) indexed by frame depth: the [`DetachCode`] in the low byte (as a signed
/// byte) and, above it, the depth of the frame now current (0: the scope's base). After a
/// code that changed nothing the depth is the one current before.
pub fn detach_answer(code: DetachCode, current_depth: u32) -> i64 {
    i64::from(current_depth) << 8 | i64::from(code.code() as i8 as u8)
}

/// What a task wrapper's exit answers such a host: how many attaches the task leaked, in
/// the high 32 bits, and the depth now current (what was current before the task), low.
pub fn exit_answer(leaked: u64, current_depth: u32) -> i64 {
    (leaked.min(i32::MAX as u64) as i64) << 32 | i64::from(current_depth)
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

/// How a consumer starts its span (DESIGN section 5), by the name every binding shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResumeKind {
    /// A child of the carried span.
    Child,
    /// A new root with a span link to the carried span.
    RootWithLink,
    /// A new root: the message carried no valid traceparent.
    Root,
}

impl ResumeKind {
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
    fn answers_round_trip() {
        // Read as Java reads them: the low byte as a signed byte, the depth above it.
        for code in DetachCode::ALL {
            let answer = detach_answer(code, 7);
            assert_eq!(
                (i32::from(answer as u8 as i8), answer >> 8),
                (code.code(), 7)
            );
        }
        assert_eq!(exit_answer(3, 2) >> 32, 3);
        assert_eq!(exit_answer(3, 2) & 0xffff_ffff, 2);
    }

    #[test]
    fn only_a_misuse_has_a_negative_code() {
        assert_eq!(
            DetachCode::of(Err(Misuse::OutOfOrder)),
            DetachCode::OutOfOrder
        );
        assert_eq!(
            DetachCode::of(Ok(Detached::AlreadyEnded)),
            DetachCode::AlreadyEnded
        );
        assert!(DetachCode::of(Ok(Detached::InOrder)).code() >= 0);
        assert!(DetachCode::of(Ok(Detached::AlreadyEnded)).code() >= 0);
        for misuse in [Misuse::OutOfOrder, Misuse::DoubleDetach, Misuse::WrongScope] {
            assert!(DetachCode::of(Err(misuse)).code() < 0);
        }
    }
}
