'use strict';
// The seed scenario in Node: validate_payment, then background_fulfillment through
// setImmediate and again through a worker thread, with and without ctxbridge.
// Run with `make demo`.
const path = require('node:path');
const { once } = require('node:events');
const { Worker, isMainThread, parentPort } = require('node:worker_threads');

const pkg = path.join(__dirname, '..', '..', 'bindings-node');
const load = (name) => require(require.resolve(name, { paths: [pkg] }));
const { context, trace } = load('@opentelemetry/api');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = load('@opentelemetry/sdk-trace-base');
const ctxbridge = require(pkg);
const { diagnose } = require(path.join(pkg, 'doctor'));

context.setGlobalContextManager(new ctxbridge.CtxbridgeContextManager());

if (!isMainThread) {
  // The worker: its own tracer; each carried message runs in its context. It reports
  // the span it made (a worker's exporter is its own) for the waterfall.
  const tracer = new BasicTracerProvider().getTracer('order-service');
  ctxbridge.onMessage(parentPort, ({ orderId }) => {
    const span = tracer.startSpan('background_fulfillment (worker)', { attributes: { 'order.id': orderId } });
    const started = Date.now();
    while (Date.now() - started < 15); // the work
    span.end();
    parentPort.postMessage({
      name: span.name,
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      parentSpanId: span.parentSpanContext?.spanId,
      start: span.startTime[0] * 1e3 + span.startTime[1] / 1e6,
      end: span.endTime[0] * 1e3 + span.endTime[1] / 1e6,
      startTime: span.startTime,
      endTime: span.endTime,
      attributes: span.attributes,
    });
  });
  return;
}

const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('order-service');
const ms = ([s, ns]) => s * 1e3 + ns / 1e6;

function fulfill(orderId, done) {
  tracer.startActiveSpan('background_fulfillment', { attributes: { 'order.id': orderId } }, (span) => {
    setTimeout(() => { span.end(); done(); }, 25);
  });
}

async function processOrder(orderId, useCtxbridge, worker) {
  await new Promise((done) => {
    tracer.startActiveSpan('POST /orders', (root) => {
      tracer.startActiveSpan('validate_payment', { attributes: { 'order.id': orderId } }, (span) => {
        const work = () => fulfill(orderId, done);
        // The seed's pattern: bind the captured context, then hand the work off.
        setImmediate(useCtxbridge ? context.bind(context.active(), work) : work);
        worker.postMessage(useCtxbridge ? ctxbridge.carry({ orderId }) : { orderId });
        setTimeout(() => { span.end(); root.end(); }, 10);
      });
    });
  });
  return once(worker, 'message').then(([reported]) => reported);
}

function waterfall(title, spans) {
  console.log(`\n== ${title} ==`);
  const byTrace = new Map();
  for (const s of spans.sort((a, b) => a.start - b.start)) {
    if (!byTrace.has(s.traceId)) byTrace.set(s.traceId, []);
    byTrace.get(s.traceId).push(s);
  }
  for (const [traceId, members] of byTrace) {
    const start = Math.min(...members.map((s) => s.start));
    const total = Math.max(Math.max(...members.map((s) => s.end)) - start, 1);
    console.log(`trace ${traceId}`);
    const ids = new Set(members.map((s) => s.spanId));
    const show = (span, depth) => {
      const offset = Math.round(((span.start - start) / total) * 40);
      const width = Math.max(1, Math.round(((span.end - span.start) / total) * 40));
      const bar = (' '.repeat(offset) + '█'.repeat(width)).slice(0, 40).padEnd(40);
      const parent = span.parentSpanId ? `parent ${span.parentSpanId}` : 'root';
      console.log(`  ${('  '.repeat(depth) + span.name).padEnd(36)} span ${span.spanId} ${parent.padEnd(24)} |${bar}| ${(span.end - span.start).toFixed(1).padStart(6)} ms`);
      for (const child of members.filter((c) => c.parentSpanId === span.spanId)) show(child, depth + 1);
    };
    for (const root of members.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId))) show(root, 0);
  }
}

const local = () => exporter.getFinishedSpans().map((s) => ({
  name: s.name, traceId: s.spanContext().traceId, spanId: s.spanContext().spanId,
  parentSpanId: s.parentSpanContext?.spanId, start: ms(s.startTime), end: ms(s.endTime),
}));

(async () => {
  const worker = new Worker(__filename);
  const fromWorker = await processOrder('o-1001', false, worker);
  waterfall("without ctxbridge: the worker's span is an orphan in a trace of its own (AsyncLocalStorage alone already follows setImmediate)", [...local(), fromWorker]);
  // The worker's span as the SDK's finished spans look, for the doctor beside this thread's.
  const workerSpan = {
    ...fromWorker,
    kind: 0,
    spanContext: () => ({ traceId: fromWorker.traceId, spanId: fromWorker.spanId }),
    parentSpanContext: fromWorker.parentSpanId ? { spanId: fromWorker.parentSpanId } : undefined,
    resource: exporter.getFinishedSpans()[0].resource,
  };
  console.log('\n-- ctxbridge doctor, on the run without ctxbridge --');
  console.log(diagnose([...exporter.getFinishedSpans(), workerSpan]).report);
  exporter.reset();
  const carried = await processOrder('o-1002', true, worker);
  const spans = [...local(), carried];
  const carriedSpan = {
    ...carried,
    kind: 0,
    spanContext: () => ({ traceId: carried.traceId, spanId: carried.spanId }),
    parentSpanContext: carried.parentSpanId ? { spanId: carried.parentSpanId } : undefined,
    resource: exporter.getFinishedSpans()[0].resource,
  };
  const clean = diagnose([...exporter.getFinishedSpans(), carriedSpan]).findings.length === 0;
  waterfall('with ctxbridge: both background spans under validate_payment', spans);
  await worker.terminate();

  const parent = spans.find((s) => s.name === 'validate_payment');
  const ok = spans.filter((s) => s.name.startsWith('background_fulfillment'))
    .every((s) => s.traceId === parent.traceId && s.parentSpanId === parent.spanId);
  console.log(`\ncheck: every background_fulfillment has validate_payment's trace id and span id as parent: ${ok ? 'yes' : 'NO'}`);
  console.log(`check: the doctor finds no broken hand-off in the run with ctxbridge: ${clean ? 'yes' : 'NO'}`);
  process.exitCode = ok && clean ? 0 : 1;
})();
