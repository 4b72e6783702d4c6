// Runs the seed's broken hand-offs for real with OpenTelemetry JS's SDK and records each
// run as OTLP JSON (the OTLP/HTTP JSON exporter's own serializer), one file per pattern,
// in tests/doctor/recorded/. Also records the same work done right with ctxbridge.
//
//   node tests/doctor/record/node_patterns.js      (or: make doctor-record)
//
// What each run should be diagnosed as is written by hand in tests/doctor/expected.json.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const modules = path.join(__dirname, '..', '..', '..', 'bindings-node', 'node_modules');
const need = (name) => require(path.join(modules, name));
const api = need('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = need('@opentelemetry/context-async-hooks');
const { W3CTraceContextPropagator } = need('@opentelemetry/core');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = need('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = need('@opentelemetry/resources');
const { JsonTraceSerializer } = need('@opentelemetry/otlp-transformer');

const OUT = path.join(__dirname, '..', 'recorded');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Copies baggage into attributes of the same key, as BaggageSpanProcessor does. */
const baggageAttributes = {
  onStart(span, parentContext) {
    for (const [key, entry] of api.propagation.getBaggage(parentContext)?.getAllEntries() ?? []) span.setAttribute(key, entry.value);
  },
  onEnd() {},
  forceFlush: async () => {},
  shutdown: async () => {},
};

/** A tracer of `service` whose finished spans land in `exporter`. */
function tracerOf(service, exporter) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': service,
      'telemetry.sdk.language': 'nodejs',
    }),
    spanProcessors: [baggageAttributes, new SimpleSpanProcessor(exporter)],
  });
  return provider.getTracer('doctor-recording');
}

function write(name, spans) {
  const json = Buffer.from(JsonTraceSerializer.serializeRequest(spans)).toString('utf8');
  fs.writeFileSync(path.join(OUT, `node-${name}.json`), json + '\n');
}

/** A worker started without the context: its span is a fresh trace. */
async function workerThread() {
  const exporter = new InMemorySpanExporter();
  const tracer = tracerOf('order-service', exporter);
  const workerSpans = await tracer.startActiveSpan('POST /orders', { kind: api.SpanKind.SERVER }, async (server) => {
    const result = await tracer.startActiveSpan('validate_payment', async (span) => {
      span.setAttribute('order.id', 'o-2001');
      const worker = new Worker(__filename, { workerData: { orderId: 'o-2001' } });
      const otlp = await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      span.end();
      return otlp;
    });
    server.end();
    return result;
  });
  const json = JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans())).toString('utf8'));
  json.resourceSpans.push(...JSON.parse(workerSpans).resourceSpans);
  fs.writeFileSync(path.join(OUT, 'node-worker-thread.json'), JSON.stringify(json) + '\n');
}

/** In the worker: a span of the order, started with no context from the parent thread. */
async function inWorker() {
  const exporter = new InMemorySpanExporter();
  const tracer = tracerOf('order-service', exporter);
  await tracer.startActiveSpan('background_fulfillment', async (span) => {
    span.setAttribute('order.id', workerData.orderId);
    await sleep(20);
    span.end();
  });
  parentPort.postMessage(Buffer.from(JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans())).toString('utf8'));
}

/** Jobs queued by a request and run by a timer set up at start: they run in the timer's
 * context (none), so each job's span is a fresh trace. */
async function timerQueue() {
  const exporter = new InMemorySpanExporter();
  const tracer = tracerOf('mailer', exporter);
  const queue = [];
  const flusher = setInterval(() => {
    for (const job of queue.splice(0)) job();
  }, 5);
  await tracer.startActiveSpan('POST /signup', { kind: api.SpanKind.SERVER }, async (span) => {
    span.setAttribute('user.id', 'u-42');
    const sent = new Promise((resolve) => {
      queue.push(() => {
        tracer.startActiveSpan('send_welcome_mail', (job) => {
          job.setAttribute('user.id', 'u-42');
          job.end();
          resolve();
        });
      });
    });
    await sent;
    await sleep(5);
    span.end();
  });
  clearInterval(flusher);
  write('timer-queue', exporter.getFinishedSpans());
}

/** A message consumed 1.2 s after it was sent continues the producer's trace as a child
 * (tests/doctor/expected.json runs it with late_after 1s). */
async function lateConsumer() {
  const exporter = new InMemorySpanExporter();
  const orders = tracerOf('order-service', exporter);
  const billing = tracerOf('billing', exporter);
  const propagator = new W3CTraceContextPropagator();
  const headers = {};
  orders.startActiveSpan('publish order.created', { kind: api.SpanKind.PRODUCER }, (span) => {
    propagator.inject(api.context.active(), headers, api.defaultTextMapSetter);
    span.end();
  });
  await sleep(1200);
  const parent = propagator.extract(api.ROOT_CONTEXT, headers, api.defaultTextMapGetter);
  const span = billing.startSpan('consume order.created', { kind: api.SpanKind.CONSUMER }, parent);
  span.end();
  write('late-consumer', exporter.getFinishedSpans());
}

