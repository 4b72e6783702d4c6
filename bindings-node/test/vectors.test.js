'use strict';
// Every codec case of tests/vectors/ through the JS API. (scopes.json waits for the
// attach/dispose tokens, the next step of the Node binding.)
const test = require('node:test');
const assert = require('node:assert/strict');
const { ROOT_CONTEXT, createContextKey, defaultTextMapSetter, propagation, trace } = require('@opentelemetry/api');

const ctxbridge = require('..');
const { loadVectors, headerValue } = require('./helpers');

const propagator = new ctxbridge.CtxbridgePropagator();
const MARK = createContextKey('test mark');
const rulePattern = (rule) => new RegExp('^' + rule.replace('.', '\\.') + ':');

test('traceparent vectors', async (t) => {
  for (const c of loadVectors('traceparent.json').cases) {
    await t.test(c.name, () => {
      const carrier = c.headers.length ? { traceparent: headerValue(c.headers) } : {};
      const given = ROOT_CONTEXT.setValue(MARK, 1);
      const extracted = propagator.extract(given, carrier);
      const spanContext = trace.getSpanContext(extracted);
      assert.equal(spanContext !== undefined, c.valid);
      if (c.valid) {
        assert.equal(spanContext.traceId, c.trace_id);
        assert.equal(spanContext.spanId, c.parent_id);
        assert.equal(spanContext.traceFlags.toString(16).padStart(2, '0'), c.flags);
        assert.equal(spanContext.isRemote, true);
        const out = {};
        propagator.inject(extracted, out);
        assert.equal(out.traceparent, c.encoded);
      } else {
        assert.equal(extracted, given);
      }
      if (c.headers.length === 1) {
        if (c.valid) {
          const parsed = ctxbridge.parseTraceparent(c.headers[0]);
          assert.deepEqual([parsed.traceId, parsed.spanId], [c.trace_id, c.parent_id]);
          assert.equal(ctxbridge.formatTraceparent(parsed.traceId, parsed.spanId, parsed.traceFlags), c.encoded);
        } else {
          assert.throws(() => ctxbridge.parseTraceparent(c.headers[0]), { message: rulePattern(c.rule) });
        }
      }
    });
  }
});

// Level 2's random flag belongs to the trace id: a child span the SDK starts under an
// extracted parent must go out with it when the parent had it (the SDK alone drops it).
test('traceparent vectors through an SDK child span keep the random flag', async (t) => {
  const { BasicTracerProvider, AlwaysOnSampler } = require('@opentelemetry/sdk-trace-base');
  const tracer = new BasicTracerProvider({ sampler: new AlwaysOnSampler() }).getTracer('vectors');
  for (const c of loadVectors('traceparent.json').cases.filter((v) => v.valid)) {
    await t.test(c.name, () => {
      const extracted = propagator.extract(ROOT_CONTEXT, { traceparent: headerValue(c.headers) });
      const child = tracer.startSpan('child', {}, extracted);
      const out = {};
      propagator.inject(trace.setSpan(extracted, child), out);
      child.end();
      const [, traceId, spanId, flags] = out.traceparent.split('-');
      assert.equal(traceId, c.trace_id);
      assert.equal(spanId, child.spanContext().spanId);
      assert.equal(Number.parseInt(flags, 16) & 0x02, Number.parseInt(c.flags, 16) & 0x02, 'the random flag');
    });
  }
});

test('tracestate vectors', async (t) => {
  const file = loadVectors('tracestate.json');
  for (const c of file.cases) {
    await t.test(c.name, () => {
      const carrier = { traceparent: c.traceparent, tracestate: headerValue(c.headers) };
      const extracted = propagator.extract(ROOT_CONTEXT, carrier);
      const spanContext = trace.getSpanContext(extracted);
      assert.ok(spanContext);
      const members = spanContext.traceState ? ctxbridge.parseTracestate([spanContext.traceState.serialize()]) : [];
      assert.deepEqual(members, c.members);
      const out = {};
      propagator.inject(extracted, out);
      assert.equal(out.tracestate ?? '', c.encoded);
      if (c.valid) {
        assert.deepEqual(ctxbridge.parseTracestate(c.headers), c.members);
      } else {
        assert.throws(() => ctxbridge.parseTracestate(c.headers), { message: rulePattern(c.rule) });
      }
    });
  }
  for (const c of file.ignored_without_traceparent) {
    await t.test(c.name, () => {
      const extracted = propagator.extract(ROOT_CONTEXT, { traceparent: c.traceparent, tracestate: headerValue(c.headers) });
      assert.equal(trace.getSpanContext(extracted), undefined);
    });
  }
  for (const c of file.encode) {
    await t.test(c.name, () => assert.equal(ctxbridge.encodeTracestate(c.members), c.encoded));
  }
  for (const c of file.mutations) {
    await t.test(c.name, () => {
      let state = new ctxbridge.ValidatedTraceState(c.start);
      for (const op of c.ops) {
        if (op.set) {
          const next = state.set(op.set[0], op.set[1]);
          if (op.rule) {
            assert.equal(next, state, 'an invalid set changes nothing');
            // The rule the core names (the public set() returns the state unchanged).
            const members = ctxbridge.parseTracestate([state.serialize()]);
            assert.throws(() => require('../lib/native').tracestateSet(members, op.set[0], op.set[1]), (error) => error.message.startsWith(`${op.rule}:`));
          }
          state = next;
        } else {
          state = state.unset(op.delete);
        }
      }
      // Byte for byte, as a service sends it: the edited state on a span context, injected.
      assert.equal(state.serialize(), c.encoded);
      const spanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, traceState: state };
      const carrier = {};
      propagator.inject(trace.setSpanContext(ROOT_CONTEXT, spanContext), carrier, defaultTextMapSetter);
      assert.equal(carrier.tracestate ?? '', c.encoded);
    });
  }
});

test('baggage vectors', async (t) => {
  const file = loadVectors('baggage.json');
  const native = require('../lib/native');
  for (const c of file.cases) {
    await t.test(c.name, () => {
      const carrier = c.headers.length ? { baggage: headerValue(c.headers) } : {};
      const extracted = propagator.extract(ROOT_CONTEXT, carrier);
      const entries = Object.fromEntries((propagation.getBaggage(extracted)?.getAllEntries() ?? []).map(([k, e]) => [k, e.value]));
      assert.deepEqual(entries, Object.fromEntries(c.members.map((m) => [m.key, m.value])));
      // Properties are not part of OpenTelemetry JS's baggage entries; the codec keeps them.
      const members = native.extractBaggage(c.headers);
      assert.deepEqual(members.map((m) => ({ ...m })), c.members);
      assert.equal(ctxbridge.encodeBaggage(members), c.encoded);
      // Byte for byte through the propagator: what it injects for what it extracted.
      const out = {};
      propagator.inject(extracted, out, defaultTextMapSetter);
      assert.equal(out.baggage ?? '', c.encoded);
      if (c.strict_error) {
        assert.throws(() => ctxbridge.parseBaggage(c.headers[0]), { message: rulePattern(c.strict_error) });
      } else {
        for (const header of c.headers) {
          assert.deepEqual(ctxbridge.parseBaggage(header), native.extractBaggage([header]));
        }
      }
    });
  }
  for (const c of file.encode) {
    await t.test(c.name, () => {
      if (c.rule) {
        assert.throws(() => ctxbridge.encodeBaggage(c.members), { message: rulePattern(c.rule) });
      } else {
        assert.equal(ctxbridge.encodeBaggage(c.members), c.encoded);
      }
    });
  }
});
