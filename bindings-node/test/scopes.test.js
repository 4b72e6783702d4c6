'use strict';
// tests/vectors/scopes.json: the token rules on the Node context manager. A scope is
// where the attach is visible; "elsewhere" is a with() on another context.
const test = require('node:test');
const assert = require('node:assert/strict');
const { ROOT_CONTEXT, createContextKey, diag } = require('@opentelemetry/api');

const ctxbridge = require('..');
const { loadVectors } = require('./helpers');

const LABEL = createContextKey('label');
const manager = new ctxbridge.CtxbridgeContextManager();
const SNAKE = { attached: 'attached', detached: 'detached', outOfOrder: 'out_of_order', doubleDetach: 'double_detach', wrongScope: 'wrong_scope', leaked: 'leaked' };

function stats() {
  return Object.fromEntries(Object.entries(ctxbridge.stats()).map(([k, v]) => [SNAKE[k], v]));
}

function label() {
  return manager.active().getValue(LABEL) ?? null;
}

function nestedLeaks(steps) {
  return steps.filter((s) => s.op === 'run_in').reduce((n, s) => n + s.leaked + nestedLeaks(s.steps), 0);
}

function runSteps(script, steps, tokens) {
  for (const step of steps) {
    const before = stats();
    let raised;
    try {
      if (step.op === 'attach') {
        tokens.set(step.token, manager.attach(ROOT_CONTEXT.setValue(LABEL, step.value)));
      } else if (step.op === 'detach') {
        tokens.get(step.token).dispose();
      } else if (step.op === 'detach_elsewhere') {
        manager.with(ROOT_CONTEXT, () => tokens.get(step.token).dispose());
      } else if (step.op === 'run_in') {
        const leakedBefore = stats().leaked;
        manager.runTask(ROOT_CONTEXT.setValue(LABEL, step.value), () => runSteps(script, step.steps, tokens));
        assert.equal(stats().leaked - leakedBefore - nestedLeaks(step.steps), step.leaked, `${script}: leaked`);
      }
    } catch (error) {
      raised = error;
    }
    if (step.misuse) assert.equal(stats()[step.misuse] - before[step.misuse], 1, `${script}: ${JSON.stringify(step)}`);
    if (step.raises) assert.match(String(raised?.message), new RegExp(step.misuse), `${script}: should raise`);
    else assert.equal(raised, undefined, `${script}: unexpected ${raised}`);
    assert.equal(label(), step.current, `${script}: after ${JSON.stringify(step)}`);
  }
}

test('scope scripts', async (t) => {
  diag.disable();
  for (const script of loadVectors('scopes.json').scripts) {
    await t.test(script.name, () => {
      ctxbridge.setMode(script.mode);
      const before = stats();
      manager.with(ROOT_CONTEXT, () => {
        runSteps(script.name, script.steps, new Map());
        assert.equal(label(), null);
      });
      const after = stats();
      const delta = Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]]));
      assert.deepEqual(delta, script.diagnostics);
      ctxbridge.setMode('warn');
    });
  }
});
