'use strict';
// The Node service of the end-to-end test, with no tracing setup of its own. It runs as
//   node --require @opentelemetry/auto-instrumentations-node/register \
//        --require ctxbridge/register server.js PORT REDIS_PORT
// The http instrumentation opens the SERVER span from the incoming headers (through
// ctxbridge's propagator); ctxbridge.carry() takes that context to a worker thread, which
// produces the order to a Redis stream (producer.js).
const http = require('node:http');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const ctxbridge = require('ctxbridge');

const [port, redisPort] = process.argv.slice(2).map(Number);
const producer = new Worker(path.join(__dirname, 'producer.js'), { workerData: { redisPort } });
const waiting = new Map();
let nextId = 0;

producer.on('message', ({ id, streamId, error }) => {
  const reply = waiting.get(id);
  waiting.delete(id);
  reply(error ? 500 : 202, error ? { error } : { streamId });
});
producer.on('error', (error) => {
  console.error('producer worker failed:', error);
  process.exit(1);
});

const server = http
  .createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/orders') {
      res.writeHead(404).end();
      return;
    }
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const { orderId } = JSON.parse(body);
      const id = ++nextId;
      waiting.set(id, (status, result) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      });
      // The request's context (its SERVER span and baggage) goes with the message.
      producer.postMessage(ctxbridge.carry({ id, orderId }));
    });
  })
  .listen(port, '127.0.0.1', () => console.log(`e2e-node listening on 127.0.0.1:${port}`));

// The SDK's own SIGTERM handler flushes and shuts it down; this one lets the process end
// then: no more requests, and the worker closes its Redis connection and its port.
process.once('SIGTERM', () => {
  server.close();
  producer.postMessage({ stop: true });
});
