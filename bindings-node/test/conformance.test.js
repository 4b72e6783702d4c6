'use strict';
// tests/conformance/node/serve.js against the W3C test-harness contract.
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const path = require('node:path');

const { serve } = require(path.join(__dirname, '..', '..', 'tests', 'conformance', 'node', 'serve.js'));
const { parseTraceparent } = require('..');

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

async function receiver() {
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/callback`, received, server };
}

function postTest(port, headers, calls) {
  const body = JSON.stringify(calls);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: '/test', method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    request.on('error', reject);
    request.end(body);
  });
}

test('the service continues the trace with a new parent-id per call, and starts a new one for bad input', async () => {
  const service = await serve(0);
  const port = service.address().port;
  const sink = await receiver();
  try {
    const calls = [0, 1].map((i) => ({ url: sink.url, arguments: [{ call: i }] }));
    // An array value sends the header repeatedly; the name's case is kept as given.
    assert.equal(await postTest(port, { TraceParent: TRACEPARENT, tracestate: ['foo=1', 'bar=2'] }, calls), 200);
    assert.deepEqual(sink.received.map((r) => r.body), [[{ call: 0 }], [{ call: 1 }]]);
    const parents = new Set();
    for (const { headers } of sink.received) {
      const parsed = parseTraceparent(headers.traceparent);
      assert.equal(parsed.traceId, TRACE_ID);
      assert.notEqual(parsed.spanId, '00f067aa0ba902b7');
      assert.equal(headers.tracestate, 'foo=1,bar=2');
      parents.add(parsed.spanId);
    }
    assert.equal(parents.size, 2);

    for (const traceparent of [TRACEPARENT.toUpperCase(), [TRACEPARENT, TRACEPARENT]]) {
      sink.received.length = 0;
      assert.equal(await postTest(port, { traceparent, tracestate: 'foo=1' }, [{ url: sink.url, arguments: [] }]), 200);
      assert.notEqual(parseTraceparent(sink.received[0].headers.traceparent).traceId, TRACE_ID);
      assert.equal(sink.received[0].headers.tracestate, undefined);
    }
  } finally {
    service.close();
    sink.server.close();
  }
});
