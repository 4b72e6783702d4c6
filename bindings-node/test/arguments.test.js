'use strict';
// tests/vectors/arguments.json through the Node API: every explicit codec takes the
// argument kinds the contract names, gives the contract's result for its example, and
// refuses every other kind with a TypeError naming the function and the parameter.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const ctxbridge = require('..');

const CONTRACT = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'tests', 'vectors', 'arguments.json'), 'utf8'));
const FUNCTIONS = new Map(CONTRACT.functions.map((fn) => [fn.name, fn]));

/** snake_case as Node names it. */
const camel = (name) => name.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase());

// The contract's kinds as JavaScript values.
const BAD_VALUES = {
  null: null,
  number: 42,
  bytes: Buffer.from('00-ab'),
  string: 'a=1',
  strings: ['k=v'],
  list_with_number: [1],
  pair_too_short: [['k']],
  member_too_short: [{ key: 'k' }],
};

const members = (value) => value.map(([key, text, properties]) => ({ key, value: text, properties }));

// Each function called with the contract's example arguments as Node's.
const CALLS = {
  parse_traceparent: (value) => ctxbridge.parseTraceparent(value),
  format_traceparent: ({ trace_id: traceId, span_id: spanId, flags }) => ctxbridge.formatTraceparent(traceId, spanId, flags),
  parse_tracestate: (values) => ctxbridge.parseTracestate(values),
  encode_tracestate: (pairs) => ctxbridge.encodeTracestate(pairs),
  parse_baggage: (value) => ctxbridge.parseBaggage(value),
  extract_baggage: (values) => ctxbridge.extractBaggage(values),
  encode_baggage: (value) => ctxbridge.encodeBaggage(members(value)),
};

/** A result as the contract writes it. */
function asContract(name, result) {
  if (name === 'parse_traceparent') return { trace_id: result.traceId, span_id: result.spanId, flags: result.traceFlags };
  if (name === 'parse_baggage' || name === 'extract_baggage') {
    return result.map((member) => [member.key, member.value, member.properties]);
  }
  return result;
}

test('the contract names every explicit codec Node exports', () => {
  const exported = Object.keys(ctxbridge).filter((name) => /^(parse|format|encode|extract)[A-Z]/.test(name)).sort();
  assert.deepEqual(exported, [...FUNCTIONS.keys()].map(camel).sort());
  assert.deepEqual(Object.keys(CALLS).sort(), [...FUNCTIONS.keys()].sort());
});

for (const [name, fn] of FUNCTIONS) {
  test(`${camel(name)} gives the contract's result for its example`, () => {
    assert.deepEqual(asContract(name, CALLS[name](...fn.example.args)), fn.example.returns);
  });
  for (const param of fn.params) {
    if (param.kind === 'ids') continue;
    for (const kind of param.refuses) {
      test(`${camel(name)} refuses ${kind} for ${camel(param.name)} with a TypeError naming it`, () => {
        assert.throws(() => ctxbridge[camel(name)](BAD_VALUES[kind]), (error) => {
          assert.ok(error instanceof TypeError, `${error.name}: ${error.message}`);
          assert.ok(error.message.startsWith(`ctxbridge.${camel(name)}: ${camel(param.name)} must be`), error.message);
          return true;
        });
      });
    }
  }
}

test('formatTraceparent refuses null ids naming each', () => {
  const { trace_id: traceId, span_id: spanId, flags } = FUNCTIONS.get('format_traceparent').example.args[0];
  for (const [position, param] of ['traceId', 'spanId', 'traceFlags'].entries()) {
    const args = [traceId, spanId, flags];
    args[position] = null;
    assert.throws(() => ctxbridge.formatTraceparent(...args), {
      name: 'TypeError',
      message: new RegExp(`^ctxbridge\\.formatTraceparent: ${param} must be`),
    });
  }
});
