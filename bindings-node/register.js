'use strict';
// `node --require ctxbridge/register app.js` (or `--import ctxbridge/register`): registers
// ctxbridge's context manager and propagator before the app runs, with no code change.
//
// Order with an SDK preload does not matter: whatever context manager or propagator was
// registered before (by `@opentelemetry/auto-instrumentations-node/register` or a NodeSDK
// started earlier) is replaced, and an SDK started later cannot replace ctxbridge's (the
// API refuses a second registration). Preloads run again in every worker thread, which
// has an API of its own: registering there is what the worker needs, and a worker's own
// later `setGlobalContextManager` is then refused by the API, harmlessly.
const { context, propagation } = require('./lib/api');
const { CtxbridgeContextManager } = require('./lib/context-manager');
const { CtxbridgePropagator } = require('./lib/propagator');

context.disable();
context.setGlobalContextManager(new CtxbridgeContextManager());
propagation.disable();
propagation.setGlobalPropagator(new CtxbridgePropagator());
// The counters as metrics, with the provider an SDK sets (now or later).
require('./lib/metrics').registerWithGlobalProvider();
