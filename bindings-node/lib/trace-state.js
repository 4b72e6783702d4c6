'use strict';
// A TraceState of members ctxbridge's core validated under W3C Trace Context Level 2.
// OpenTelemetry JS's own TraceState checks keys as Level 1 and would drop keys that
// Level 2 allows (a leading digit, several '@'), breaking propagation.
const native = require('./native');

class ValidatedTraceState {
  /** @param {string} header a canonical tracestate header (see native.checkTracestate) */
  constructor(header) {
    this._header = header;
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
      return ValidatedTraceState.fromPairs(native.tracestateSet(this._pairs(), key, value));
    } catch {
      return this;
    }
  }

  unset(key) {
    return ValidatedTraceState.fromPairs(native.tracestateDelete(this._pairs(), key));
  }

  /** The header as received (canonical), not truncated. */
  serialize() {
    return this._header;
  }

  static fromPairs(pairs) {
    const state = new ValidatedTraceState(pairs.map(([k, v]) => `${k}=${v}`).join(','));
    state._members = pairs;
    return state;
  }
}

module.exports = { ValidatedTraceState };
