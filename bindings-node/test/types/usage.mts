// What a TypeScript user compiles against index.d.ts (test/types.test.js runs tsc over it):
// each line fails to compile if a declaration loses its types.
import { context, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { parentPort } from 'node:worker_threads';
import {
  CtxbridgeContextManager,
  CtxbridgePropagator,
  ValidatedTraceState,
  inject,
  onMessage,
  stats,
  type ContextToken,
  type Stats,
} from 'ctxbridge';

const manager = new CtxbridgeContextManager();
context.setGlobalContextManager(manager);

export function scoped(ctx: Context): number {
  using token = manager.attach(ctx); // ContextToken is Disposable
  const same: ContextToken = token;
  return same.context === ctx ? 1 : 0;
}

export const counters: Stats = stats();
export const headers: { traceparent?: string; order: string } = inject({ order: 'o-1' });
export const listener: (value: unknown) => void = onMessage(parentPort, (data: unknown) => data);
export const state: string = new ValidatedTraceState('a=1').set('b', '2').serialize();
new CtxbridgePropagator().inject(ROOT_CONTEXT, {});
