'use strict';
// An express app as users run it: NodeSDK with the http and express instrumentations and
// ctxbridge's context manager and propagator, spans to the SDK's in-memory exporter.
// Each order awaits a microtask, setImmediate and a timer, calls a downstream service
// over http and hands work to a worker thread whose handler is async. The spans are
// handed to the test at /_test/spans (not traced).
//
// usage: node express-app.js PORT DOWNSTREAM_URL
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');
const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const ctxbridge = require('../..');

const exporter = new InMemorySpanExporter();
const sdk = new NodeSDK({
  serviceName: 'ctxbridge-express-test',
  contextManager: new ctxbridge.CtxbridgeContextManager(),
  textMapPropagator: new ctxbridge.CtxbridgePropagator(),
  spanProcessors: [new SimpleSpanProcessor(exporter)],
  instrumentations: [
    new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => request.url.startsWith('/_test') }),
    new ExpressInstrumentation(),
  ],
});
sdk.start();

// Required after sdk.start(), so that the instrumentations patch them.
const http = require('node:http');
const path = require('node:path');
const { once } = require('node:events');
const { setTimeout: sleep } = require('node:timers/promises');
const { Worker } = require('node:worker_threads');
const express = require('express');
const { context, propagation, trace } = require('@opentelemetry/api');

const [port, downstream] = process.argv.slice(2);
const worker = new Worker(path.join(__dirname, 'express-worker.js'));
const tracer = trace.getTracer('express-app');

function spanOf(name) {
  tracer.startSpan(name).end();
}

function callDownstream(order) {
  return new Promise((resolve, reject) => {
    http.get(`${downstream}/stock/${order}`, (response) => {
      response.resume();
      response.on('end', resolve);
    }).on('error', reject);
  });
}

const app = express();
app.get('/order/:id', async (request, response) => {
  const order = request.params.id;
  const handler = trace.getActiveSpan()?.spanContext().spanId ?? null;
  await Promise.resolve();
  spanOf('after-await');
  await new Promise((resolve) => setImmediate(resolve));
  spanOf('after-immediate');
  await sleep(2);
  spanOf('after-timer');
  await callDownstream(order);
  const reply = once(worker, 'message');
  worker.postMessage(ctxbridge.carry({ order }));
  const [fromWorker] = await reply;
  response.json({ order, handler, worker: fromWorker });
});
app.get('/_test/spans', (request, response) => {
  const spans = exporter.getFinishedSpans().map((span) => ({
    name: span.name,
    kind: span.kind,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parent: span.parentSpanContext?.spanId ?? null,
  }));
  exporter.reset();
  response.json(spans);
});
app.get('/_test/state', (request, response) => {
  response.json({
    manager: context._getContextManager().constructor.name,
    propagator: propagation._getGlobalPropagator().constructor.name,
  });
});
const server = app.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  worker.terminate();
  sdk.shutdown().finally(() => process.exit(0));
});
