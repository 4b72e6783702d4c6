'use strict';
// express served under @opentelemetry/sdk-node (http + express instrumentations) with
// ctxbridge's context manager and propagator, as a real server on 127.0.0.1: parenting
// through await, setImmediate, timers, an outgoing http call and an async worker handler.
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { once } = require('node:events');
const { SpanKind } = require('@opentelemetry/api');

const TRACE_A = 'a'.repeat(32);
const PARENT_A = '1'.repeat(16);

async function startDownstream() {
  const seen = [];
  const server = http.createServer((request, response) => {
    seen.push(request.headers.traceparent ?? null);
    response.end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, seen, url: `http://127.0.0.1:${server.address().port}` };
}

async function freePort() {
  const probe = http.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  probe.close();
  return port;
}

async function startApp(downstream) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(__dirname, 'apps', 'express-app.js'), String(port), downstream], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; tries < 150; tries += 1) {
    try {
      await fetch(`${url}/_test/state`);
      return { child, url };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  child.kill();
  throw new Error('the express app did not start');
}

const json = async (url, headers = {}) => (await fetch(url, { headers })).json();

test('express under NodeSDK: one trace per request, children through every async hop', async (t) => {
  const downstream = await startDownstream();
  const app = await startApp(downstream.url);
  t.after(async () => {
    app.child.kill('SIGTERM');
    await once(app.child, 'exit');
    downstream.server.close();
  });

  const state = await json(`${app.url}/_test/state`);
  assert.equal(state.manager, 'CtxbridgeContextManager');
  assert.equal(state.propagator, 'CtxbridgePropagator');

  const replies = [];
  for (const traceparent of [`00-${TRACE_A}-${PARENT_A}-01`, undefined, undefined]) {
    replies.push(await json(`${app.url}/order/o-${replies.length}`, traceparent ? { traceparent } : {}));
  }
  const spans = await json(`${app.url}/_test/spans`);
  const servers = spans.filter((span) => span.kind === SpanKind.SERVER);
  const clients = spans.filter((span) => span.kind === SpanKind.CLIENT);
  assert.equal(servers.length, 3);
  assert.equal(clients.length, 3);
  assert.deepEqual([servers[0].traceId, servers[0].parent], [TRACE_A, PARENT_A]);
  assert.equal(new Set(servers.map((span) => span.traceId)).size, 3, 'one trace per request');

  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const descendsFrom = (span, ancestor) => {
    for (let at = span; at !== undefined; at = byId.get(at.parent)) if (at.spanId === ancestor.spanId) return true;
    return false;
  };
  servers.forEach((server, index) => {
    const reply = replies[index];
    const mine = spans.filter((span) => span.traceId === server.traceId);
    const handler = byId.get(reply.handler);
    assert.ok(handler && descendsFrom(handler, server), 'the handler runs under the server span');
    for (const name of ['after-await', 'after-immediate', 'after-timer']) {
      const span = mine.find((candidate) => candidate.name === name);
      assert.ok(span, `${name} is in the request's trace`);
      assert.equal(span.parent, reply.handler, `${name} is a child of the handler's span`);
    }
    const client = clients.find((span) => span.traceId === server.traceId);
    assert.ok(client && descendsFrom(client, server), 'the outgoing call is in the trace');
    const [version, traceId, parentId] = downstream.seen[index].split('-');
    assert.deepEqual([version, traceId, parentId], ['00', client.traceId, client.spanId], 'the CLIENT span goes out');
    assert.deepEqual([reply.worker.traceId, reply.worker.parent], [server.traceId, reply.handler], 'the worker span');
  });
});
