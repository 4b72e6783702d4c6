'use strict';
// The counters through OpenTelemetry's metrics API: the SDK's reader sees what a test
// provokes, with the names and the attribute the core gives; under --require
// ctxbridge/register they reach the provider an SDK sets later, with no code.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ROOT_CONTEXT, createContextKey } = require('@opentelemetry/api');
const { MeterProvider, MetricReader } = require('@opentelemetry/sdk-metrics');

const ctxbridge = require('..');

/** A reader the test collects from by hand. */
class Reader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

/** {"name|kind": value} of one collection. */
async function points(reader) {
  const { resourceMetrics } = await reader.collect();
  const out = {};
  for (const scope of resourceMetrics.scopeMetrics) {
    assert.equal(scope.scope.name, 'ctxbridge');
    for (const metric of scope.metrics) {
      for (const point of metric.dataPoints) {
        out[`${metric.descriptor.name}|${point.attributes['ctxbridge.misuse.kind'] ?? ''}`] = point.value;
      }
    }
  }
  return out;
}

test('the SDK reader sees every counter, misuse by kind', async () => {
  const reader = new Reader();
  ctxbridge.registerMetrics(new MeterProvider({ readers: [reader] }));
  const manager = new ctxbridge.CtxbridgeContextManager();
  const key = createContextKey('k');
  ctxbridge.setMode('off');
  try {
    const first = manager.attach(ROOT_CONTEXT.setValue(key, 1));
    manager.attach(ROOT_CONTEXT.setValue(key, 2));
    first.dispose(); // out of order: the second attach leaks
    first.dispose(); // already detached
  } finally {
    ctxbridge.setMode('warn');
  }
  const seen = await points(reader);
  const stats = ctxbridge.stats();
  assert.ok(stats.outOfOrder >= 1 && stats.doubleDetach >= 1 && stats.leaked >= 1, JSON.stringify(stats));
  assert.deepEqual(seen, {
    'ctxbridge.context.attached|': stats.attached,
    'ctxbridge.context.detached|': stats.detached,
    'ctxbridge.context.misuse|out_of_order': stats.outOfOrder,
    'ctxbridge.context.misuse|double_detach': stats.doubleDetach,
    'ctxbridge.context.misuse|wrong_scope': stats.wrongScope,
    'ctxbridge.context.misuse|leaked': stats.leaked,
  });
});

test('registering twice with one provider adds nothing', async () => {
  const reader = new Reader();
  const provider = new MeterProvider({ readers: [reader] });
  ctxbridge.registerMetrics(provider);
  ctxbridge.registerMetrics(provider);
  assert.equal(Object.keys(await points(reader)).length, 6);
});

test('registerMetrics refuses what is not a MeterProvider, naming it', () => {
  assert.throws(() => ctxbridge.registerMetrics({}), {
    name: 'TypeError',
    message: /^ctxbridge\.registerMetrics: meterProvider must be an OpenTelemetry MeterProvider/,
  });
});

test('--require ctxbridge/register publishes them to the provider an SDK sets later', () => {
  const app = `
    const { metrics, context, ROOT_CONTEXT, createContextKey } = require('@opentelemetry/api');
    const { MeterProvider, MetricReader } = require('@opentelemetry/sdk-metrics');
    class Reader extends MetricReader { async onForceFlush() {} async onShutdown() {} }
    const reader = new Reader();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    const key = createContextKey('k');
    const manager = context._getContextManager();
    const first = manager.attach(ROOT_CONTEXT.setValue(key, 1));
    manager.attach(ROOT_CONTEXT.setValue(key, 2));
    first.dispose();
    reader.collect().then(({ resourceMetrics }) => {
      const out = {};
      for (const scope of resourceMetrics.scopeMetrics) for (const m of scope.metrics)
        for (const p of m.dataPoints) out[m.descriptor.name + '|' + (p.attributes['ctxbridge.misuse.kind'] ?? '')] = p.value;
      console.log(JSON.stringify(out));
    });`;
  const out = execFileSync(process.execPath, ['--require', path.join(__dirname, '..', 'register.js'), '-e', app], {
    cwd: path.join(__dirname, '..'),
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: path.join(__dirname, '..', 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seen = JSON.parse(out.trim().split('\n').pop());
  assert.equal(seen['ctxbridge.context.misuse|out_of_order'], 1);
  assert.equal(seen['ctxbridge.context.misuse|leaked'], 1);
  assert.equal(seen['ctxbridge.context.attached|'], 2);
});

test('under the NodeSDK with auto-instrumentations, --require ctxbridge/register publishes the counters', () => {
  // The zero-code path: the SDK's own register and ctxbridge's, then a NodeSDK with a
  // metric reader (the SDK sets the global MeterProvider when it starts).
  const app = `
    const { context, ROOT_CONTEXT, createContextKey } = require('@opentelemetry/api');
    const { NodeSDK } = require('@opentelemetry/sdk-node');
    const { AggregationTemporality, InMemoryMetricExporter, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const sdk = new NodeSDK({
      metricReader: new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60000 }),
      traceExporter: undefined,
      instrumentations: [],
    });
    sdk.start();
    const key = createContextKey('k');
    const manager = context._getContextManager();
    const first = manager.attach(ROOT_CONTEXT.setValue(key, 1));
    manager.attach(ROOT_CONTEXT.setValue(key, 2));
    first.dispose();
    sdk.shutdown().then(() => {
      const out = {};
      for (const resource of exporter.getMetrics()) for (const scope of resource.scopeMetrics) for (const m of scope.metrics)
        for (const p of m.dataPoints) out[m.descriptor.name + '|' + (p.attributes['ctxbridge.misuse.kind'] ?? '')] = p.value;
      console.log(JSON.stringify({ manager: manager.constructor.name, out }));
    });`;
  const out = execFileSync(process.execPath, ['--require', path.join(__dirname, '..', 'register.js'), '-e', app], {
    cwd: path.join(__dirname, '..'),
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: path.join(__dirname, '..', 'node_modules'), OTEL_TRACES_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seen = JSON.parse(out.trim().split('\n').pop());
  assert.equal(seen.manager, 'CtxbridgeContextManager', 'the NodeSDK keeps ctxbridge\'s manager');
  assert.equal(seen.out['ctxbridge.context.misuse|out_of_order'], 1, JSON.stringify(seen));
  assert.equal(seen.out['ctxbridge.context.misuse|leaked'], 1);
  assert.equal(seen.out['ctxbridge.context.attached|'], 2);
});
