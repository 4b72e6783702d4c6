'use strict';
// The seed's Node pattern and the async boundaries a context manager must follow,
// with the real @opentelemetry/sdk-trace-base and its InMemorySpanExporter.
const test = require('node:test');
const assert = require('node:assert/strict');
const { EventEmitter } = require('node:events');
const { context, createContextKey, trace, ROOT_CONTEXT } = require('@opentelemetry/api');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');

const { CtxbridgeContextManager, CtxbridgePropagator } = require('..');
const { assertUnbroken } = require('../doctor');

const manager = new CtxbridgeContextManager().enable();
context.setGlobalContextManager(manager);
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('order-service');

function finished(name) {
  const span = exporter.getFinishedSpans().find((s) => s.name === name);
  assert.ok(span, `no span ${name}`);
  return span;
}

function assertChild(childName, parentName) {
  const child = finished(childName);
  const parent = finished(parentName);
  assert.equal(child.spanContext().traceId, parent.spanContext().traceId);
  assert.equal(child.parentSpanContext?.spanId, parent.spanContext().spanId);
}

test.beforeEach(() => exporter.reset());

test('the seed pattern: context.bind + setImmediate keeps the parent', async () => {
  await new Promise((done) => {
    const span = tracer.startSpan('validate_payment');
    const ctx = trace.setSpan(context.active(), span);
    span.end();
    const boundWorker = context.bind(ctx, () => {
      tracer.startSpan('background_fulfillment').end();
      done();
    });
    setImmediate(boundWorker);
  });
  assertChild('background_fulfillment', 'validate_payment');
  assertUnbroken(exporter);
});

test('promises, timers and awaits inside with() keep the parent', async () => {
  await tracer.startActiveSpan('validate_payment', async (span) => {
    await Promise.resolve();
    tracer.startSpan('after-await').end();
    await new Promise((resolve) => setTimeout(resolve, 1));
    tracer.startSpan('after-timer').end();
    await new Promise((resolve) => setImmediate(() => {
      tracer.startSpan('in-immediate').end();
      resolve();
    }));
    span.end();
  });
  for (const name of ['after-await', 'after-timer', 'in-immediate']) assertChild(name, 'validate_payment');
  assertUnbroken(exporter);
});

test('an EventEmitter bound to a context runs its listeners in it, and removal works', () => {
  const emitter = new EventEmitter();
  const span = tracer.startSpan('validate_payment');
  context.bind(trace.setSpan(ROOT_CONTEXT, span), emitter);
  span.end();
  const listener = () => tracer.startSpan('listener').end();
  emitter.on('order', listener);
  emitter.emit('order'); // emitted outside any context
  emitter.removeListener('order', listener);
  assert.equal(emitter.listenerCount('order'), 0);
  emitter.emit('order');
  assert.equal(exporter.getFinishedSpans().filter((s) => s.name === 'listener').length, 1);
  assertChild('listener', 'validate_payment');
});

test('work scheduled outside any context starts a new trace', async () => {
  tracer.startActiveSpan('validate_payment', (span) => span.end());
  await new Promise((resolve) => setImmediate(() => {
    tracer.startSpan('orphan').end();
    resolve();
  }));
  assert.equal(finished('orphan').parentSpanContext, undefined);
});

test('concurrent with() scopes never see each other', async () => {
  const key = Symbol.for('ctxbridge.test.label');
  const seen = new Map();
  await Promise.all(['a', 'b', 'c'].map((label) =>
    context.with(ROOT_CONTEXT.setValue(key, label), async () => {
      const labels = new Set();
      for (let i = 0; i < 10; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        labels.add(context.active().getValue(key));
      }
      seen.set(label, labels);
    })));
  for (const [label, labels] of seen) assert.deepEqual([...labels], [label]);
  assert.equal(context.active().getValue(key), undefined);
});

test('the propagator carries the active span across a message', () => {
  const propagator = new CtxbridgePropagator();
  const headers = {};
  tracer.startActiveSpan('publish', (span) => {
    propagator.inject(context.active(), headers);
    span.end();
  });
  const remote = propagator.extract(ROOT_CONTEXT, headers);
  tracer.startSpan('consume', {}, remote).end();
  assertChild('consume', 'publish');
  assert.equal(finished('consume').parentSpanContext.isRemote, true);
});

