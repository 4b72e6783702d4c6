'use strict';
// Bad input never crashes: the propagator returns the context it was given; explicit
// parses throw an Error naming the rule.
const test = require('node:test');
const assert = require('node:assert/strict');
const { ROOT_CONTEXT, createContextKey, propagation, trace } = require('@opentelemetry/api');

const ctxbridge = require('..');

const propagator = new ctxbridge.CtxbridgePropagator();
const MARK = createContextKey('mark');
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

test('the propagator returns the given context for bad header values', () => {
  const given = ROOT_CONTEXT.setValue(MARK, true);
  for (const carrier of [
    { traceparent: 42 },
    { traceparent: { nested: true } },
    { traceparent: [1, 2, null] },
    { traceparent: Buffer.from(TRACEPARENT) },
    { traceparent: '\u0000'.repeat(55) },
    { traceparent: TRACEPARENT.toUpperCase() },
    { traceparent: 'ff' + TRACEPARENT.slice(2), tracestate: 7, baggage: Symbol('x') },
    { baggage: '=;=;,,;'.repeat(1000) },
  ]) {
    assert.equal(propagator.extract(given, carrier).getValue(MARK), true);
  }
});

test('a getter that throws leaves the context unchanged', () => {
  const given = ROOT_CONTEXT.setValue(MARK, 1);
  const throwing = { get() { throw new Error('broken carrier'); }, keys: () => [] };
  assert.equal(propagator.extract(given, {}, throwing), given);
});

