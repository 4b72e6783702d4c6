'use strict';
// ctxbridge for Node: W3C codecs and propagator on a Rust core, a context manager on
// AsyncLocalStorage with attach tokens under the scope rules, and hand-off helpers for
// worker_threads and queues. See index.d.ts for the API.
const native = require('./lib/native');
const { CtxbridgePropagator } = require('./lib/propagator');
const { CtxbridgeContextManager, ContextToken, setAttachSites } = require('./lib/context-manager');
const { ValidatedTraceState } = require('./lib/trace-state');
const handoff = require('./lib/handoff');
const args = require('./lib/args');
const { registerMetrics } = require('./lib/metrics');
const { droppedStats } = require('./lib/dropped');

// The explicit codecs, with arguments checked here (napi's conversion errors never reach
// the caller) and rules enforced in Rust.
const codecs = {
  parseTraceparent: (value) => native.parseTraceparent(args.string('parseTraceparent', 'value', value)),
  formatTraceparent: (traceId, spanId, traceFlags) => native.formatTraceparent(
    args.string('formatTraceparent', 'traceId', traceId),
    args.string('formatTraceparent', 'spanId', spanId),
    args.integer('formatTraceparent', 'traceFlags', traceFlags, 255),
  ),
  parseTracestate: (values) => native.parseTracestate(args.strings('parseTracestate', 'values', values)),
  encodeTracestate: (members) => native.encodeTracestate(args.pairs('encodeTracestate', 'members', members)),
  parseBaggage: (value) => native.parseBaggage(args.string('parseBaggage', 'value', value)),
  extractBaggage: (values) => native.extractBaggage(args.strings('extractBaggage', 'values', values)),
  encodeBaggage: (members) => native.encodeBaggage(args.members('encodeBaggage', 'members', members)),
  setMode: (mode) => native.setMode(args.string('setMode', 'mode', mode)),
  setAttachSites: (on) => setAttachSites(args.boolean('setAttachSites', 'on', on)),
};

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
  registerMetrics: (meterProvider) => registerMetrics(args.meterProvider('registerMetrics', 'meterProvider', meterProvider)),
  ...codecs,
  stats: native.stats,
  resetStats: native.resetStats,
  getMode: native.getMode,
  getAttachSites: native.getAttachSites,
  droppedStats,
};
