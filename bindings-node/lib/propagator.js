'use strict';
// W3C traceparent, tracestate and baggage in one TextMapPropagator, on ctxbridge's
// Rust codecs. Never throws on a bad header: extract returns the context it was given.
const {
  baggageEntryMetadataFromString,
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  isSpanContextValid,
  propagation,
  trace,
} = require('./api');
const native = require('./native');
const { reportDrops } = require('./dropped');
const { ValidatedTraceState, fromCanonical } = require('./trace-state');

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';
const BAGGAGE = 'baggage';
// The key @opentelemetry/core's suppressTracing() sets (createContextKey uses Symbol.for).
const SUPPRESS_TRACING = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');
// The trace id of an extracted traceparent whose trace-id is random (Trace Context Level 2
// flag 0x02). The JS SDK builds a child span's flags from the sampling decision alone and
// drops the bit; it belongs to the trace id, so inject puts it back for spans of that trace.
const RANDOM_TRACE = createContextKey('ctxbridge random trace-id');

// How much of each header can matter, from the core: nothing past it crosses into Rust.
// `tracestateEncoded` is the longest tracestate the core sends (longer ones lose members);
// `knownFlags` the flag bits a traceparent keeps, `randomFlag` the Level 2 random bit.
const LIMITS = native.readLimits();
const { knownFlags: KNOWN_FLAGS, randomFlag: RANDOM, traceIdAt: TRACE_ID_AT, spanIdAt: SPAN_ID_AT } = LIMITS;
// In checkTrace's answer: a dropped header waits to be reported; the start's bits.
const { dropPending: DROP_PENDING, startMask: START_MASK } = LIMITS;
// The core's verdicts on a tracestate (bridge::trace::TracestateVerdict).
const { CANONICAL, REWRITE } = native.tracestateVerdicts();
// Outgoing tracestate header per TraceState object: they are immutable, and a service
// injects the same one (inherited from the incoming request) into every call it makes.
const OUTGOING = new WeakMap();

/** The tracestate header to send for a TraceState ("" when it cannot be carried). */
function outgoingTracestate(traceState) {
  let header = OUTGOING.get(traceState);
  if (header === undefined) {
    const serialized = traceState.serialize();
    header = traceState instanceof ValidatedTraceState && serialized.length <= LIMITS.tracestateEncoded
      ? serialized
      : native.outgoingTracestate(serialized);
    OUTGOING.set(traceState, header);
  }
  return header;
}

class CtxbridgePropagator {
  inject(context, carrier, setter = defaultTextMapSetter) {
    const spanContext = trace.getSpanContext(context);
    if (spanContext && isSpanContextValid(spanContext) && context.getValue(SUPPRESS_TRACING) !== true) {
      // The ids were validated as lowercase hex when they came in (or were made by the
      // SDK): writing version 00 is a concatenation, with unknown flag bits zeroed.
      let flags = spanContext.traceFlags & KNOWN_FLAGS;
      if (!(flags & RANDOM) && context.getValue(RANDOM_TRACE) === spanContext.traceId) flags |= RANDOM;
      setter.set(carrier, TRACEPARENT, `00-${spanContext.traceId}-${spanContext.spanId}-0${flags.toString(16)}`);
      if (spanContext.traceState) {
        const header = outgoingTracestate(spanContext.traceState);
        if (header) setter.set(carrier, TRACESTATE, header);
      }
    }
    const baggage = propagation.getBaggage(context);
    if (baggage) {
      // [key, value], or [key, value, metadata] for an entry with properties.
      const entries = baggage.getAllEntries().map(([key, { value, metadata }]) => (metadata === undefined
        ? [key, String(value)]
        : [key, String(value), String(metadata.toString())]));
      if (entries.length > 0) {
        const header = native.outgoingBaggage(entries);
        if (header) setter.set(carrier, BAGGAGE, header);
      }
    }
  }