test('disable() stops propagation through the storage', () => {
  const local = new CtxbridgeContextManager().enable();
  const key = Symbol.for('ctxbridge.test.disable');
  local.with(ROOT_CONTEXT.setValue(key, 1), () => assert.equal(local.active().getValue(key), 1));
  local.disable();
  assert.equal(local.active(), ROOT_CONTEXT);
});

test('bind(emitter): a once() listener is wrapped once, runs in the context, and removeListener/off remove it', () => {
  const label = createContextKey('label');
  const ctx = ROOT_CONTEXT.setValue(label, 'bound');
  for (const remove of ['removeListener', 'off']) {
    const emitter = manager.bind(ctx, new EventEmitter());
    const seen = [];
    const listener = () => seen.push(context.active().getValue(label));
    emitter.once('tick', listener);
    assert.equal(emitter.listenerCount('tick'), 1);
    emitter[remove]('tick', listener);
    assert.equal(emitter.listenerCount('tick'), 0, `${remove} removes a once() listener`);
    emitter.emit('tick');
    assert.deepEqual(seen, []);
    emitter.prependOnceListener('tick', listener);
    emitter.emit('tick');
    emitter.emit('tick');
    assert.deepEqual(seen, ['bound'], 'a once() listener runs once, in the bound context');
  }
});

test('bind(emitter) by a second manager binds too: each manager keeps its own record', () => {
  const label = createContextKey('label');
  const other = new CtxbridgeContextManager();
  const emitter = new EventEmitter();
  manager.bind(ROOT_CONTEXT.setValue(label, 'first'), emitter);
  other.bind(ROOT_CONTEXT.setValue(label, 'second'), emitter);
  const seen = [];
  const listener = () => seen.push(other.active().getValue(label));
  emitter.on('tick', listener);
  emitter.emit('tick');
  assert.deepEqual(seen, ['second'], "the second manager's bind applies");
  emitter.removeListener('tick', listener);
  assert.equal(emitter.listenerCount('tick'), 0);
});

test('an attach left inside with(active(), fn) does not reach the caller', () => {
  tracer.startActiveSpan('request', (request) => {
    const here = context.active();
    context.with(here, () => {
      // An instrumentation's attach that its callback forgets to dispose.
      manager.attach(trace.setSpan(here, tracer.startSpan('leaky')));
    });
    tracer.startSpan('after').end();
    request.end();
  });
  assertChild('after', 'request');
});

test('a continuation standing on a frame that ended elsewhere runs in the frame live below it', async () => {
  const outer = tracer.startSpan('outer');
  const outerToken = manager.attach(trace.setSpan(ROOT_CONTEXT, outer));
  const middle = tracer.startSpan('middle');
  const middleToken = manager.attach(trace.setSpan(context.active(), middle));
  const inner = tracer.startSpan('inner');
  const innerToken = manager.attach(trace.setSpan(context.active(), inner));
  // A continuation made while `inner` is current stands on its frame.
  const afterInner = new Promise((resolve) => setImmediate(() => resolve(tracer.startSpan('after inner ended'))));
  innerToken.dispose(); // in order, here: that continuation's frame has ended
  (await afterInner).end();

  // Out of order: `middle` ends, and `on middle` (attached above it) with it.
  const onMiddle = manager.attach(trace.setSpan(context.active(), tracer.startSpan('on middle')));
  const standingOnLeak = new Promise((resolve) => setImmediate(() => resolve(tracer.startSpan('after out of order'))));
  middleToken.dispose();
  (await standingOnLeak).end();
  onMiddle.dispose(); // already ended with `middle`: changes nothing
  outerToken.dispose();
  for (const span of [inner, middle, outer]) span.end();
  assertChild('after inner ended', 'middle');
  assertChild('after out of order', 'outer');
  assert.equal(manager.active(), ROOT_CONTEXT);
});
