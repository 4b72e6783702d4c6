'use strict';
// The W3C trace-context test-harness service (DESIGN section 7) on ctxbridge's Node
// propagator: `tests/conformance/serve node PORT`. On POST /test with a JSON array of
// {url, arguments}, POSTs each `arguments` to its `url` with a traceparent (and
// tracestate) continuing the incoming trace under a new parent-id, then answers 200.
const http = require('node:http');
const path = require('node:path');
const { ROOT_CONTEXT, trace } = require(require.resolve('@opentelemetry/api', { paths: [path.join(__dirname, '../../../bindings-node')] }));
const { BasicTracerProvider } = require(require.resolve('@opentelemetry/sdk-trace-base', { paths: [path.join(__dirname, '../../../bindings-node')] }));
const { CtxbridgePropagator } = require('../../../bindings-node');

const propagator = new CtxbridgePropagator();
const tracer = new BasicTracerProvider().getTracer('ctxbridge-conformance');
// Every value of a header, repeated ones included; names are lowercased by Node.
const allValues = { get: (req, key) => req.headersDistinct[key], keys: (req) => Object.keys(req.headersDistinct) };

function post(url, body, headers) {
  return new Promise((resolve) => {
    const request = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (response) => {
      response.resume();
      response.on('end', resolve);
    });
    request.on('error', resolve);
    request.end(JSON.stringify(body));
  });
}

function serve(port, host = '127.0.0.1') {
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    let calls;
    try {
      calls = req.method === 'POST' && req.url === '/test' ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
    } catch {
      calls = undefined;
    }
    if (!Array.isArray(calls)) {
      res.writeHead(req.url === '/test' ? 400 : 404).end();
      return;
    }
    const parent = propagator.extract(ROOT_CONTEXT, req, allValues);
    for (const call of calls) {
      const span = tracer.startSpan('conformance call', {}, parent); // its id is the new parent-id
      const headers = {};
      propagator.inject(trace.setSpan(parent, span), headers);
      await post(call.url, call.arguments, headers);
      span.end();
    }
    res.writeHead(200, { 'content-length': 0 }).end();
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

module.exports = { serve };

if (require.main === module) {
  const port = Number(process.argv[2] || 7777);
  serve(port).then(() => console.error(`ctxbridge-conformance (node) listening on 127.0.0.1:${port}`));
}
