'use strict';
// worker_threads and queue hand-off with the real SDK: spans made in a worker are
// children of the span active where the work was posted (checked with the ids the
// worker reports back), and a queued message resumes as a child or as a linked root.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { once } = require('node:events');
const { Worker } = require('node:worker_threads');
const { context, propagation, trace, ROOT_CONTEXT, SpanKind } = require('@opentelemetry/api');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');

const ctxbridge = require('..');

const WORKER = path.join(__dirname, 'fixtures', 'worker.js');
context.setGlobalContextManager(new ctxbridge.CtxbridgeContextManager());
const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('order-service');

function nextMessage(worker) {
  return once(worker, 'message').then(([message]) => message);
}

test('a worker runs its startup code and each message under the span it was posted in', async () => {
  let worker;
  let startupParent;
  tracer.startActiveSpan('spawn', (span) => {
    startupParent = span.spanContext();
    worker = new Worker(WORKER, { workerData: ctxbridge.carry({ order: 'o-1' }) });
    span.end();
  });
  try {
    const startup = await nextMessage(worker);
    assert.equal(startup.traceId, startupParent.traceId);
    assert.equal(startup.parentSpanId, startupParent.spanId);

    // Two messages posted under two different spans land under their own parents.
    const parents = [];
    for (const order of ['o-2', 'o-3']) {
      tracer.startActiveSpan(`validate ${order}`, (span) => {
        parents.push(span.spanContext());
        worker.postMessage(ctxbridge.carry({ order }));
        span.end();
      });
    }
    for (const parent of parents) {
      const report = await nextMessage(worker);
      assert.equal(report.traceId, parent.traceId);
      assert.equal(report.parentSpanId, parent.spanId);
    }
  } finally {
    await worker.terminate();
  }
});

test('an attach a message handler leaks does not reach the next message', async () => {
  const worker = new Worker(WORKER, { workerData: ctxbridge.carry({ order: 'startup' }) });
  try {
    await nextMessage(worker);
    tracer.startActiveSpan('first', (span) => {
      worker.postMessage(ctxbridge.carry({ order: 'leaky', leak: true }));
      span.end();
    });
    await nextMessage(worker);
    worker.postMessage(ctxbridge.carry({ order: 'next' }, ROOT_CONTEXT)); // posted with no span
    const next = await nextMessage(worker);
    assert.equal(next.parentSpanId, null, 'the next message is a new root');
    assert.equal(next.leakedAttach, false);
  } finally {
    await worker.terminate();
  }
});

test('the addon loads in eight workers at once', async () => {
  const source = `
    const { parentPort } = require('node:worker_threads');
    const ctxbridge = require(${JSON.stringify(path.join(__dirname, '..'))});
    parentPort.postMessage(ctxbridge.parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01').spanId);`;
  const workers = Array.from({ length: 8 }, () => new Worker(source, { eval: true }));
  const exits = workers.map((w) => once(w, 'exit')); // listen before they can exit
  const ids = await Promise.all(workers.map(nextMessage));
  assert.deepEqual(ids, Array(8).fill('00f067aa0ba902b7'));
  assert.deepEqual((await Promise.all(exits)).map(([code]) => code), Array(8).fill(0));
});

function produce() {
  const headers = {};
  const withBaggage = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ 'tenant.id': { value: 'acme' } }));
  context.with(withBaggage, () => tracer.startActiveSpan('publish', (span) => {
    ctxbridge.inject(headers);
    span.end();
  }));
  return headers;
}

test('a fresh message resumes as a child, an old one as a new root with a link', () => {
  exporter.reset();
  const headers = produce();
  const now = Date.now();
  for (const [name, enqueuedAt] of [['fresh', now - 1000], ['old', now - 2 * 3600 * 1000]]) {
    const decision = ctxbridge.resume(headers, { enqueuedAt, maxAge: 60000, now });
    assert.equal(propagation.getBaggage(decision.context).getEntry('tenant.id').value, 'acme', name);
    tracer.startSpan(`consume ${name}`, { kind: SpanKind.CONSUMER, links: decision.links }, decision.context).end();
  }
  const spans = Object.fromEntries(exporter.getFinishedSpans().map((s) => [s.name, s]));
  const producer = spans.publish.spanContext();
  assert.equal(spans['consume fresh'].spanContext().traceId, producer.traceId);
  assert.equal(spans['consume fresh'].parentSpanContext.spanId, producer.spanId);
  assert.notEqual(spans['consume old'].spanContext().traceId, producer.traceId);
  assert.equal(spans['consume old'].parentSpanContext, undefined);
  assert.equal(spans['consume old'].links[0].context.spanId, producer.spanId);
});

test('a resumed parent keeps the carried tracestate', () => {
  const headers = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'vendor=1,1foo=bar' };
  const decision = ctxbridge.resume(headers, { enqueuedAt: Date.now(), maxAge: 60000 });
  assert.equal(decision.kind, 'child');
  assert.equal(trace.getSpanContext(decision.context).traceState.serialize(), 'vendor=1,1foo=bar');
});

test('a message without a traceparent resumes as a root, keeping baggage', () => {
  const decision = ctxbridge.resume({ traceparent: 'junk', baggage: 'tenant.id=acme' }, { enqueuedAt: Date.now(), maxAge: 1000 });
  assert.equal(decision.kind, 'root');
  assert.equal(trace.getSpanContext(decision.context), undefined);
  assert.equal(propagation.getBaggage(decision.context).getEntry('tenant.id').value, 'acme');
});
