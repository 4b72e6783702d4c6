'use strict';
// The express app's worker: an async handler that awaits before starting its span, and
// reports the span's ids to the app.
const { parentPort } = require('node:worker_threads');
const { setTimeout: sleep } = require('node:timers/promises');
const { context } = require('@opentelemetry/api');
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
const ctxbridge = require('../..');

context.setGlobalContextManager(new ctxbridge.CtxbridgeContextManager());
const tracer = new BasicTracerProvider().getTracer('express-worker');

ctxbridge.onMessage(parentPort, async ({ order }) => {
  await sleep(1);
  const span = tracer.startSpan(`fulfil ${order}`);
  span.end();
  parentPort.postMessage({ traceId: span.spanContext().traceId, parent: span.parentSpanContext?.spanId ?? null });
});
