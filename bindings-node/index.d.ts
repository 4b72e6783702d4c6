// Types of the ctxbridge npm package (index.js). test/types.test.js checks that this
// file declares exactly what index.js exports.
/// <reference types="node" />
import type { Context, ContextManager, MeterProvider, SpanContext, TextMapGetter, TextMapPropagator, TextMapSetter, TraceState } from '@opentelemetry/api';

/** A ContextManager on AsyncLocalStorage; register it with context.setGlobalContextManager. */
export declare class CtxbridgeContextManager implements ContextManager {
  active(): Context;
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A
  ): ReturnType<F>;
  /**
   * Makes `context` current in this async context and its continuations until the
   * token is disposed. Misuse (out of order, twice, where the attach is not visible)
   * is counted, logged once per call site through `diag`, and thrown in strict mode.
   */
  attach(context: Context): ContextToken;
  /** Runs `fn` in `context`; what it leaves attached is disposed and counted as leaked. */
  runTask<A extends unknown[], R>(context: Context, fn: (...args: A) => R, thisArg?: unknown, ...args: A): R;
  /** Binds a function, or every listener later added to an EventEmitter. */
  bind<T>(context: Context, target: T): T;
  enable(): this;
  disable(): this;
}

/** What CtxbridgeContextManager.attach returns; `using token = manager.attach(ctx)` disposes it. */
export declare class ContextToken implements Disposable {
  readonly context: Context;
  dispose(): void;
  [Symbol.dispose](): void;
}

/** W3C traceparent, tracestate and baggage in one propagator; never throws on bad headers. */
export declare class CtxbridgePropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter?: TextMapSetter): void;
  extract(context: Context, carrier: unknown, getter?: TextMapGetter): Context;
  fields(): string[];
}

/**
 * A TraceState validated by ctxbridge's core under W3C Trace Context Level 2 and kept in
 * canonical form. A header that is not valid W3C tracestate gives the empty tracestate.
 */
export declare class ValidatedTraceState implements TraceState {
  constructor(header?: string);
  get(key: string): string | undefined;
  set(key: string, value: string): ValidatedTraceState;
  unset(key: string): ValidatedTraceState;
  serialize(): string;
  static fromPairs(pairs: Array<[string, string]>): ValidatedTraceState;
}

export interface Traceparent {
  traceId: string;
  spanId: string;
  /** Only the sampled (1) and random (2) bits survive parsing. */
  traceFlags: number;
}

export interface BaggageMember {
  key: string;
  value: string;
  /** [key, value] pairs as written; value is null for a bare `;key`. */
  properties: Array<[string, string | null]>;
}

/** What strict mode throws at a misuse (setMode('strict')). */
export interface MisuseError extends Error {
  code: 'CTXBRIDGE_MISUSE';
  misuse: 'out_of_order' | 'double_detach' | 'wrong_scope' | 'leaked';
}

export interface Stats {
  attached: number;
  detached: number;
  outOfOrder: number;
  doubleDetach: number;
  wrongScope: number;
  leaked: number;
}

/** traceparent, tracestate and baggage headers of a context. */
export interface Carrier {
  traceparent?: string;
  tracestate?: string;
  baggage?: string;
}

/** A value wrapped with the context to run it in, for workerData or postMessage. */
export interface Carried<T> {
  __ctxbridge: Carrier;
  data: T;
}

/** How a consumer should start its span for a queued message. */
export interface Resume {
  kind: 'child' | 'root_with_link' | 'root';
  /** The producer as parent (for "child") and the carried baggage. */
  context: Context;
  links: Array<{ context: SpanContext }>;
}

/** The active context (or `context`) as headers. */
export declare function capture(context?: Context): Carrier;
/** Wraps `data` with the active context (or `context`), to post to a worker. */
export declare function carry<T>(data: T, context?: Context): Carried<T>;
export declare function isCarried(value: unknown): value is Carried<unknown>;
/** The context a carried value brings. */
export declare function contextOf(carried: Carried<unknown>): Context;
/** In a worker: runs fn(workerData.data) in the context the parent carried. */
export declare function runWorker<R>(fn: (data: any) => R): R;
/** Adds a 'message' listener that runs each carried message in its own context, as a task. */
export declare function onMessage(
  port: { on(event: 'message', listener: (value: any) => void): unknown } | null,
  handler: (data: any) => unknown,
): (value: any) => void;
/** Writes traceparent, tracestate and baggage into a message's headers. */
export declare function inject<T extends Record<string, unknown>>(headers: T, context?: Context): T;
/** A child while younger than maxAge (ms), else a new root linked to the producer. */
export declare function resume(
  headers: { traceparent?: string | string[]; tracestate?: string | string[]; baggage?: string | string[] },
  options: { enqueuedAt: number | Date; maxAge: number; now?: number | Date }
): Resume;

/** Throws an Error whose message starts with the rule broken, e.g. "traceparent.version_ff:". */
export declare function parseTraceparent(value: string): Traceparent;
export declare function formatTraceparent(traceId: string, spanId: string, traceFlags: number): string;
export declare function parseTracestate(values: string[]): Array<[string, string]>;
export declare function encodeTracestate(members: Array<[string, string]>): string;
export declare function parseBaggage(value: string): BaggageMember[];
/** Parses baggage header values leniently, as a propagator does: malformed members are dropped alone. */
export declare function extractBaggage(values: string[]): BaggageMember[];
export declare function encodeBaggage(members: BaggageMember[]): string;
/**
 * Publishes the counters through `meterProvider` (default: the global one) as asynchronous
 * counters: ctxbridge.context.attached, ctxbridge.context.detached and
 * ctxbridge.context.misuse (one data point per kind, in the ctxbridge.misuse.kind attribute).
 * `--require ctxbridge/register` does it with the provider an SDK sets.
 */
export declare function registerMetrics(meterProvider?: MeterProvider): void;
export declare function stats(): Stats;
export declare function resetStats(): void;
export declare function setMode(mode: 'off' | 'warn' | 'strict'): void;
export declare function getMode(): 'off' | 'warn' | 'strict';
/**
 * Records where each attach is made (`CTXBRIDGE_ATTACH_SITES=1` does it at load), so that
 * an `out_of_order` or `leaked` report also names the attach that was left open, at the line
 * that made it. It costs a stack trace per attach: turn it on to find a leak. A worker
 * thread reads the switch when it loads ctxbridge.
 */
export declare function setAttachSites(on: boolean): void;
export declare function getAttachSites(): boolean;
/**
 * How many received headers the propagator dropped, by the rule they broke
 * (`{ 'tracestate.key': 2, 'baggage.value': 1, 'baggage.limits': 1 }`; only rules that
 * counted any). The first drop of each rule is logged through `diag.warn`, naming the rule,
 * never the value. `resetStats()` zeroes these too.
 */
export declare function droppedStats(): Record<string, number>;
