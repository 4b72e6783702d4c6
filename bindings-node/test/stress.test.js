'use strict';
// Under load (issue 12's stress runs, smaller counts): async tasks and worker messages, a
// tenth of them leaking an attach, never see a wrong parent; the counters add up exactly;
// the heap after GC stays flat once warm.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { context, trace, ROOT_CONTEXT } = require('@opentelemetry/api');
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');

const ctxbridge = require('..');

const manager = new ctxbridge.CtxbridgeContextManager();
context.setGlobalContextManager(manager);
const tracer = new BasicTracerProvider().getTracer('stress');
const LEAK_EVERY = 10;

async function asyncTasks(count) {
  let wrong = 0;
  const running = [];
  for (let number = 0; number < count; number += 1) {
    const span = tracer.startSpan('submit');
    const parent = trace.setSpan(ROOT_CONTEXT, span);
    running.push(manager.runTask(parent, async () => {
      await Promise.resolve();
      if (number % LEAK_EVERY === 0) manager.attach(ROOT_CONTEXT);
      await new Promise((resolve) => setImmediate(resolve));
      if (number % LEAK_EVERY !== 0 && trace.getSpan(context.active()) !== span) wrong += 1;
    }));
    span.end();
    if (running.length === 500) await Promise.all(running.splice(0));
  }
  await Promise.all(running);
  return wrong;
}

test('async tasks keep their parent after awaits and every leak is counted once', async () => {
  const before = ctxbridge.stats();
  const tasks = 20000;
  assert.equal(await asyncTasks(tasks), 0);
  const after = ctxbridge.stats();
  const grown = (key) => after[key] - before[key];
  assert.equal(grown('leaked'), tasks / LEAK_EVERY);
  assert.equal(grown('attached'), tasks + tasks / LEAK_EVERY);
  assert.equal(grown('attached'), grown('detached') + grown('leaked'));
  assert.equal(grown('outOfOrder') + grown('doubleDetach') + grown('wrongScope'), 0);
});

test('worker messages with async handlers keep their parent; leaks are counted', async () => {
  const worker = new Worker(path.join(__dirname, 'fixtures', 'stress-worker.js'));
  try {
    const before = ctxbridge.stats().leaked;
    const messages = 2000;
    const expected = new Map();
    const replies = new Promise((resolve) => {
      let wrong = 0;
      let seen = 0;
      worker.on('message', ({ number, parent }) => {
        if (expected.get(number) !== parent) wrong += 1;
        seen += 1;
        if (seen === messages) resolve(wrong);
      });
    });
    for (let number = 0; number < messages; number += 1) {
      tracer.startActiveSpan('post', (span) => {
        expected.set(number, span.spanContext().spanId);
        worker.postMessage(ctxbridge.carry({ number, leak: number % LEAK_EVERY === 0 }));
        span.end();
      });
    }
    assert.equal(await replies, 0, 'no message saw another parent');
    // The addon's counters are the process's: the worker's leaks show here, counted as each
    // of its tasks ends (just after its reply): wait for them, not for a fixed time.
    const expectedLeaks = messages / LEAK_EVERY;
    const deadline = Date.now() + 30000;
    while (ctxbridge.stats().leaked - before < expectedLeaks && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(ctxbridge.stats().leaked - before, expectedLeaks);
  } finally {
    await worker.terminate();
  }
});

test('the heap after GC stays flat over many async tasks once warm', async () => {
  assert.equal(typeof global.gc, 'function', 'run with --expose-gc');
  await asyncTasks(5000);
  global.gc();
  const before = process.memoryUsage().heapUsed;
  await asyncTasks(30000);
  global.gc();
  const grown = process.memoryUsage().heapUsed - before;
  assert.ok(grown < 2 * 1024 * 1024, `the heap grew ${grown} bytes over 30,000 tasks`);
});
