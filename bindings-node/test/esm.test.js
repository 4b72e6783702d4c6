'use strict';
// `import ... from 'ctxbridge'` as ESM users write it: every name index.js exports, each the
// same object, resolved through the package's own exports map (not a relative path).
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

test('the ESM entry exports every name index.js exports, as the same objects', async () => {
  const cjs = require('..');
  const esm = await import('../index.mjs');
  const names = Object.keys(esm).filter((name) => name !== 'default').sort();
  assert.deepEqual(names, Object.keys(cjs).sort());
  for (const name of names) assert.equal(esm[name], cjs[name], name);
  assert.equal(esm.default, cjs);
});

test("an app's `import { stats, CtxbridgeContextManager } from 'ctxbridge'` works through the exports map", () => {
  const app = fs.mkdtempSync(path.join(os.tmpdir(), 'ctxbridge-esm-'));
  try {
    fs.mkdirSync(path.join(app, 'node_modules'));
    fs.symlinkSync(path.join(__dirname, '..'), path.join(app, 'node_modules', 'ctxbridge'), 'dir');
    fs.writeFileSync(path.join(app, 'app.mjs'), [
      "import { stats, CtxbridgeContextManager, CtxbridgePropagator } from 'ctxbridge';",
      "import ctxbridge from 'ctxbridge';",
      "const manager = new CtxbridgeContextManager();",
      "console.log(JSON.stringify({ stats: Object.keys(stats()).length, same: ctxbridge.stats === stats,",
      "  manager: typeof manager.attach, propagator: new CtxbridgePropagator().fields() }));",
    ].join('\n'));
    const out = JSON.parse(execFileSync(process.execPath, ['app.mjs'], { cwd: app, encoding: 'utf8' }));
    assert.deepEqual(out, { stats: 6, same: true, manager: 'function', propagator: ['traceparent', 'tracestate', 'baggage'] });
  } finally {
    fs.rmSync(app, { recursive: true, force: true });
  }
});
