'use strict';
// The doctor through Node: the seed's broken hand-off run for real with the SDK and its
// InMemorySpanExporter, diagnosed by ctxbridge/doctor, and the command line.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { context, SpanKind } = require('@opentelemetry/api');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');

const { CtxbridgeContextManager } = require('..');
const { diagnose, assertUnbroken } = require('../doctor');

context.setGlobalContextManager(new CtxbridgeContextManager().enable());
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'mailer' }),
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
const tracer = provider.getTracer('mailer');
const recorded = path.join(__dirname, '..', '..', 'tests', 'doctor', 'recorded');

test.beforeEach(() => exporter.reset());

/** A request queues a job; a timer set up outside any span runs it (bound or not). */
async function signup(bind) {
  const queue = [];
  const flusher = setInterval(() => queue.splice(0).forEach((job) => job()), 2);
  await tracer.startActiveSpan('POST /signup', { kind: SpanKind.SERVER }, async (span) => {
    await new Promise((resolve) => {
      const job = () => {
        tracer.startSpan('send_welcome_mail', { attributes: { 'user.id': 'u-1' } }).end();
        resolve();
      };
      queue.push(bind ? context.bind(context.active(), job) : job);
    });
    span.setAttribute('user.id', 'u-1');
    span.end();
  });
  clearInterval(flusher);
}

test('a callback run from a timer is named with the request that queued it', async () => {
  await signup(false);
  const spans = Object.fromEntries(exporter.getFinishedSpans().map((s) => [s.name, s]));
  const { findings, report } = diagnose(exporter);
  assert.equal(findings.length, 1, report);
  const [finding] = findings;
  assert.equal(finding.shape, 'broken-handoff');
  assert.equal(finding.span.span_id, spans.send_welcome_mail.spanContext().spanId);
  assert.equal(finding.related.span_id, spans['POST /signup'].spanContext().spanId);
  assert.equal(finding.related.trace_id, spans['POST /signup'].spanContext().traceId);
  assert.match(finding.evidence.join('\n'), /user\.id=u-1/);
  assert.throws(() => assertUnbroken(exporter), (error) => error instanceof assert.AssertionError && /broken hand-off: 'send_welcome_mail'/.test(error.message));
});

test('the same callback bound to its context passes', async () => {
  await signup(true);
  assert.equal(exporter.getFinishedSpans().length, 2);
  const mail = exporter.getFinishedSpans().find((s) => s.name === 'send_welcome_mail');
  assert.equal(mail.parentSpanContext?.spanId, exporter.getFinishedSpans().find((s) => s.name === 'POST /signup').spanContext().spanId);
  assertUnbroken(exporter);
  assertUnbroken(exporter.getFinishedSpans());
});

test('arguments are checked with ctxbridge messages, bad text is named', () => {
  assert.throws(() => diagnose(null), { name: 'TypeError', message: /ctxbridge\.diagnose: spans must be/ });
  assert.throws(() => diagnose('', { lateAfter: -1 }), { name: 'TypeError', message: /ctxbridge\.diagnose: options\.lateAfter must be milliseconds/ });
  assert.throws(() => diagnose('', { baggageKeys: 'k' }), { message: /options\.baggageKeys must be an array of strings/ });
  assert.throws(() => diagnose('{'), { message: /^doctor: .*not JSON/ });
  assert.deepEqual(diagnose('').findings, []);
});

test('options reach the rules', () => {
  const text = require('node:fs').readFileSync(path.join(recorded, 'node-late-consumer.json'), 'utf8');
  assert.deepEqual(diagnose(text).findings, []);
  const [late] = diagnose(text, { lateAfter: 1000 }).findings;
  assert.deepEqual([late.shape, late.span.name, late.related.name], ['late-work', 'consume order.created', 'publish order.created']);
});

test('npx ctxbridge-doctor reports and gates', () => {
  const bin = path.join(__dirname, '..', 'bin', 'ctxbridge-doctor.js');
  const run = (...args) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  const broken = run(path.join(recorded, 'node-worker-thread.json'));
  assert.equal(broken.status, 1, broken.stderr);
  assert.match(broken.stdout, /✗ \[1\] broken hand-off/);
  assert.match(broken.stdout, /fix \(nodejs\)/);
  const json = JSON.parse(run('--json', path.join(recorded, 'python-threadpool.json')).stdout);
  assert.deepEqual(json.findings.map((f) => f.shape), ['broken-handoff']);
  assert.equal(run(path.join(recorded, 'node-correct.json')).status, 0);
  const usage = run('--nope');
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /unknown option --nope/);
});
