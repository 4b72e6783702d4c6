'use strict';
// The worker hand-off beside the manual pattern, at a backlog of 1k, 10k and 100k
// messages: the main thread posts every message at once under a request span, a worker
// starts one span per message in the context it carried (the real SDK, no exporter).
// The worker is warmed by 1,000 messages first. Sides, each in its own process,
// alternating, best of the rounds:
//   manual:    AsyncLocalStorageContextManager; propagation.inject into the message,
//              propagation.extract + context.with in the worker (W3C propagators);
//   ctxbridge: CtxbridgeContextManager; ctxbridge.carry, ctxbridge.onMessage.
// Also a plain loop of tasks: context.with (ALS) against CtxbridgeContextManager.runTask.
// Prints messages/s and the ratio (ctxbridge / manual: above 1, ctxbridge is faster);
// the budget is >= 1.0 and flat within 20% from 1k to 100k.
//   make bench-handoff-node     (a release build of the addon)
const { execFileSync } = require('node:child_process');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const api = require('@opentelemetry/api');
const { W3CTraceContextPropagator, W3CBaggagePropagator, CompositePropagator } = require('@opentelemetry/core');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
const ctxbridge = require('..');

const SIZES = [1000, 10000, 100000];
const ROUNDS = 3;

function setup(side) {
  const manager = side === 'manual' ? new AsyncLocalStorageContextManager() : new ctxbridge.CtxbridgeContextManager();
  api.context.setGlobalContextManager(manager.enable());
  api.propagation.setGlobalPropagator(
    side === 'manual'
      ? new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] })
      : new ctxbridge.CtxbridgePropagator(),
  );
  return { manager, tracer: new BasicTracerProvider().getTracer('bench') };
}

/** In the worker: one span per message, in the context the message carried; reports
 * after the warm-up batch and after the measured one. */
function worker() {
  const { side, warmup, count } = workerData;
  const { tracer } = setup(side);
  let seen = 0;
  const work = () => {
    tracer.startSpan('task').end();
    seen += 1;
    if (seen === warmup || seen === warmup + count) parentPort.postMessage(seen);
  };
  if (side === 'manual') {
    parentPort.on('message', (message) => {
      api.context.with(api.propagation.extract(api.ROOT_CONTEXT, message.headers), work);
    });
  } else {
    ctxbridge.onMessage(parentPort, work);
  }
}

/** Messages/s of one side at `count` queued, on a worker warmed by 1,000 messages. */
async function backlog(side, count) {
  const { tracer } = setup(side);
  const warmup = 1000;
  const w = new Worker(__filename, { workerData: { side, warmup, count } });
  const reply = () => new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  const post = (n) => tracer.startActiveSpan('request', (span) => {
    for (let i = 0; i < n; i++) {
      if (side === 'manual') {
        const headers = {};
        api.propagation.inject(api.context.active(), headers);
        w.postMessage({ headers, i });
      } else {
        w.postMessage(ctxbridge.carry({ i }));
      }
    }
    span.end();
  });
  await new Promise((resolve) => w.once('online', resolve));
  let done = reply();
  post(warmup);
  await done;
  done = reply();
  const started = process.hrtime.bigint();
  post(count);
  await done;
  const rate = count / (Number(process.hrtime.bigint() - started) / 1e9);
  await w.terminate();
  return rate;
}

/** Tasks/s of a plain loop: context.with (manual) or runTask (ctxbridge). */
function tasks(side, count) {
  const { manager } = setup(side);
  const ctx = api.trace.setSpan(api.ROOT_CONTEXT, api.trace.wrapSpanContext({
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1,
  }));
  const run = side === 'manual' ? (fn) => manager.with(ctx, fn) : (fn) => manager.runTask(ctx, fn);
  for (let i = 0; i < 1000; i++) run(() => 1);
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) run(() => 1);
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function main() {
  const [kind, side, count] = process.argv.slice(2);
  if (kind) {
    const rate = kind === 'backlog' ? await backlog(side, Number(count)) : tasks(side, Number(count));
    console.log(rate);
    return;
  }
  const measure = (what, side, size) => Number(execFileSync(process.execPath, [__filename, what, side, String(size)], { encoding: 'utf8' }));
  for (const [what, title] of [['backlog', 'worker backlog, messages/s'], ['tasks', 'a loop of tasks, tasks/s']]) {
    console.log(`\n${title} (best of ${ROUNDS}, each side in its own process, alternating)`);
    console.log('| queued | manual | ctxbridge | ratio |');
    console.log('|---:|---:|---:|---:|');
    for (const size of SIZES) {
      const best = { manual: 0, ctxbridge: 0 };
      for (let r = 0; r < ROUNDS; r++) {
        for (const side of ['manual', 'ctxbridge']) best[side] = Math.max(best[side], measure(what, side, size));
      }
      console.log(`| ${size.toLocaleString('en')} | ${best.manual.toFixed(0)} | ${best.ctxbridge.toFixed(0)} | ${(best.ctxbridge / best.manual).toFixed(2)}x |`);
    }
  }
}

if (isMainThread) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  worker();
}
