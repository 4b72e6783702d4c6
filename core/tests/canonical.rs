//! `is_canonical` is the fast path of every extract with a tracestate: it must say yes
//! exactly when parsing and re-encoding a header gives it back, on any input. Random
//! headers built from the bytes that matter (a small xorshift keeps it repeatable).

use ctxbridge_core::tracestate::is_canonical;
use ctxbridge_core::TraceState;

/// Bytes that decide a tracestate: key and value characters, the separators, OWS, a
/// character outside every set, and one that is fine in values but not in keys.
const ALPHABET: &[u8] = b"ab09_-*/@=, \tA~\x7f\x1f";

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick(&mut self, from: &[&'static str]) -> &'static str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

fn agrees(header: &str) {
    assert_eq!(
        is_canonical(header),
        TraceState::parse(header).is_ok_and(|state| state.header() == header),
        "{header:?}"
    );
}

/// Headers made of likely members, so repeated keys and near-misses come up often.
#[test]
fn canonical_exactly_when_members_are_composed() {
    const KEYS: &[&str] = &["a", "b", "a@b", "0", "A", "", " a", "a ", "k_-*/"];
    const VALUES: &[&str] = &["1", "x y", "1 ", "", "=", " 1", "~", "a,b", "\t"];
    const SEPARATORS: &[&str] = &[",", ",", ",", ", ", ",,", " ,", ""];
    let mut random = XorShift(0x2545_f491_4f6c_dd1d);
    for _ in 0..200_000 {
        let mut header = String::new();
        for member in 0..=random.next() % 4 {
            if member > 0 {
                header.push_str(random.pick(SEPARATORS));
            }
            header.push_str(random.pick(KEYS));
            header.push('=');
            header.push_str(random.pick(VALUES));
        }
        agrees(&header);
    }
}

#[test]
fn canonical_exactly_when_a_parse_encodes_to_itself() {
    let mut random = XorShift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..200_000 {
        let len = (random.next() % 24) as usize;
        let header: String = (0..len)
            .map(|_| char::from(ALPHABET[(random.next() % ALPHABET.len() as u64) as usize]))
            .collect();
        agrees(&header);
    }
}

#[test]
fn canonical_at_the_limits() {
    let key = "k".repeat(256);
    let value = "v".repeat(256);
    for header in [
        format!("{key}=v"),
        format!("{key}x=v"),
        format!("k={value}"),
        format!("k={value}x"),
        (0..32)
            .map(|i| format!("k{i}=v"))
            .collect::<Vec<_>>()
            .join(","),
        (0..33)
            .map(|i| format!("k{i}=v"))
            .collect::<Vec<_>>()
            .join(","),
        format!("a={},b=c", "v".repeat(250)),
        format!("a={},b={}", "v".repeat(254), "w".repeat(254)),
        "a=1,a=2".to_owned(),
        "a=1,".to_owned(),
        ",a=1".to_owned(),
        "a= 1".to_owned(),
        "a=1 ".to_owned(),
        "t@v=1,t@v2=2".to_owned(),
    ] {
        agrees(&header);
    }
}
