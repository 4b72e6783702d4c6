'use strict';
// Attach sites (issue 19): a misuse report names the code that noticed it; with attach sites
// recorded (setAttachSites(true) or CTXBRIDGE_ATTACH_SITES=1) an out-of-order dispose or a
// task's end also names the attach left open, at the line that made it.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ROOT_CONTEXT, createContextKey, diag, DiagLogLevel } = require('@opentelemetry/api');

const ctxbridge = require('..');
const leaky = require('./fixtures/leaky-instrumentation');

const LEAKY = require.resolve('./fixtures/leaky-instrumentation');
const manager = new ctxbridge.CtxbridgeContextManager();
const CONTEXT = ROOT_CONTEXT.setValue(createContextKey('k'), 1);

function lineOf(marker) {
  return fs.readFileSync(LEAKY, 'utf8').split('\n').findIndex((line) => line.includes(marker)) + 1;
}

/** The warnings diag gets while `fn` runs, after a reset (so each site warns again). */
function warningsOf(fn) {
  const warnings = [];
  diag.setLogger({ warn: (m) => warnings.push(m), error() {}, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
  ctxbridge.resetStats();
  try {
    manager.with(ROOT_CONTEXT, fn);
  } finally {
    diag.disable();
    ctxbridge.setAttachSites(false);
    ctxbridge.setMode('warn');
  }
  return warnings;
}

const at = (marker) => `${LEAKY}:${lineOf(marker)}:`;

test('attach sites are off by default, and a report names where the misuse was noticed', () => {
  assert.equal(ctxbridge.getAttachSites(), false);
  const warnings = warningsOf(() => leaky.detachOutOfOrder(manager, CONTEXT));
  const [report] = warnings.filter((w) => w.includes('out_of_order'));
  assert.ok(report.includes(at('LEAKY-DETACH-LINE')), report);
  assert.ok(!report.includes('left open by'), report);
});

test('with attach sites an out-of-order dispose names the attach left open', () => {
  const warnings = warningsOf(() => {
    ctxbridge.setAttachSites(true);
    leaky.detachOutOfOrder(manager, CONTEXT);
  });
  const reports = warnings.filter((w) => w.includes('out_of_order'));
  assert.equal(reports.length, 1, reports.join('\n'));
  const [, detachSite, attachSite] = reports[0].match(/\(at (.*); left open by the attach at (.*)\)$/) ?? [];
  assert.ok(detachSite?.includes(at('LEAKY-DETACH-LINE')), reports[0]);
  assert.ok(attachSite?.includes(at('LEAKY-ATTACH-LINE')), reports[0]);
  assert.equal(ctxbridge.stats().outOfOrder, 1);
  assert.equal(ctxbridge.stats().leaked, 1);
});

test('with attach sites a task that leaks is reported with the attach it made', () => {
  const warnings = warningsOf(() => {
    ctxbridge.setAttachSites(true);
    manager.runTask(CONTEXT, () => leaky.leakInTask(manager, CONTEXT));
  });
  const [report] = warnings.filter((w) => w.includes('leaked'));
  assert.ok(report?.includes(`left open by the attach at`), warnings.join('\n'));
  assert.ok(report.split('left open by the attach at')[1].includes(at('LEAKY-TASK-ATTACH-LINE')), report);
});

test('strict mode carries the attach site in the error', () => {
  warningsOf(() => {
    ctxbridge.setAttachSites(true);
    ctxbridge.setMode('strict');
    assert.throws(() => leaky.detachOutOfOrder(manager, CONTEXT), (error) => {
      assert.equal(error.code, 'CTXBRIDGE_MISUSE');
      assert.equal(error.misuse, 'out_of_order');
      assert.ok(error.message.split('left open by the attach at')[1]?.includes(at('LEAKY-ATTACH-LINE')), error.message);
      return true;
    });
  });
});

test('setAttachSites takes a boolean', () => {
  assert.throws(() => ctxbridge.setAttachSites('yes'), {
    name: 'TypeError',
    message: 'ctxbridge.setAttachSites: on must be a boolean, got string',
  });
});

test('the environment switches attach sites and the mode; a bad value warns and changes nothing', () => {
  const program = "const c = require('.'); console.log(c.getAttachSites(), c.getMode())";
  const run = (env) => spawnSync(process.execPath, ['-e', program], {
    cwd: path.join(__dirname, '..'),
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CTXBRIDGE_'))), ...env },
    encoding: 'utf8',
  });
  assert.equal(run({ CTXBRIDGE_ATTACH_SITES: '1', CTXBRIDGE_MODE: 'strict' }).stdout.trim(), 'true strict');
  assert.equal(run({}).stdout.trim(), 'false warn');
  const bad = run({ CTXBRIDGE_ATTACH_SITES: 'maybe', CTXBRIDGE_MODE: 'loud' });
  assert.equal(bad.status, 0, bad.stderr);
  assert.equal(bad.stdout.trim(), 'false warn');
  assert.match(bad.stderr, /CTXBRIDGE_ATTACH_SITES="maybe" is not a switch/);
  assert.match(bad.stderr, /CTXBRIDGE_MODE="loud" is not a mode/);
});