/** A poller started lazily by the first request runs, forever, in that request's context:
 * every later poll's consumer span is a child of a request that ended long ago. */
async function leakedInterval() {
  const exporter = new InMemorySpanExporter();
  const tracer = tracerOf('inbox', exporter);
  let poller;
  let polls = 0;
  const polled = new Promise((resolve) => {
    tracer.startActiveSpan('GET /inbox', { kind: api.SpanKind.SERVER }, (span) => {
      poller = setInterval(() => {
        polls += 1;
        if (polls < 3) return; // the first polls find nothing
        tracer.startSpan('poll messages', { kind: api.SpanKind.CONSUMER }).end();
        clearInterval(poller);
        resolve();
      }, 40);
      span.end();
    });
  });
  await polled;
  write('leaked-interval', exporter.getFinishedSpans());
}

/** The producer injects the traceparent alone: the tenant in baggage does not arrive. A
 * second message sent with baggage shows billing records it when it comes. */
async function lostBaggage() {
  const exporter = new InMemorySpanExporter();
  const orders = tracerOf('order-service', exporter);
  const billing = tracerOf('billing', exporter);
  const { W3CBaggagePropagator, CompositePropagator } = need('@opentelemetry/core');
  const traceOnly = new W3CTraceContextPropagator();
  const both = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
  for (const [propagator, name] of [[traceOnly, 'order.created'], [both, 'order.paid']]) {
    const headers = {};
    const withTenant = api.propagation.setBaggage(api.ROOT_CONTEXT, api.propagation.createBaggage({ 'tenant.id': { value: 'acme' } }));
    api.context.with(withTenant, () => {
      orders.startActiveSpan(`publish ${name}`, { kind: api.SpanKind.PRODUCER }, (span) => {
        propagator.inject(api.context.active(), headers, api.defaultTextMapSetter);
        span.end();
      });
    });
    const parent = propagator.extract(api.ROOT_CONTEXT, headers, api.defaultTextMapGetter);
    billing.startSpan(`consume ${name}`, { kind: api.SpanKind.CONSUMER }, parent).end();
  }
  write('lost-baggage', exporter.getFinishedSpans());
}

/** A span that is never ended is never exported: its child's parent is absent. */
async function orphan() {
  const exporter = new InMemorySpanExporter();
  const tracer = tracerOf('cart', exporter);
  tracer.startActiveSpan('POST /cart', { kind: api.SpanKind.SERVER }, (server) => {
    const load = tracer.startSpan('load_cart'); // never ended: the bug
    api.context.with(api.trace.setSpan(api.context.active(), load), () => tracer.startSpan('query_db').end());
    server.end();
  });
  write('orphan', exporter.getFinishedSpans());
}

/** The same hand-offs done right with ctxbridge: no finding. */
async function correct() {
  const ctxbridge = require(path.join(__dirname, '..', '..', '..', 'bindings-node'));
  api.context.disable();
  api.context.setGlobalContextManager(new ctxbridge.CtxbridgeContextManager().enable());
  const exporter = new InMemorySpanExporter();
  const orders = tracerOf('order-service', exporter);
  const billing = tracerOf('billing', exporter);
  const headers = {};
  await orders.startActiveSpan('POST /orders', { kind: api.SpanKind.SERVER }, async (server) => {
    await orders.startActiveSpan('validate_payment', async (span) => {
      // A queued callback bound to the context it was queued in.
      const job = api.context.bind(api.context.active(), () => orders.startActiveSpan('background_fulfillment', (s) => s.end()));
      await sleep(1);
      job();
      span.end();
    });
    orders.startActiveSpan('publish order.created', { kind: api.SpanKind.PRODUCER }, (span) => {
      ctxbridge.inject(headers);
      span.end();
    });
    server.end();
  });
  for (const [name, enqueuedAt] of [['consume order.created', Date.now()], ['replay order.created', Date.now() - 7200e3]]) {
    const resumed = ctxbridge.resume(headers, { enqueuedAt, maxAge: 60e3 });
    api.context.with(resumed.context, () => {
      billing.startSpan(name, { kind: api.SpanKind.CONSUMER, links: resumed.links }).end();
    });
  }
  write('correct', exporter.getFinishedSpans());
}

async function main() {
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  fs.mkdirSync(OUT, { recursive: true });
  for (const pattern of [workerThread, timerQueue, lateConsumer, leakedInterval, lostBaggage, orphan, correct]) {
    await pattern();
    console.error(`recorded ${pattern.name}`);
  }
}

if (isMainThread) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  inWorker();
}
