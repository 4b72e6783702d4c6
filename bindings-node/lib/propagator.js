'use strict';
// W3C traceparent, tracestate and baggage in one TextMapPropagator, on ctxbridge's
// Rust codecs. Never throws on a bad header: extract returns the context it was given.
const {
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  isSpanContextValid,
  propagation,
  trace,
} = require('@opentelemetry/api');
const native = require('./native');
const { ValidatedTraceState } = require('./trace-state');

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';
const BAGGAGE = 'baggage';
// The key @opentelemetry/core's suppressTracing() sets (createContextKey uses Symbol.for).
const SUPPRESS_TRACING = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

class CtxbridgePropagator {
  inject(context, carrier, setter = defaultTextMapSetter) {
    const spanContext = trace.getSpanContext(context);
    if (spanContext && isSpanContextValid(spanContext) && context.getValue(SUPPRESS_TRACING) !== true) {
      setter.set(carrier, TRACEPARENT, native.formatTraceparent(spanContext.traceId, spanContext.spanId, spanContext.traceFlags));
      const traceState = spanContext.traceState;
      if (traceState) {
        const header = native.outgoingTracestate(traceState.serialize());
        if (header) setter.set(carrier, TRACESTATE, header);
      }
    }
    const baggage = propagation.getBaggage(context);
    if (baggage) {
      const pairs = baggage.getAllEntries().map(([key, entry]) => [key, entry.value]);
      if (pairs.length > 0) {
        const header = native.outgoingBaggage(pairs);
        if (header) setter.set(carrier, BAGGAGE, header);
      }
    }
  }

  extract(context, carrier, getter = defaultTextMapGetter) {
    let found;
    try {
      found = native.extract(
        headerValue(getter.get(carrier, TRACEPARENT)),
        headerValue(getter.get(carrier, TRACESTATE)),
        headerValue(getter.get(carrier, BAGGAGE)),
      );
    } catch {
      return context; // a getter or value that fails is a bad carrier
    }
    if (found.traceId) {
      context = trace.setSpanContext(context, {
        traceId: found.traceId,
        spanId: found.spanId,
        traceFlags: found.traceFlags,
        isRemote: true,
        traceState: found.traceState ? new ValidatedTraceState(found.traceState) : undefined,
      });
    }
    if (found.baggage.length > 0) {
      let baggage = propagation.getBaggage(context) || propagation.createBaggage();
      for (const [key, value] of found.baggage) {
        baggage = baggage.setEntry(key, { value });
      }
      context = propagation.setBaggage(context, baggage);
    }
    return context;
  }

  fields() {
    return [TRACEPARENT, TRACESTATE, BAGGAGE];
  }
}

/** A header value as the addon takes it: a string, an array of strings, or absent. */
function headerValue(value) {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((v) => typeof v === 'string');
  return undefined;
}

module.exports = { CtxbridgePropagator };
