'use strict';
// Reports what the preloads registered, from the main thread and from a worker thread
// (preloads run in workers too), and that a span started with the SDK's tracer keeps its
// context across an await. Run by test/register.test.js with --require/--import flags.
const { Worker, isMainThread, parentPort } = require('node:worker_threads');
const { context, propagation, trace } = require('@opentelemetry/api');

function registered() {
  return { manager: context._getContextManager().constructor.name, propagator: propagation._getGlobalPropagator().constructor.name };
}

if (!isMainThread) {
  parentPort.postMessage(registered());
} else {
  (async () => {
    const tracer = trace.getTracer('register-app');
    const kept = await tracer.startActiveSpan('request', async (span) => {
      await new Promise((resolve) => setImmediate(resolve));
      const same = trace.getActiveSpan() === span && span.spanContext().traceId !== '00000000000000000000000000000000';
      span.end();
      return same;
    });
    const worker = new Worker(__filename);
    const [inWorker] = await require('node:events').once(worker, 'message');
    await worker.terminate();
    console.log(`RESULT ${JSON.stringify({ ...registered(), kept, worker: inWorker })}`);
    process.exit(0);
  })();
}
