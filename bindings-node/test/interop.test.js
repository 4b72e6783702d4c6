'use strict';
// tests/vectors/interop.json through the public propagator, against @opentelemetry/core's
// own W3C propagators: what ctxbridge sends, stock reads back unchanged; what stock
// sends, ctxbridge reads by W3C's rules; baggage properties survive as entry metadata;
// nothing that is not W3C tracestate is ever sent. And the host contracts of
// OpenTelemetry JS's propagator: the extracted span context has its shape.
const test = require('node:test');
const assert = require('node:assert/strict');
const { ROOT_CONTEXT, propagation, trace, baggageEntryMetadataFromString } = require('@opentelemetry/api');
const { W3CBaggagePropagator, W3CTraceContextPropagator, TraceState } = require('@opentelemetry/core');

const { CtxbridgePropagator, ValidatedTraceState } = require('..');
const { loadVectors } = require('./helpers');

const ctxbridge = new CtxbridgePropagator();
const stockBaggage = new W3CBaggagePropagator();
const stockTrace = new W3CTraceContextPropagator();
const interop = loadVectors('interop.json');
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function withBaggage(entries) {
  return propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage(entries));
}

function injected(propagator, ctx) {
  const carrier = {};
  propagator.inject(ctx, carrier, { set: (c, k, v) => { c[k] = v; } });
  return carrier;
}

test('values: ctxbridge sends what @opentelemetry/core reads back unchanged', async (t) => {
  for (const c of interop.values) {
    await t.test(c.name, () => {
      const sent = injected(ctxbridge, withBaggage({ k: { value: c.value } }));
      assert.equal(sent.baggage, c.encoded);
      const read = stockBaggage.extract(ROOT_CONTEXT, sent, { get: (carrier, key) => carrier[key], keys: Object.keys });
      assert.equal(propagation.getBaggage(read).getEntry('k').value, c.value);
    });
  }
});

test('stock: what @opentelemetry/core sends is what the vectors say, and ctxbridge reads it by W3C rules', async (t) => {
  for (const c of interop.stock.filter((s) => s.sdk === 'js')) {
    await t.test(c.name, () => {
      const sent = injected(stockBaggage, withBaggage({ k: { value: c.value } }));
      assert.equal(sent.baggage, c.header);
      const read = ctxbridge.extract(ROOT_CONTEXT, { baggage: c.header });
      assert.equal(propagation.getBaggage(read).getEntry('k').value, c.reads);
    });
  }
  for (const c of interop.stock) {
    await t.test(`reads ${c.sdk}: ${c.name}`, () => {
      const read = ctxbridge.extract(ROOT_CONTEXT, { baggage: c.header });
      assert.equal(propagation.getBaggage(read).getEntry('k').value, c.reads);
    });
  }
});

test('properties survive extract and inject as entry metadata', async (t) => {
  for (const c of interop.properties) {
    await t.test(c.name, () => {
      const carrier = { baggage: c.headers.length === 1 ? c.headers[0] : c.headers };
      const extracted = ctxbridge.extract(ROOT_CONTEXT, carrier);
      const entry = propagation.getBaggage(extracted).getEntry(c.key);
      assert.equal(entry.value, c.value);
      assert.equal(entry.metadata === undefined ? '' : entry.metadata.toString(), c.metadata);
      assert.equal(injected(ctxbridge, extracted).baggage, c.encoded);
    });
  }
  await t.test('metadata set through the API is sent', () => {
    const ctx = withBaggage({ k: { value: 'v', metadata: baggageEntryMetadataFromString('p1;p2=x') } });
    assert.equal(injected(ctxbridge, ctx).baggage, 'k=v;p1;p2=x');
  });
});

test('metadata that is not W3C properties is never sent', async (t) => {
  for (const c of interop.bad_metadata) {
    await t.test(c.name, () => {
      const metadata = { toString: () => c.metadata }; // a BaggageEntryMetadata as any code can make one
      const ctx = withBaggage({ [c.key]: { value: c.value, metadata } });
      assert.equal(injected(ctxbridge, ctx).baggage, c.encoded === '' ? undefined : c.encoded);
    });
  }
});

test('ValidatedTraceState validates, and inject never sends what is not W3C tracestate', async (t) => {
  for (const c of interop.bad_tracestate) {
    await t.test(c.name, () => {
      const state = new ValidatedTraceState(c.serialized);
      assert.equal(state.serialize(), '');
      for (const traceState of [state, { serialize: () => c.serialized, get() {}, set() { return this; }, unset() { return this; } }]) {
        const ctx = trace.setSpanContext(ROOT_CONTEXT, {
          traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, traceState,
        });
        const sent = injected(ctxbridge, ctx);
        assert.equal(sent.traceparent, TRACEPARENT);
        assert.equal(sent.tracestate, undefined);
      }
    });
  }
  await t.test('a valid header is kept in canonical form', () => {
    const state = new ValidatedTraceState(' a=1 ,, b=2');
    assert.equal(state.serialize(), 'a=1,b=2');
    assert.equal(state.get('b'), '2');
    assert.equal(state.set('c', '3').serialize(), 'c=3,a=1,b=2');
    assert.equal(state.set('a', '9').serialize(), 'a=9,b=2');
  });
});

test('extract gives the span context OpenTelemetry JS gives: same keys, no traceState key when none', () => {
  for (const carrier of [{ traceparent: TRACEPARENT }, { traceparent: TRACEPARENT, tracestate: 'a=1,b=2' }]) {
    const ours = trace.getSpanContext(ctxbridge.extract(ROOT_CONTEXT, carrier));
    const stock = trace.getSpanContext(stockTrace.extract(ROOT_CONTEXT, carrier, { get: (c, k) => c[k], keys: Object.keys }));
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(stock).sort());
    assert.equal(Object.hasOwn(ours, 'traceState'), carrier.tracestate !== undefined);
    if (carrier.tracestate !== undefined) assert.equal(ours.traceState.serialize(), stock.traceState.serialize());
  }
  // Stock's TraceState goes out through ctxbridge the same way.
  const ctx = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, traceState: new TraceState('a=1,b=2'),
  });
  assert.equal(injected(ctxbridge, ctx).tracestate, 'a=1,b=2');
});

test("inject writes the traceparent the core formats, for every flag byte (JavaScript's fast path checked against it)", () => {
  const { formatTraceparent } = require('..');
  for (let flags = 0; flags < 256; flags++) {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: flags });
    assert.equal(injected(ctxbridge, ctx).traceparent, formatTraceparent('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', flags), `flags ${flags}`);
  }
});
