'use strict';
// A linked install (`npm install ../ctxbridge/bindings-node` makes node_modules/ctxbridge a
// symlink to a checkout) must use the app's own @opentelemetry/api, from any working
// directory: Node resolves the package's requires from the checkout's real path, where the
// API is either missing or the checkout's own dev copy.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const PACKAGE = path.join(__dirname, '..');
const API = path.join(PACKAGE, 'node_modules', '@opentelemetry', 'api');
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A checkout (the files the package ships and the built addon, no node_modules) and an app
 * whose node_modules/ctxbridge links to it. */
function linkedApp() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ctxbridge-linked-'));
  const checkout = path.join(root, 'checkout');
  for (const entry of ['package.json', 'index.js', 'index.mjs', 'index.d.ts', 'register.js', 'register.mjs', 'lib', 'ctxbridge.node']) {
    fs.cpSync(path.join(PACKAGE, entry), path.join(checkout, entry), { recursive: true });
  }
  const app = path.join(root, 'app');
  fs.mkdirSync(path.join(app, 'node_modules', '@opentelemetry'), { recursive: true });
  fs.cpSync(API, path.join(app, 'node_modules', '@opentelemetry', 'api'), { recursive: true });
  fs.symlinkSync(checkout, path.join(app, 'node_modules', 'ctxbridge'), 'dir');
  // Runs under ctxbridge's manager (preloaded), through the app's own API: prints the trace id
  // seen inside with() and every API module loaded from outside the app.
  fs.writeFileSync(
    path.join(app, 'main.js'),
    `const { context, trace, ROOT_CONTEXT } = require('@opentelemetry/api');
const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: '${TRACE_ID}', spanId: '00f067aa0ba902b7', traceFlags: 1 });
const seen = context.with(parent, () => trace.getSpanContext(context.active())?.traceId);
const foreign = Object.keys(require.cache).filter((file) => file.includes('@opentelemetry') && !file.startsWith(__dirname));
console.log(JSON.stringify({ manager: context._getContextManager().constructor.name, seen, foreign }));
`,
  );
  return { root, checkout, app };
}

function runFrom(cwd, app, preload) {
  const out = execFileSync(process.execPath, [preload, path.join(app, 'node_modules', 'ctxbridge', 'register'), path.join(app, 'main.js')], {
    cwd,
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

test('a linked checkout without node_modules uses the app\'s API under --require, from any directory', () => {
  const { root, app } = linkedApp();
  try {
    for (const cwd of ['/', os.tmpdir(), app]) {
      assert.deepEqual(runFrom(cwd, app, '--require'), { manager: 'CtxbridgeContextManager', seen: TRACE_ID, foreign: [] }, cwd);
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a linked checkout with its own dev copy of the API still uses the app\'s', () => {
  const { root, checkout, app } = linkedApp();
  try {
    fs.mkdirSync(path.join(checkout, 'node_modules', '@opentelemetry'), { recursive: true });
    fs.cpSync(API, path.join(checkout, 'node_modules', '@opentelemetry', 'api'), { recursive: true });
    assert.deepEqual(runFrom('/', app, '--require'), { manager: 'CtxbridgeContextManager', seen: TRACE_ID, foreign: [] });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('TypeScript resolves a linked checkout\'s types against the app\'s API with preserveSymlinks', () => {
  const { root, app } = linkedApp();
  try {
    fs.writeFileSync(
      path.join(app, 'usage.ts'),
      `import { context, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { CtxbridgeContextManager } from 'ctxbridge';
const manager = new CtxbridgeContextManager();
context.setGlobalContextManager(manager);
export const current: Context = manager.active() ?? ROOT_CONTEXT;
`,
    );
    fs.writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'es2022',
          module: 'commonjs',
          moduleResolution: 'node10',
          preserveSymlinks: true,
          lib: ['es2022', 'esnext.disposable'],
          typeRoots: [path.join(PACKAGE, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['usage.ts'],
      }),
    );
    const tsc = require.resolve('typescript/bin/tsc');
    // Throws with tsc's diagnostics (e.g. "Cannot find module '@opentelemetry/api'").
    execFileSync(process.execPath, [tsc, '-p', app], { cwd: '/', encoding: 'utf8', stdio: 'pipe' });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
