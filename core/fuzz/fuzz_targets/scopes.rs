//! The scope rules (DESIGN section 4, rule 3 as rewritten) against a small executable
//! model of them: random sequences of attach, detach (by token and by id, in order, out
//! of order, twice, forged, from another thread), capture and nested `run_in` — including
//! a task that reaches the frame its own `run_in` attached. After every step the current
//! value, every counter and the leak count each `run_in` reports must be the model's.
#![no_main]

use std::collections::VecDeque;

use arbitrary::Arbitrary;
use ctxbridge_core::handoff::{detach_id, run_task, was_issued};
use ctxbridge_core::scope::{self, Mode, Token};
use ctxbridge_core::{attach, capture, current, detach, Baggage, Snapshot};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Op {
    Attach,
    Detach(u8),
    DetachById(u8),
    DetachElsewhere(u8),
    DetachByIdElsewhere(u8),
    /// An id this thread never issued: refused before the rules (as the C ABI does).
    DetachForged(u16),
    /// Inside a task: detach the frame its `run_in` attached, reached by id.
    DetachOwnTaskFrame,
    Capture,
    RunIn(Vec<Op>),
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum State {
    Live,
    Detached,
    Ended,
}

struct Frame {
    id: u64,
    parent: Option<usize>,
    state: State,
}

/// The counters in `Stats::entries` order: attached, detached, out_of_order,
/// double_detach, wrong_scope, leaked.
#[derive(Default, PartialEq, Debug, Clone, Copy)]
struct Counters([u64; 6]);
const ATTACHED: usize = 0;
const DETACHED: usize = 1;
const OUT_OF_ORDER: usize = 2;
const DOUBLE: usize = 3;
const WRONG: usize = 4;
const LEAKED: usize = 5;

/// DESIGN section 4, written as plainly as possible.
struct Model {
    frames: Vec<Frame>,
    head: Option<usize>,
    counters: Counters,
    /// The ids of frames that ended without their own detach, the 64 latest (a thread
    /// remembers no more: the documented bound).
    ended_ids: VecDeque<u64>,
    next_id: u64,
}

impl Model {
    fn attach(&mut self) -> usize {
        self.frames.push(Frame { id: self.next_id, parent: self.head, state: State::Live });
        self.next_id += 1;
        self.head = Some(self.frames.len() - 1);
        self.counters.0[ATTACHED] += 1;
        self.frames.len() - 1
    }

    fn on_chain(&self, from: Option<usize>, frame: usize) -> bool {
        let mut next = from;
        while let Some(at) = next {
            if at == frame {
                return true;
            }
            next = self.frames[at].parent;
        }
        false
    }

    /// A live frame ends without its own detach: counted as leaked, its id remembered.
    fn end(&mut self, frame: usize) -> u64 {
        if self.frames[frame].state != State::Live {
            return 0;
        }
        self.frames[frame].state = State::Ended;
        self.counters.0[LEAKED] += 1;
        if self.ended_ids.len() == 64 {
            self.ended_ids.pop_front();
        }
        self.ended_ids.push_back(self.frames[frame].id);
        1
    }

    /// Rules 2-4 for a detach in the frame's own scope.
    fn detach(&mut self, frame: usize) {
        match self.frames[frame].state {
            State::Ended => {}
            State::Detached => self.counters.0[DOUBLE] += 1,
            State::Live if self.head == Some(frame) => {
                self.frames[frame].state = State::Detached;
                self.head = self.frames[frame].parent;
                self.counters.0[DETACHED] += 1;
            }
            State::Live if self.on_chain(self.head, frame) => {
                let mut next = self.head;
                while let Some(at) = next {
                    if at == frame {
                        break;
                    }
                    self.end(at);
                    next = self.frames[at].parent;
                }
                self.frames[frame].state = State::Detached;
                self.head = self.frames[frame].parent;
                self.counters.0[DETACHED] += 1;
                self.counters.0[OUT_OF_ORDER] += 1;
            }
            State::Live => self.counters.0[WRONG] += 1,
        }
    }

    /// A detach by id (C, Java): found on the stack, it follows the rules; an ended id
    /// still remembered changes nothing; any other is a double detach.
    fn detach_by_id(&mut self, frame: usize) {
        if self.on_chain(self.head, frame) {
            return self.detach(frame);
        }
        let id = self.frames[frame].id;
        match self.ended_ids.iter().position(|&ended| ended == id) {
            Some(at) => {
                self.ended_ids.remove(at);
            }
            None => self.counters.0[DOUBLE] += 1,
        }
    }

    /// Rule 5, by token: the state decides first (ended: nothing; detached: double).
    fn detach_elsewhere(&mut self, frame: usize) {
        match self.frames[frame].state {
            State::Ended => {}
            State::Detached => self.counters.0[DOUBLE] += 1,
            State::Live => self.counters.0[WRONG] += 1,
        }
    }

    /// Rule 6: back to `mark`, the task's own frame detached, what it left live ended.
    fn exit_task(&mut self, mark: Option<usize>, own: usize) -> u64 {
        if self.frames[own].state == State::Live {
            self.frames[own].state = State::Detached;
            self.counters.0[DETACHED] += 1;
        }
        let mut leaked = 0;
        let mut next = self.head;
        while let Some(at) = next {
            if self.on_chain(mark, at) {
                break;
            }
            leaked += self.end(at);
            next = self.frames[at].parent;
        }
        self.head = mark;
        leaked
    }
}

struct Run {
    model: Model,
    /// The real token of each model frame (none for the frames run_in attaches).
    tokens: Vec<Option<Token<Snapshot>>>,
    start: ctxbridge_core::scope::Stats,
}

fn labelled(frame: usize) -> Snapshot {
    let mut baggage = Baggage::default();
    baggage.insert("frame", &frame.to_string()).unwrap();
    Snapshot::new(None, baggage)
}

fn label_of(snapshot: &Snapshot) -> Option<usize> {
    snapshot.baggage().get("frame").map(|f| f.parse().unwrap())
}

impl Run {
    fn check(&self, after: &Op) {
        assert_eq!(label_of(&current()), self.model.head, "current after {after:?}");
        let now = scope::stats();
        let counted: Vec<u64> = now
            .entries()
            .iter()
            .zip(self.start.entries().iter())
            .map(|((_, a), (_, b))| a - b)
            .collect();
        assert_eq!(counted, self.model.counters.0, "counters after {after:?}");
    }

    fn pick(&self, index: u8) -> Option<usize> {
        (!self.model.frames.is_empty()).then(|| usize::from(index) % self.model.frames.len())
    }

    fn apply(&mut self, ops: &[Op], depth: usize, own: Option<usize>) {
        for op in ops {
            match op {
                Op::Attach => {
                    let frame = self.model.attach();
                    let token = attach(labelled(frame));
                    assert_eq!(token.id(), self.model.frames[frame].id, "ids are sequential");
                    self.tokens.push(Some(token));
                }
                Op::Detach(index) => {
                    if let Some(frame) = self.pick(*index) {
                        if let Some(token) = &self.tokens[frame] {
                            let _ = detach(token);
                            self.model.detach(frame);
                        }
                    }
                }
                Op::DetachById(index) => {
                    if let Some(frame) = self.pick(*index) {
                        let id = self.model.frames[frame].id;
                        assert!(was_issued(id));
                        let _ = detach_id(id);
                        self.model.detach_by_id(frame);
                    }
                }
                Op::DetachElsewhere(index) => {
                    if let Some(frame) = self.pick(*index) {
                        if let Some(token) = self.tokens[frame].clone() {
                            std::thread::spawn(move || {
                                let _ = detach(&token);
                            })
                            .join()
                            .unwrap();
                            self.model.detach_elsewhere(frame);
                        }
                    }
                }
                Op::DetachByIdElsewhere(index) => {
                    if let Some(frame) = self.pick(*index) {
                        let id = self.model.frames[frame].id;
                        std::thread::spawn(move || {
                            let _ = detach_id(id);
                        })
                        .join()
                        .unwrap();
                        self.model.counters.0[WRONG] += 1;
                    }
                }
                Op::DetachForged(offset) => {
                    assert!(!was_issued(self.model.next_id + u64::from(*offset)));
                }
                Op::DetachOwnTaskFrame => {
                    if let Some(own) = own {
                        let _ = detach_id(self.model.frames[own].id);
                        self.model.detach_by_id(own);
                    }
                }
                Op::Capture => {
                    assert_eq!(label_of(&capture()), self.model.head);
                }
                Op::RunIn(inner) => {
                    if depth < 4 {
                        let mark = self.model.head;
                        let frame = self.model.attach();
                        self.tokens.push(None);
                        let ((), leaked) = run_task(&labelled(frame), || {
                            self.check(op);
                            self.apply(inner, depth + 1, Some(frame));
                        });
                        assert_eq!(leaked, self.model.exit_task(mark, frame), "run_in's leak count");
                    }
                }
            }
            self.check(op);
        }
    }
}

fuzz_target!(|ops: Vec<Op>| {
    scope::set_mode(Mode::Off);
    // Learn the next id this thread issues (ids are per thread and sequential).
    let probe = attach(Snapshot::default());
    let next_id = probe.id() + 1;
    detach(&probe).unwrap();
    let mut run = Run {
        model: Model {
            frames: Vec::new(),
            head: None,
            counters: Counters::default(),
            ended_ids: VecDeque::new(),
            next_id,
        },
        tokens: Vec::new(),
        start: scope::stats(),
    };
    // The whole input runs as a task, so the next input starts from the base again.
    run.apply(&[Op::RunIn(ops)], 0, None);
});
