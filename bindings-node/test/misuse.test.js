'use strict';
// Token misuse gives the documented diagnostic: warn logs once per call site through
// diag, strict throws; memory stays flat over a million attach/dispose cycles.
const test = require('node:test');
const assert = require('node:assert/strict');
const { ROOT_CONTEXT, createContextKey, diag, DiagLogLevel } = require('@opentelemetry/api');

const ctxbridge = require('..');

const manager = new ctxbridge.CtxbridgeContextManager();
const KEY = createContextKey('k');

test('warn mode logs each misuse once per call site through diag', () => {
  const warnings = [];
  diag.setLogger({ warn: (m) => warnings.push(m), error() {}, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
  try {
    ctxbridge.setMode('warn');
    for (let i = 0; i < 3; i++) {
      manager.with(ROOT_CONTEXT, () => {
        const token = manager.attach(ROOT_CONTEXT.setValue(KEY, i));
        token.dispose();
        token.dispose(); // the same line each time
      });
    }
    assert.equal(warnings.filter((w) => w.includes('double_detach')).length, 1);
    assert.match(warnings[0], /misuse\.test\.js/);
  } finally {
    diag.disable();
  }
});

test('strict mode throws at the misuse, after the rule took effect', () => {
  ctxbridge.setMode('strict');
  try {
    manager.with(ROOT_CONTEXT, () => {
      const a = manager.attach(ROOT_CONTEXT.setValue(KEY, 'a'));
      const b = manager.attach(ROOT_CONTEXT.setValue(KEY, 'b'));
      assert.throws(() => a.dispose(), (error) => {
        assert.match(error.message, /out_of_order/);
        assert.equal(error.code, 'CTXBRIDGE_MISUSE');
        assert.equal(error.misuse, 'out_of_order');
        return true;
      });
      // Rule 3: what was current before A is current again, and B ended with A.
      assert.equal(manager.active(), ROOT_CONTEXT);
      b.dispose(); // already ended: nothing changes, nothing is thrown
      assert.equal(manager.active(), ROOT_CONTEXT);
    });
  } finally {
    ctxbridge.setMode('warn');
  }
});

test('a token disposed in another async context changes nothing', async () => {
  diag.disable();
  const before = ctxbridge.stats().wrongScope;
  await manager.with(ROOT_CONTEXT, async () => {
    let token;
    const scheduledBefore = new Promise((resolve) => setImmediate(() => { token.dispose(); resolve(); }));
    token = manager.attach(ROOT_CONTEXT.setValue(KEY, 'mine'));
    await scheduledBefore; // that callback's context never saw the attach
    assert.equal(manager.active().getValue(KEY), 'mine');
    token.dispose();
    assert.equal(manager.active(), ROOT_CONTEXT);
  });
  assert.equal(ctxbridge.stats().wrongScope - before, 1);
});

test('a continuation that inherited an attach shares it', async () => {
  await manager.with(ROOT_CONTEXT, async () => {
    const token = manager.attach(ROOT_CONTEXT.setValue(KEY, 'shared'));
    await new Promise((resolve) => setImmediate(() => {
      assert.equal(manager.active().getValue(KEY), 'shared');
      token.dispose(); // disposed in the continuation: ended for every holder
      resolve();
    }));
    assert.equal(manager.active(), ROOT_CONTEXT, 'the original context is not stuck on a disposed attach');
  });
});

test('a million attach/dispose cycles leave the heap flat', { skip: typeof global.gc !== 'function' && 'run node with --expose-gc' }, () => {
  const ctx = ROOT_CONTEXT.setValue(KEY, 1);
  const cycle = (n) => manager.with(ROOT_CONTEXT, () => {
    for (let i = 0; i < n; i++) manager.attach(ctx).dispose();
  });
  cycle(10000);
  global.gc();
  const before = process.memoryUsage().heapUsed;
  cycle(1000000);
  global.gc();
  assert.ok(process.memoryUsage().heapUsed - before < 4 * 1024 * 1024);
});
