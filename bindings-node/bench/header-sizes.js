'use strict';
// What a header costs through CtxbridgePropagator.extract by its size: a 16 MB header
// must cost what a 16 kB one does (the core reads no further than the limits, and only
// that much crosses N-API). `make bench-headers` runs it; the README has the figures.
const { ROOT_CONTEXT } = require('@opentelemetry/api');
const ctxbridge = require('..');

const propagator = new ctxbridge.CtxbridgePropagator();
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const SIZES = [16 << 10, 1 << 20, 16 << 20];

function carrier(kind, size) {
  const baggage = kind === 'one long member'
    ? `k=${'v'.repeat(size)}`
    : Array.from({ length: size / 8 }, (_, i) => `k${i}=v`).join(',').slice(0, size);
  // Flattened once here, as a header read off the wire is: not part of what is measured.
  const flat = (text) => Buffer.from(text).toString();
  return { traceparent: TRACEPARENT, tracestate: flat(`a=1,${'x'.repeat(size)}`), baggage: flat(baggage) };
}

function microseconds(headers) {
  for (let i = 0; i < 200; i++) propagator.extract(ROOT_CONTEXT, headers);
  const rounds = 2000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) propagator.extract(ROOT_CONTEXT, headers);
  return Number(process.hrtime.bigint() - start) / rounds / 1000;
}

console.log('extract by header size (µs per call; ratio to 16 kB)');
for (const kind of ['one long member', 'many small members']) {
  const times = SIZES.map((size) => microseconds(carrier(kind, size)));
  const cells = times.map((t, i) => `${SIZES[i] >> 10} kB ${t.toFixed(1)} (${(t / times[0]).toFixed(2)}×)`);
  console.log(`${kind.padEnd(20)} ${cells.join('  ')}`);
}
