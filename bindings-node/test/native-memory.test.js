'use strict';
// Native memory (issue 19): what the addon itself holds (the core's frames behind each
// attach, the strings of each extract), which V8's heap statistics never see. Debug builds,
// the ones the suite runs, count it. A leak of one 16-byte object per operation over
// 100,000 operations would be 1.6 MB; the bound is 16 KiB.
const test = require('node:test');
const assert = require('node:assert/strict');
const { ROOT_CONTEXT, createContextKey, defaultTextMapSetter } = require('@opentelemetry/api');

const ctxbridge = require('..');
const native = require('../lib/native');

const OPS = 100000;
const BOUND = 16 * 1024;
const manager = new ctxbridge.CtxbridgeContextManager();
const CONTEXT = ROOT_CONTEXT.setValue(createContextKey('k'), 1);

/** Full collections, with turns of the event loop between them for the finalizers. */
async function collect() {
  for (let i = 0; i < 6; i++) {
    global.gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** How many native bytes `work(OPS)` leaves held, after a warm-up and full collections. */
async function nativeGrowth(work) {
  assert.notEqual(native.liveBytes(), null, 'the suite runs a debug build, which counts native bytes');
  await work(5000);
  await collect();
  const before = native.liveBytes();
  await work(OPS);
  await collect();
  return native.liveBytes() - before;
}

const gcMissing = typeof global.gc !== 'function' && 'run node with --expose-gc';

test('attach and dispose leave native memory flat', { skip: gcMissing }, async () => {
  const growth = await nativeGrowth((n) => manager.with(ROOT_CONTEXT, () => {
    for (let i = 0; i < n; i++) manager.attach(CONTEXT).dispose();
  }));
  assert.ok(growth < BOUND, `${growth} bytes held after ${OPS} attach/dispose`);
});

test('runTask leaves native memory flat, leaking tasks included', { skip: gcMissing }, async () => {
  ctxbridge.setMode('off');
  try {
    const growth = await nativeGrowth((n) => manager.with(ROOT_CONTEXT, () => {
      for (let i = 0; i < n; i++) manager.runTask(CONTEXT, () => (i % 10 === 0 ? manager.attach(CONTEXT) : 1));
    }));
    assert.ok(growth < BOUND, `${growth} bytes held after ${OPS} tasks`);
  } finally {
    ctxbridge.setMode('warn');
  }
});

test('extract and inject leave native memory flat', { skip: gcMissing }, async () => {
  const propagator = new ctxbridge.CtxbridgePropagator();
  const carrier = {
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    tracestate: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7',
    baggage: 'user=alice;p=1,bad key=dropped',
  };
  const growth = await nativeGrowth((n) => {
    for (let i = 0; i < n; i++) propagator.inject(propagator.extract(ROOT_CONTEXT, carrier), {}, defaultTextMapSetter);
  });
  assert.ok(growth < BOUND, `${growth} bytes held after ${OPS} extract+inject`);
});

test('the native count sees what is held', { skip: gcMissing }, async () => {
  await collect();
  const before = native.liveBytes();
  const held = manager.with(ROOT_CONTEXT, () => Array.from({ length: 1000 }, () => manager.attach(CONTEXT)));
  const grown = native.liveBytes() - before;
  assert.ok(grown >= 1000 * 16, `${grown} bytes for 1000 live attaches`);
  void held;
});
