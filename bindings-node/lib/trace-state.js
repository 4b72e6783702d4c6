'use strict';
// A TraceState of members ctxbridge's core validated under W3C Trace Context Level 2.
// OpenTelemetry JS's own TraceState checks keys as Level 1 and would drop keys that
// Level 2 allows (a leading digit, several '@'), breaking propagation.
const native = require('./native');
const args = require('./args');

class ValidatedTraceState {
  /**
   * Parses and validates a tracestate header in the core: members are kept in canonical
   * form, and a header that is not valid W3C tracestate (a bad member, more than 32
   * members, a CR or LF) gives the empty tracestate, as a received one would.
   * @param {string} [header]
   */
  constructor(header = '') {
    this._header = typeof header === 'string' && header !== '' ? native.canonicalTracestate(header) : '';
    this._members = undefined;
  }

  _pairs() {
    if (this._members === undefined) {
      this._members = this._header ? native.parseTracestate([this._header]) : [];
    }
    return this._members;
  }

  get(key) {
    const member = this._pairs().find(([k]) => k === key);
    return member ? member[1] : undefined;
  }

  /** Moves `key` to the front with `value`; an invalid key or value leaves it unchanged. */
  set(key, value) {
    try {
      return fromPairs(native.tracestateSet(this._pairs(), key, value));
    } catch {
      return this;
    }
  }

  unset(key) {
    return fromPairs(native.tracestateDelete(this._pairs(), key));
  }

  /** The canonical header, not truncated (inject keeps it to 512 characters). */
  serialize() {
    return this._header;
  }

  /**
   * A tracestate of `[key, value]` pairs, in order, each validated alone in the core (so a
   * value cannot smuggle in another member): those W3C cannot carry are left out.
   */
  static fromPairs(pairs) {
    return fromCanonical(native.canonicalOfMembers(args.pairs('ValidatedTraceState.fromPairs', 'pairs', pairs)));
  }
}

/** A ValidatedTraceState of a header the core has already found canonical. */
function fromCanonical(header, members) {
  const state = Object.create(ValidatedTraceState.prototype);
  state._header = header;
  state._members = members;
  return state;
}

/** A ValidatedTraceState of `[key, value]` pairs the core produced. */
function fromPairs(pairs) {
  return fromCanonical(pairs.map(([k, v]) => `${k}=${v}`).join(','), pairs);
}

module.exports = { ValidatedTraceState, fromCanonical };
