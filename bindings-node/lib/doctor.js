'use strict';
// The doctor: reads finished spans and names each broken context hand-off, with the span
// pair, the evidence and a one-line fix (the engine is ctxbridge's core). Spans cross as
// OTLP JSON, written here from the SDK's ReadableSpan fields (a conversion, no rule).

const { AssertionError } = require('node:assert');
const native = require('./native');
const args = require('./args');

/** Hex of a ReadableSpan's parent, in SDK 2.x (parentSpanContext) and 1.x (parentSpanId). */
function parentOf(span) {
  return span.parentSpanContext?.spanId ?? span.parentSpanId ?? '';
}

/** Nanoseconds since the epoch of an HrTime ([seconds, nanoseconds]), as a string. */
function nanos(time) {
  return (BigInt(time[0]) * 1000000000n + BigInt(time[1])).toString();
}

/** An OTLP AnyValue of an attribute value. */
function anyValue(value) {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  return { stringValue: String(value) };
}

const keyValues = (attributes) => Object.entries(attributes ?? {}).map(([key, value]) => ({ key, value: anyValue(value) }));

/** ReadableSpans as one OTLP JSON document (one resource entry per span). */
function otlpOf(spans) {
  return JSON.stringify({
    resourceSpans: spans.map((span) => ({
      resource: { attributes: keyValues(span.resource?.attributes) },
      scopeSpans: [{
        spans: [{
          traceId: span.spanContext().traceId,
          spanId: span.spanContext().spanId,
          parentSpanId: parentOf(span),
          name: span.name,
          // JS numbers SpanKind from INTERNAL = 0; OTLP from UNSPECIFIED = 0.
          kind: span.kind + 1,
          startTimeUnixNano: nanos(span.startTime),
          endTimeUnixNano: nanos(span.endTime),
          attributes: keyValues(span.attributes),
          links: (span.links ?? []).map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId })),
          status: { code: span.status?.code ?? 0 },
        }],
      }],
    })),
  });
}

function textOf(fn, spans) {
  if (typeof spans === 'string') return spans;
  if (spans && typeof spans.getFinishedSpans === 'function') return otlpOf(spans.getFinishedSpans());
  if (Array.isArray(spans)) return otlpOf(spans);
  throw new TypeError(`ctxbridge.${fn}: spans must be an InMemorySpanExporter, an array of finished spans or JSON text, got ${spans === null ? 'null' : typeof spans}`);
}

function optionsOf(fn, options = {}) {
  args.object(fn, 'options', options);
  const optional = (name, check) => (options[name] === undefined ? undefined : check(fn, `options.${name}`, options[name]));
  return {
    lateAfter: optional('lateAfter', args.milliseconds),
    staleAfter: optional('staleAfter', args.milliseconds),
    baggageKeys: optional('baggageKeys', args.strings) ?? [],
    expectedRoots: optional('expectedRoots', args.strings) ?? [],
    entryOrphans: optional('entryOrphans', args.boolean) ?? false,
    allTraces: optional('allTraces', args.boolean) ?? false,
  };
}

/**
 * Diagnoses spans (an InMemorySpanExporter, finished spans, or JSON text the doctor reads):
 * `{ findings, report }`. Options: lateAfter and staleAfter in milliseconds (the core's
 * defaults: 60 000 and 1 000), baggageKeys, expectedRoots, entryOrphans, allTraces.
 */
function diagnose(spans, options) {
  return run('diagnose', spans, options);
}

/** The core's diagnosis, arguments checked in the name of `fn`. */
function run(fn, spans, options) {
  const [found, report] = native.doctorDiagnose(textOf(fn, spans), optionsOf(fn, options));
  return { findings: JSON.parse(found).findings, report };
}

/** Throws an AssertionError carrying the doctor's report when the spans show a break. */
function assertUnbroken(spans, options) {
  const { findings, report } = run('assertUnbroken', spans, options);
  if (findings.length > 0) {
    throw new AssertionError({
      message: `ctxbridge doctor:\n${report}`,
      actual: findings.map((f) => f.shape),
      expected: [],
      operator: 'assertUnbroken',
    });
  }
}

/** The command line (`npx ctxbridge-doctor --help`); returns its exit status. */
function main(argv = process.argv.slice(2)) {
  return native.doctorMain(args.strings('doctor.main', 'argv', argv));
}

module.exports = { diagnose, assertUnbroken, main };
