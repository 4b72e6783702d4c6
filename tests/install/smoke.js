'use strict';
// Smoke program for the installed npm tarball: the seed's hand-off under the real SDK,
// one extract/inject, one misuse counted.
const assert = require('node:assert/strict');
const { context, propagation, trace, ROOT_CONTEXT } = require('@opentelemetry/api');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const ctxbridge = require('ctxbridge');

const manager = new ctxbridge.CtxbridgeContextManager();
context.setGlobalContextManager(manager);
propagation.setGlobalPropagator(new ctxbridge.CtxbridgePropagator());
const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('smoke');

tracer.startActiveSpan('validate_payment', (parent) => {
  setImmediate(context.bind(context.active(), () => {
    tracer.startSpan('background_fulfillment').end();
    parent.end();
    const [child] = exporter.getFinishedSpans().filter((span) => span.name === 'background_fulfillment');
    assert.equal(child.spanContext().traceId, parent.spanContext().traceId);
    assert.equal(child.parentSpanContext.spanId, parent.spanContext().spanId);

    const carrier = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    const out = {};
    propagation.inject(propagation.extract(ROOT_CONTEXT, carrier), out);
    assert.equal(out.traceparent, carrier.traceparent);

    ctxbridge.setMode('off');
    const before = ctxbridge.stats().doubleDetach;
    const token = manager.attach(ROOT_CONTEXT);
    token.dispose();
    token.dispose();
    assert.equal(ctxbridge.stats().doubleDetach - before, 1);
    console.log('node: hand-off, extract/inject, misuse counted');
  }));
});
