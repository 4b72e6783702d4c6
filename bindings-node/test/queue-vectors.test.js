'use strict';
// Every case of tests/vectors/queue.json through ctxbridge.resume: a child while the message
// is younger than maxAge, a new root linked to the producer from then on, a root without a
// traceparent, the baggage kept every time.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { propagation, trace } = require('@opentelemetry/api');

const ctxbridge = require('..');

const QUEUE = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'tests', 'vectors', 'queue.json'), 'utf8'));
const PRODUCER = '4bf92f3577b34da6a3ce929d0e0e4736';

for (const c of QUEUE.cases) {
  test(`queue: ${c.name}`, () => {
    const now = QUEUE.now_ms;
    const decision = ctxbridge.resume(c.headers, { enqueuedAt: now - c.age_ms, maxAge: c.max_age_ms, now });
    assert.equal(decision.kind, c.kind);
    assert.equal(propagation.getBaggage(decision.context)?.getEntry('tenant')?.value, 'acme');
    const parent = trace.getSpanContext(decision.context);
    if (c.kind === 'child') {
      assert.equal(parent?.traceId, PRODUCER);
      assert.equal(parent?.isRemote, true);
      assert.deepEqual(decision.links, []);
    } else if (c.kind === 'root_with_link') {
      assert.equal(parent, undefined);
      assert.deepEqual(decision.links.map((link) => link.context.traceId), [PRODUCER]);
    } else {
      assert.equal(parent, undefined);
      assert.deepEqual(decision.links, []);
    }
  });
}