test('random headers keep the given context unless they parse', () => {
  let seed = 1234;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const alphabet = '0123456789abcdefABCDEF-=,; \t%"\\é\u0000';
  // Random text, or a valid header with a character or two changed, so that both outcomes
  // of the contract come up.
  const header = (valid) => {
    if (random() < 0.5) {
      return Array.from({ length: Math.floor(random() * 80) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    }
    const chars = [...valid];
    for (let n = Math.floor(random() * 3); n > 0; n--) chars[Math.floor(random() * chars.length)] = alphabet[Math.floor(random() * alphabet.length)];
    return chars.join('');
  };
  const given = ROOT_CONTEXT.setValue(MARK, true);
  let parsed = 0;
  for (let i = 0; i < 3000; i++) {
    const carrier = {
      traceparent: header(TRACEPARENT),
      tracestate: header('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'),
      baggage: header('tenant=acme,user=alice%20b;ttl=60'),
    };
    const extracted = propagator.extract(given, carrier);
    const why = JSON.stringify(carrier);
    assert.equal(extracted.getValue(MARK), true, why);
    const span = trace.getSpanContext(extracted);
    let expected;
    try {
      expected = ctxbridge.parseTraceparent(carrier.traceparent);
    } catch {
      expected = undefined;
    }
    if (expected === undefined) {
      assert.equal(span, undefined, why);
    } else {
      parsed++;
      assert.deepEqual([span.traceId, span.spanId], [expected.traceId, expected.spanId], why);
      let members = [];
      try {
        members = ctxbridge.parseTracestate([carrier.tracestate]);
      } catch {
        // an invalid tracestate is dropped whole
      }
      assert.equal(span.traceState?.serialize() ?? '', ctxbridge.encodeTracestate(members), why);
    }
    const bag = propagation.getBaggage(extracted);
    const got = Object.fromEntries((bag?.getAllEntries() ?? []).map(([key, entry]) => [key, entry.value]));
    const want = Object.fromEntries(ctxbridge.extractBaggage([carrier.baggage]).map((m) => [m.key, m.value]));
    assert.deepEqual(got, want, why);
  }
  assert.ok(parsed > 500, `only ${parsed} valid traceparents`);
});

test('explicit parses throw an Error naming the rule', () => {
  assert.throws(() => ctxbridge.parseTraceparent(TRACEPARENT.toUpperCase()), { message: /^traceparent\.lowercase_hex:/ });
  assert.throws(() => ctxbridge.parseTracestate(['a=1,B=2']), { message: /^tracestate\.key:/ });
  assert.throws(() => ctxbridge.parseBaggage('ok=1,bad'), { message: /^baggage\.member:/ });
  assert.throws(() => ctxbridge.formatTraceparent('nothex', '00f067aa0ba902b7', 1), { message: /traceId/ });
  assert.throws(() => ctxbridge.setMode('loud'), { message: /off, warn or strict/ });
});

// Each public entry point given null, undefined or a wrong type throws a TypeError (or a
// RangeError for a number out of range) with ctxbridge's own message naming the
// parameter; napi's conversion text ("Failed to convert JavaScript value") never shows.
const manager = new ctxbridge.CtxbridgeContextManager();
const BAD_CALLS = [
  ['parseTraceparent', 'value', () => ctxbridge.parseTraceparent(null)],
  ['parseTraceparent', 'value', () => ctxbridge.parseTraceparent(42)],
  ['formatTraceparent', 'traceId', () => ctxbridge.formatTraceparent(undefined, '00f067aa0ba902b7', 1)],
  ['formatTraceparent', 'spanId', () => ctxbridge.formatTraceparent('4bf92f3577b34da6a3ce929d0e0e4736', 7, 1)],
  ['formatTraceparent', 'traceFlags', () => ctxbridge.formatTraceparent('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', '1')],
  ['parseTracestate', 'values', () => ctxbridge.parseTracestate('a=1')],
  ['parseTracestate', 'values', () => ctxbridge.parseTracestate([null])],
  ['encodeTracestate', 'members', () => ctxbridge.encodeTracestate([['k']])],
  ['parseBaggage', 'value', () => ctxbridge.parseBaggage(undefined)],
  ['encodeBaggage', 'members', () => ctxbridge.encodeBaggage([{ key: 'k' }])],
  ['encodeBaggage', 'members', () => ctxbridge.encodeBaggage(null)],
  ['setMode', 'mode', () => ctxbridge.setMode(null)],
  ['CtxbridgeContextManager.attach', 'context', () => manager.attach(null)],
  ['CtxbridgeContextManager.attach', 'context', () => manager.attach({})],
  ['CtxbridgeContextManager.runTask', 'context', () => manager.runTask(undefined, () => 1)],
  ['CtxbridgeContextManager.runTask', 'fn', () => manager.runTask(ROOT_CONTEXT, null)],
  ['capture', 'ctx', () => ctxbridge.capture(null)],
  ['carry', 'ctx', () => ctxbridge.carry({}, 'ctx')],
  ['inject', 'headers', () => ctxbridge.inject(null)],
  ['inject', 'ctx', () => ctxbridge.inject({}, 42)],
  ['resume', 'headers', () => ctxbridge.resume(null, { enqueuedAt: 0, maxAge: 1 })],
  ['resume', 'options', () => ctxbridge.resume({})],
  ['resume', 'options.enqueuedAt', () => ctxbridge.resume({}, { enqueuedAt: 'x', maxAge: 1 })],
  ['resume', 'options.maxAge', () => ctxbridge.resume({}, { enqueuedAt: 0 })],
  ['resume', 'options.now', () => ctxbridge.resume({}, { enqueuedAt: 0, maxAge: 1, now: 'later' })],
  ['runWorker', 'fn', () => ctxbridge.runWorker(null)],
  ['onMessage', 'port', () => ctxbridge.onMessage(null, () => {})],
  ['onMessage', 'handler', () => ctxbridge.onMessage(new (require('node:events').EventEmitter)(), undefined)],
];

for (const [fn, param, call] of BAD_CALLS) {
  test(`${fn} refuses a bad ${param} with a TypeError naming it`, () => {
    assert.throws(call, (error) => {
      assert.ok(error instanceof TypeError, `${error.name}: ${error.message}`);
      assert.ok(error.message.startsWith(`ctxbridge.${fn}: ${param} must be`), error.message);
      assert.ok(!/Failed to convert|rust type/.test(error.message), error.message);
      return true;
    });
  });
}

test('numbers out of range are RangeErrors naming the parameter', () => {
  assert.throws(() => ctxbridge.formatTraceparent('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', 256), {
    name: 'RangeError',
    message: /^ctxbridge\.formatTraceparent: traceFlags must be in 0\.\.255/,
  });
});
