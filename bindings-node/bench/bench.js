'use strict';
// ctxbridge beside @opentelemetry/core's W3CTraceContextPropagator and
// @opentelemetry/context-async-hooks' AsyncLocalStorageContextManager, in one run, on
// the same inputs: warmed loops, best of several rounds. Prints a Markdown table of
// ratios (OpenTelemetry's time / ctxbridge's: above 1, ctxbridge is faster).
// Run with `make bench-node` (a release build of the addon).
const { ROOT_CONTEXT, createContextKey, trace } = require('@opentelemetry/api');
const { W3CTraceContextPropagator } = require('@opentelemetry/core');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { CtxbridgeContextManager, CtxbridgePropagator } = require('..');

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const TRACESTATE = 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7';

function bestNs(fn, iterations = 200000, rounds = 7) {
  for (let i = 0; i < iterations; i++) fn(); // warm up the JIT
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / iterations);
  }
  return best;
}

function row(name, ours, theirs) {
  console.log(`| ${name} | ${ours.toFixed(0)} ns | ${theirs.toFixed(0)} ns | ${(theirs / ours).toFixed(1)}x |`);
}

const ours = new CtxbridgePropagator();
const w3c = new W3CTraceContextPropagator();
const carrier = { traceparent: TRACEPARENT, tracestate: TRACESTATE };
const extracted = w3c.extract(ROOT_CONTEXT, carrier, { get: (c, k) => c[k], keys: Object.keys });
const getter = { get: (c, k) => c[k], keys: Object.keys };
const setter = { set: (c, k, v) => { c[k] = v; } };
const same = trace.getSpanContext(ours.extract(ROOT_CONTEXT, carrier, getter));
if (same.traceId !== trace.getSpanContext(extracted).traceId) throw new Error('the propagators disagree');

console.log('| benchmark | ctxbridge | opentelemetry-js | ratio |');
console.log('|---|---:|---:|---:|');
row('extract traceparent+tracestate (vs W3CTraceContextPropagator)',
  bestNs(() => ours.extract(ROOT_CONTEXT, carrier, getter)), bestNs(() => w3c.extract(ROOT_CONTEXT, carrier, getter)));
row('inject traceparent+tracestate (vs W3CTraceContextPropagator)',
  bestNs(() => ours.inject(extracted, {}, setter)), bestNs(() => w3c.inject(extracted, {}, setter)));

const KEY = createContextKey('k');
const value = ROOT_CONTEXT.setValue(KEY, 1);
const ctxbridgeManager = new CtxbridgeContextManager().enable();
const alsManager = new AsyncLocalStorageContextManager().enable();
const noop = () => 1;
row('with() (vs AsyncLocalStorageContextManager)',
  bestNs(() => ctxbridgeManager.with(value, noop)), bestNs(() => alsManager.with(value, noop)));
row('active() inside with() (vs AsyncLocalStorageContextManager)',
  ctxbridgeManager.with(value, () => bestNs(() => ctxbridgeManager.active(), 2000000)),
  alsManager.with(value, () => bestNs(() => alsManager.active(), 2000000)));
console.log(`\nattach+dispose (no AsyncLocalStorageContextManager equivalent): ${ctxbridgeManager.with(ROOT_CONTEXT, () => bestNs(() => ctxbridgeManager.attach(value).dispose(), 100000)).toFixed(0)} ns`);
