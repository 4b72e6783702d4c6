'use strict';
// ctxbridge for Node: W3C codecs and propagator on a Rust core, and a context manager
// on AsyncLocalStorage. See index.d.ts for the API.
const native = require('./lib/native');
const { CtxbridgePropagator } = require('./lib/propagator');
const { CtxbridgeContextManager } = require('./lib/context-manager');
const { ValidatedTraceState } = require('./lib/trace-state');

module.exports = {
  CtxbridgeContextManager,
  CtxbridgePropagator,
  ValidatedTraceState,
  parseTraceparent: native.parseTraceparent,
  formatTraceparent: native.formatTraceparent,
  parseTracestate: native.parseTracestate,
  encodeTracestate: native.encodeTracestate,
  parseBaggage: native.parseBaggage,
  encodeBaggage: native.encodeBaggage,
  stats: native.stats,
  resetStats: native.resetStats,
  setMode: native.setMode,
  getMode: native.getMode,
};