  extract(context, carrier, getter = defaultTextMapGetter) {
    try {
      const traceparent = headerValue(getter.get(carrier, TRACEPARENT), LIMITS.traceparent);
      // One traceparent only: a repeated one starts a new trace.
      const single = Array.isArray(traceparent) ? (traceparent.length === 1 ? traceparent[0] : undefined) : traceparent;
      if (single !== undefined) {
        const tracestate = headerValue(getter.get(carrier, TRACESTATE), LIMITS.tracestate);
        const oneString = typeof tracestate === 'string';
        // One crossing: the traceparent's flags, where its value starts, and, when the
        // tracestate is one string, the core's verdict on it (bridge::trace::CheckedTrace).
        const checked = native.checkTrace(single, oneString ? tracestate : undefined);
        if (checked >= 0) {
          if (checked & DROP_PENDING) reportDrops();
          const start = (checked >>> 10) & START_MASK;
          const verdict = (checked >> 8) & 3;
          let traceState;
          if (!oneString) traceState = tracestateOf(tracestate);
          else if (verdict === CANONICAL) traceState = fromCanonical(tracestate);
          else if (verdict === REWRITE) traceState = fromCanonical(native.canonicalTracestate(tracestate));
          const traceId = single.substr(start + TRACE_ID_AT, 32);
          const spanId = single.substr(start + SPAN_ID_AT, 16);
          const spanContext = { traceId, spanId, traceFlags: checked & 0xff, isRemote: true };
          // As OpenTelemetry JS's propagator: no traceState key at all when there is none.
          if (traceState !== undefined) spanContext.traceState = traceState;
          context = trace.setSpanContext(context, spanContext);
          if (checked & RANDOM) context = context.setValue(RANDOM_TRACE, traceId);
        }
      }
      const baggage = headerValue(getter.get(carrier, BAGGAGE), LIMITS.baggage);
      if (baggage !== undefined) {
        const entries = native.extractBaggageEntries(baggage); // reports what it dropped
        if (entries.length > 0) {
          let current = propagation.getBaggage(context) || propagation.createBaggage();
          for (const entry of entries) current = current.setEntry(entry.key, baggageEntry(entry));
          context = propagation.setBaggage(context, current);
        }
      }
      return context;
    } catch {
      return context; // a getter or value that fails is a bad carrier
    }
  }

  fields() {
    return [TRACEPARENT, TRACESTATE, BAGGAGE];
  }
}

/** A BaggageEntry as OpenTelemetry JS keeps one: the properties as its metadata. */
function baggageEntry({ value, metadata }) {
  return metadata === '' ? { value } : { value, metadata: baggageEntryMetadataFromString(metadata) };
}

/** The TraceState to keep for received tracestate values, or undefined. */
function tracestateOf(values) {
  if (values === undefined || (Array.isArray(values) && values.length === 0)) return undefined;
  const answer = native.checkTracestate(values);
  if (answer & DROP_PENDING) reportDrops();
  const verdict = answer & 3;
  if (verdict === CANONICAL) return fromCanonical(typeof values === 'string' ? values : values[0]);
  if (verdict === REWRITE) return fromCanonical(native.canonicalTracestate(values));
  return undefined;
}

/**
 * A header value as the addon takes it: a string, an array of strings, or absent; no
 * longer than `limit` (what the core reads of it at most; UTF-16 units are never fewer
 * than the UTF-8 bytes they make, so the cut keeps everything that matters).
 */
function headerValue(value, limit = Infinity) {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.length > limit ? value.slice(0, limit) : value;
  if (Array.isArray(value)) {
    const strings = value.filter((v) => typeof v === 'string');
    // Each value adds at least the ',' that joins it: past `limit` of them none matters.
    const kept = strings.length > limit ? strings.slice(0, limit) : strings;
    return kept.map((v) => (v.length > limit ? v.slice(0, limit) : v));
  }
  return undefined;
}

module.exports = { CtxbridgePropagator, baggageEntry, headerValue, LIMITS };
