'use strict';
// ctxbridge for Node: W3C codecs and propagator on a Rust core, a context manager on
// AsyncLocalStorage with attach tokens under the scope rules, and hand-off helpers for
// worker_threads and queues. See index.d.ts for the API.
const native = require('./lib/native');
const { CtxbridgePropagator } = require('./lib/propagator');
const { CtxbridgeContextManager, ContextToken } = require('./lib/context-manager');
const { ValidatedTraceState } = require('./lib/trace-state');
const handoff = require('./lib/handoff');

module.exports = {
  CtxbridgeContextManager,
  CtxbridgePropagator,
  ContextToken,
  ValidatedTraceState,
  capture: handoff.capture,
  carry: handoff.carry,
  isCarried: handoff.isCarried,
  contextOf: handoff.contextOf,
  runWorker: handoff.runWorker,
  onMessage: handoff.onMessage,
  inject: handoff.inject,
  resume: handoff.resume,
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
