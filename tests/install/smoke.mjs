// Smoke program for the installed npm tarball as ESM users import it: named exports from
// the package's ESM entry, the same objects as its CommonJS ones, and baggage properties
// through the propagator.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { ROOT_CONTEXT, propagation } from '@opentelemetry/api';
import { CtxbridgeContextManager, CtxbridgePropagator, stats } from 'ctxbridge';

const cjs = createRequire(import.meta.url)('ctxbridge');
assert.equal(stats, cjs.stats);
assert.equal(typeof new CtxbridgeContextManager().attach, 'function');
const propagator = new CtxbridgePropagator();
const extracted = propagator.extract(ROOT_CONTEXT, { baggage: 'k=a+b;p1' }, { get: (c, k) => c[k], keys: Object.keys });
const entry = propagation.getBaggage(extracted).getEntry('k');
assert.equal(entry.value, 'a+b');
assert.equal(entry.metadata.toString(), 'p1');
const out = {};
propagator.inject(extracted, out, { set: (c, k, v) => { c[k] = v; } });
assert.equal(out.baggage, 'k=a%2Bb;p1');
console.log('node (ESM): named exports, baggage properties and + both ways');
