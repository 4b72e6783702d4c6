//! Reading a comma-separated list header (several values combined as if joined by `,`)
//! no further than its limits let anything through, so that what a header costs is
//! bounded by the limit, not by its length: a 16 MB header costs what a 16 kB one does.

/// One step through a list header.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    /// The text of one list member (possibly empty, untrimmed).
    Member(&'a str),
    /// A member longer than the longest one that can be valid; reading stops.
    MemberTooLarge,
    /// The members read so far already span the most input that can matter; reading
    /// stops before the next member.
    PastLimit,
}

/// The members of `values`, read while they can still matter (see [`Piece`]).
pub(crate) struct BoundedList<'a, I> {
    values: I,
    rest: &'a str,
    read: usize,
    started: bool,
    done: bool,
    max_member: usize,
    max_input: usize,
}

impl<'a, I: Iterator<Item = &'a str>> BoundedList<'a, I> {
    /// Members longer than `max_member` bytes, or starting past `max_input` bytes of the
    /// combined values, end the reading.
    pub(crate) fn new(values: I, max_member: usize, max_input: usize) -> Self {
        BoundedList {
            values,
            rest: "",
            read: 0,
            started: false,
            done: false,
            max_member,
            max_input,
        }
    }
}

impl<'a, I: Iterator<Item = &'a str>> Iterator for BoundedList<'a, I> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        while !self.done {
            if self.rest.is_empty() {
                self.rest = self.values.next()?;
                // The `,` that joins this value to the previous one.
                self.read += usize::from(self.started);
                self.started = true;
                continue;
            }
            if self.read > self.max_input {
                self.done = true;
                return Some(Piece::PastLimit);
            }
            // Look for the member's end no further than the longest valid member.
            let window = &self.rest.as_bytes()[..self.rest.len().min(self.max_member + 1)];
            let end = match window.iter().position(|&byte| byte == b',') {
                Some(comma) => comma,
                None if self.rest.len() <= self.max_member => self.rest.len(),
                None => {
                    self.done = true;
                    return Some(Piece::MemberTooLarge);
                }
            };
            let member = &self.rest[..end];
            self.rest = self.rest.get(end + 1..).unwrap_or("");
            self.read += end + 1;
            return Some(Piece::Member(member));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{BoundedList, Piece};

    fn pieces<'a>(values: &[&'a str], max_member: usize, max_input: usize) -> Vec<Piece<'a>> {
        BoundedList::new(values.iter().copied(), max_member, max_input).collect()
    }

    #[test]
    fn splits_combined_values_on_commas() {
        assert_eq!(
            pieces(&["a=1, b=2", "", "c=3,"], 10, 100),
            [
                Piece::Member("a=1"),
                Piece::Member(" b=2"),
                Piece::Member("c=3")
            ]
        );
    }

    #[test]
    fn stops_at_a_member_too_long_to_be_valid_without_reading_it_whole() {
        let long = format!("a=1,{}", "x".repeat(1 << 20));
        assert_eq!(
            pieces(&[&long, "b=2"], 10, 100),
            [Piece::Member("a=1"), Piece::MemberTooLarge]
        );
    }

    #[test]
    fn stops_before_a_member_starting_past_the_input_limit() {
        assert_eq!(
            pieces(&["a=1,b=2", "c=3"], 10, 5),
            [Piece::Member("a=1"), Piece::Member("b=2"), Piece::PastLimit]
        );
    }
}
