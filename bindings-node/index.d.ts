// Types of the ctxbridge npm package (index.js). test/types.test.js checks that this
// file declares exactly what index.js exports.
import type { Context, ContextManager, TextMapGetter, TextMapPropagator, TextMapSetter, TraceState } from '@opentelemetry/api';

/** A ContextManager on AsyncLocalStorage; register it with context.setGlobalContextManager. */
export declare class CtxbridgeContextManager implements ContextManager {
  active(): Context;
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A
  ): ReturnType<F>;
  /** Binds a function, or every listener later added to an EventEmitter. */
  bind<T>(context: Context, target: T): T;
  enable(): this;
  disable(): this;
}

/** W3C traceparent, tracestate and baggage in one propagator; never throws on bad headers. */
export declare class CtxbridgePropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter?: TextMapSetter): void;
  extract(context: Context, carrier: unknown, getter?: TextMapGetter): Context;
  fields(): string[];
}

/** A TraceState of members validated under W3C Trace Context Level 2. */
export declare class ValidatedTraceState implements TraceState {
  constructor(header: string);
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

export interface Stats {
  attached: number;
  detached: number;
  outOfOrder: number;
  doubleDetach: number;
  wrongScope: number;
  leaked: number;
}

/** Throws an Error whose message starts with the rule broken, e.g. "traceparent.version_ff:". */
export declare function parseTraceparent(value: string): Traceparent;
export declare function formatTraceparent(traceId: string, spanId: string, traceFlags: number): string;
export declare function parseTracestate(values: string[]): Array<[string, string]>;
export declare function encodeTracestate(members: Array<[string, string]>): string;
export declare function parseBaggage(value: string): BaggageMember[];
export declare function encodeBaggage(members: BaggageMember[]): string;
export declare function stats(): Stats;
export declare function resetStats(): void;
export declare function setMode(mode: 'off' | 'warn' | 'strict'): void;
export declare function getMode(): 'off' | 'warn' | 'strict';
