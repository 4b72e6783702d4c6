'use strict';
// Hand-off across worker_threads and queues: capture where work is posted, as W3C
// headers (a Context cannot be cloned into a worker), and run it there in the capture.
const { ROOT_CONTEXT, context, propagation, trace } = require('./api');
const native = require('./native');
const { reportPendingDrops } = require('./dropped');
const args = require('./args');
const { CtxbridgePropagator, baggageEntry, headerValue: header, LIMITS } = require('./propagator');
const { CtxbridgeContextManager } = require('./context-manager');
const { fromCanonical } = require('./trace-state');

const propagator = new CtxbridgePropagator();
const CARRIED = '__ctxbridge';

/** The active context as a carrier: { traceparent, tracestate, baggage } strings. */
function capture(ctx = context.active()) {
  args.context('capture', 'ctx', ctx);
  const carrier = {};
  propagator.inject(ctx, carrier);
  return carrier;
}

/** Wraps `data` (for workerData or postMessage) with the context current now. */
function carry(data, ctx = context.active()) {
  args.context('carry', 'ctx', ctx);
  return { [CARRIED]: capture(ctx), data };
}

/** Whether a value was made by carry(). */
function isCarried(value) {
  return value !== null && typeof value === 'object' && typeof value[CARRIED] === 'object';
}

/** The context a carried value brings (extracted from its headers). */
function contextOf(carried) {
  return propagator.extract(ROOT_CONTEXT, carried[CARRIED]);
}

/** Runs fn(data) in the context a carried value brings, as a task (DESIGN rule 6). */
function runCarried(carried, fn) {
  const ctx = contextOf(carried);
  const manager = globalManager();
  return manager ? manager.runTask(ctx, fn, undefined, carried.data) : context.with(ctx, fn, undefined, carried.data);
}

/** In a worker: runs fn(workerData.data) in the context the parent carried. */
function runWorker(fn) {
  args.func('runWorker', 'fn', fn);
  const { workerData } = require('node:worker_threads');
  return isCarried(workerData) ? runCarried(workerData, fn) : fn(workerData);
}

/** Adds a message handler that runs each carried message in its own context. */
function onMessage(port, handler) {
  args.emitter('onMessage', 'port', port);
  args.func('onMessage', 'handler', handler);
  const listener = (message) => (isCarried(message) ? runCarried(message, handler) : handler(message));
  port.on('message', listener);
  return listener;
}

/** Writes traceparent, tracestate and baggage of `ctx` into a message's headers. */
function inject(headers, ctx = context.active()) {
  args.object('inject', 'headers', headers);
  args.context('inject', 'ctx', ctx);
  propagator.inject(ctx, headers);
  return headers;
}

/**
 * How a consumer should start its span (DESIGN section 5): `context` holds the
 * producer as parent ("child") or nothing ("root_with_link", "root"), plus the carried
 * baggage; `links` links a late message to its producer. Times are epoch milliseconds
 * or Dates; maxAge is milliseconds.
 */
function resume(headers, options) {
  args.object('resume', 'headers', headers);
  args.object('resume', 'options', options);
  const enqueuedAt = args.instant('resume', 'options.enqueuedAt', options.enqueuedAt);
  const maxAge = args.milliseconds('resume', 'options.maxAge', options.maxAge);
  const now = options.now === undefined ? undefined : args.instant('resume', 'options.now', options.now);
  const found = native.resume(header(headers.traceparent, LIMITS.traceparent), header(headers.tracestate, LIMITS.tracestate), header(headers.baggage, LIMITS.baggage), enqueuedAt, maxAge, now);
  reportPendingDrops();
  const carried = found.baggage.length === 0
    ? ROOT_CONTEXT
    : propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage(Object.fromEntries(found.baggage.map((entry) => [entry.key, baggageEntry(entry)]))));
  let spanContext;
  if (found.traceId) {
    spanContext = { traceId: found.traceId, spanId: found.spanId, traceFlags: found.traceFlags, isRemote: true };
    if (found.traceState) spanContext.traceState = fromCanonical(found.traceState);
  }
  const ctx = found.kind === 'child' ? trace.setSpanContext(carried, spanContext) : carried;
  const links = found.kind === 'root_with_link' ? [{ context: spanContext }] : [];
  return { kind: found.kind, context: ctx, links };
}

function globalManager() {
  // The manager registered with context.setGlobalContextManager, when it is ours.
  const registered = context._getContextManager?.();
  return registered instanceof CtxbridgeContextManager ? registered : undefined;
}

module.exports = { capture, carry, isCarried, contextOf, runWorker, onMessage, inject, resume };
