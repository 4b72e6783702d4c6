'use strict';
// The worker thread of the Node service: each message is handled in the context it was
// posted from (ctxbridge.onMessage), under a PRODUCER span whose context is injected into
// the Redis stream entry's fields for the Java consumer to resume.
const { parentPort, workerData } = require('node:worker_threads');
const { SpanKind, propagation, context, trace } = require('@opentelemetry/api');
const { createClient } = require('redis');
const ctxbridge = require('ctxbridge');

const tracer = trace.getTracer('ctxbridge-e2e-node');
const client = createClient({ socket: { host: '127.0.0.1', port: workerData.redisPort } });
const connected = client.connect();

ctxbridge.onMessage(parentPort, async ({ id, orderId, stop }) => {
  await connected;
  if (stop) {
    await client.quit();
    parentPort.close();
    return;
  }
  await tracer.startActiveSpan('enqueue order', { kind: SpanKind.PRODUCER }, async (span) => {
    try {
      const tenant = propagation.getBaggage(context.active())?.getEntry('tenant')?.value;
      span.setAttribute('tenant', String(tenant));
      span.setAttribute('order.id', String(orderId));
      const fields = { order_id: String(orderId) };
      // The hop deliberately broken for the doctor's test: a producer that forgets to
      // inject (orders named broken-*), as the seed's queue consumers see.
      if (!String(orderId).startsWith('broken-')) ctxbridge.inject(fields);
      const streamId = await client.xAdd('orders', '*', fields);
      parentPort.postMessage({ id, streamId });
    } catch (error) {
      parentPort.postMessage({ id, error: String(error) });
    } finally {
      span.end();
    }
  });
});
