'use strict';
// Dropped headers (issue 19): what the propagator drops from a remote caller (a bad
// tracestate, a bad baggage member, baggage past its limits) is counted under the rule it
// broke and logged once per rule through diag.warn, never with the value.
const test = require('node:test');
const assert = require('node:assert/strict');
const { ROOT_CONTEXT, diag, DiagLogLevel, propagation, trace } = require('@opentelemetry/api');

const ctxbridge = require('..');

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const propagator = new ctxbridge.CtxbridgePropagator();

/** diag's warnings about drops while `fn` runs, after a reset (so every rule warns again). */
function dropWarnings(fn) {
  const warnings = [];
  diag.setLogger({ warn: (m) => warnings.push(m), error() {}, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
  ctxbridge.resetStats();
  try {
    fn();
  } finally {
    diag.disable();
  }
  return warnings.filter((w) => w.includes('dropped'));
}

test('a bad tracestate is dropped, counted and logged once, without its value', () => {
  const warnings = dropWarnings(() => {
    for (const secret of ['Upper=secret-one', 'Upper=secret-two']) {
      const context = propagator.extract(ROOT_CONTEXT, { traceparent: TRACEPARENT, tracestate: secret });
      const spanContext = trace.getSpanContext(context);
      assert.equal(spanContext.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
      assert.equal(spanContext.traceState, undefined, 'the tracestate is dropped whole');
    }
  });
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /tracestate\.key/);
  assert.doesNotMatch(warnings[0], /secret/);
  assert.deepEqual(ctxbridge.droppedStats(), { 'tracestate.key': 2 });
});

test('a repeated tracestate header that is bad is reported too', () => {
  const warnings = dropWarnings(() => {
    propagator.extract(ROOT_CONTEXT, { traceparent: TRACEPARENT, tracestate: ['a=1', 'B=2'] });
  });
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.deepEqual(ctxbridge.droppedStats(), { 'tracestate.key': 1 });
});

test('baggage members are dropped alone and counted by rule', () => {
  let kept;
  let cut;
  const many = Array.from({ length: 70 }, (_, n) => `k${n}=v`).join(',');
  const warnings = dropWarnings(() => {
    kept = propagator.extract(ROOT_CONTEXT, { baggage: 'ok=1,bad key=private,v=a\\b' });
    cut = propagator.extract(ROOT_CONTEXT, { baggage: many });
  });
  assert.deepEqual(propagation.getBaggage(kept).getAllEntries().map(([k]) => k), ['ok']);
  assert.equal(propagation.getBaggage(cut).getAllEntries().length, 64);
  assert.deepEqual(ctxbridge.droppedStats(), { 'baggage.key': 1, 'baggage.value': 1, 'baggage.limits': 1 });
  assert.equal(warnings.length, 3, warnings.join('\n'));
  assert.ok(!warnings.some((w) => w.includes('private')));
});

test('a queue resume reports what it dropped', () => {
  const warnings = dropWarnings(() => {
    ctxbridge.resume({ traceparent: TRACEPARENT, baggage: 'bad key=1' }, { enqueuedAt: Date.now(), maxAge: 60000 });
  });
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.deepEqual(ctxbridge.droppedStats(), { 'baggage.key': 1 });
});

test('valid headers drop nothing', () => {
  const warnings = dropWarnings(() => {
    propagator.extract(ROOT_CONTEXT, { traceparent: TRACEPARENT, tracestate: 'a=1, b=2', baggage: 'k=v;p' });
  });
  assert.deepEqual(warnings, []);
  assert.deepEqual(ctxbridge.droppedStats(), {});
});
