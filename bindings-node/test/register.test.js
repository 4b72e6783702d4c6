'use strict';
// Zero-code adoption: `node --require ctxbridge/register` (or `--import`) registers
// ctxbridge's context manager and propagator before the app, together with
// @opentelemetry/auto-instrumentations-node/register in either order, in worker threads too.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const APPS = path.join(__dirname, 'apps');
const PACKAGE = path.join(__dirname, '..');
const ENV = {
  ...process.env,
  OTEL_TRACES_EXPORTER: 'console', // a real tracer provider; its output is skipped below
  OTEL_METRICS_EXPORTER: 'none',
  OTEL_LOGS_EXPORTER: 'none',
  OTEL_NODE_RESOURCE_DETECTORS: 'none',
  OTEL_SERVICE_NAME: 'register-test',
};

function run(flags, app) {
  // From the package's folder, `ctxbridge/register` resolves as any app resolves it
  // (a package may import itself by name through its "exports").
  const out = execFileSync(process.execPath, [...flags, path.join(APPS, app)], { cwd: PACKAGE, env: ENV, encoding: 'utf8' });
  const result = out.split('\n').find((line) => line.startsWith('RESULT '));
  return JSON.parse(result.slice('RESULT '.length));
}

const AUTO = '@opentelemetry/auto-instrumentations-node/register';
const EXPECTED = { manager: 'CtxbridgeContextManager', propagator: 'CtxbridgePropagator' };

for (const [name, flags] of [
  ['ctxbridge first', ['--require', 'ctxbridge/register', '--require', AUTO]],
  ['auto-instrumentations first', ['--require', AUTO, '--require', 'ctxbridge/register']],
]) {
  test(`--require ctxbridge/register with the auto-instrumentations (${name})`, () => {
    const seen = run(flags, 'register-app.js');
    assert.deepEqual({ manager: seen.manager, propagator: seen.propagator }, EXPECTED);
    assert.equal(seen.kept, true, "a span of the SDK's tracer keeps its context across an await");
    assert.deepEqual(seen.worker, EXPECTED, 'the preload registers in worker threads too');
  });
}

test('--import ctxbridge/register for an ESM app', () => {
  assert.deepEqual(run(['--import', 'ctxbridge/register'], 'register-app.mjs'), EXPECTED);
});
