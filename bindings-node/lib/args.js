'use strict';
// Argument checks at the call, with ctxbridge's own message naming the function and the
// parameter ("ctxbridge.parseTraceparent: value must be a string, got null"), so a wrong
// argument fails where it is passed, never with napi's conversion text or later inside
// OpenTelemetry.

/** A short name for what was passed. */
function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
}

function fail(fn, param, wanted, value) {
  return new TypeError(`ctxbridge.${fn}: ${param} must be ${wanted}, got ${describe(value)}`);
}

/** An OpenTelemetry MeterProvider, or nothing (the global one is used). */
function meterProvider(fn, param, value) {
  if (value != null && typeof value.getMeter !== 'function') throw fail(fn, param, 'an OpenTelemetry MeterProvider', value);
  return value ?? undefined;
}

function string(fn, param, value) {
  if (typeof value !== 'string') throw fail(fn, param, 'a string', value);
  return value;
}

function boolean(fn, param, value) {
  if (typeof value !== 'boolean') throw fail(fn, param, 'a boolean', value);
  return value;
}

function strings(fn, param, value) {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw fail(fn, param, 'an array of strings', value);
  }
  return value;
}

function pairs(fn, param, value) {
  const ok = Array.isArray(value) && value.every((item) => Array.isArray(item) && item.length === 2 && item.every((part) => typeof part === 'string'));
  if (!ok) throw fail(fn, param, 'an array of [key, value] string pairs', value);
  return value;
}

/** Baggage members as encodeBaggage takes them: { key, value, properties? }. */
function members(fn, param, value) {
  const property = (p) => Array.isArray(p) && typeof p[0] === 'string' && (p[1] === undefined || p[1] === null || typeof p[1] === 'string');
  const member = (m) => m !== null && typeof m === 'object' && typeof m.key === 'string' && typeof m.value === 'string'
    && (m.properties === undefined || (Array.isArray(m.properties) && m.properties.every(property)));
  if (!Array.isArray(value) || !value.every(member)) {
    throw fail(fn, param, 'an array of { key, value, properties? } with string keys and values', value);
  }
  return value.map((m) => ({ ...m, properties: m.properties ?? [] }));
}

function integer(fn, param, value, max) {
  if (!Number.isInteger(value)) throw fail(fn, param, 'an integer', value);
  if (value < 0 || value > max) throw new RangeError(`ctxbridge.${fn}: ${param} must be in 0..${max}, got ${value}`);
  return value;
}

function func(fn, param, value) {
  if (typeof value !== 'function') throw fail(fn, param, 'a function', value);
  return value;
}

/** An OpenTelemetry Context (anything with getValue/setValue, as the API's is). */
function context(fn, param, value) {
  const ok = value !== null && typeof value === 'object' && typeof value.getValue === 'function' && typeof value.setValue === 'function';
  if (!ok) throw fail(fn, param, 'an OpenTelemetry Context', value);
  return value;
}

/** A MessagePort, or any EventEmitter (anything with on()). */
function emitter(fn, param, value) {
  if (value === null) {
    throw fail(fn, param, 'a MessagePort or an EventEmitter (worker_threads.parentPort is null outside a worker)', value);
  }
  if (typeof value !== 'object' || typeof value.on !== 'function') {
    throw fail(fn, param, 'a MessagePort or an EventEmitter', value);
  }
  return value;
}

function object(fn, param, value) {
  if (value === null || typeof value !== 'object') throw fail(fn, param, 'an object', value);
  return value;
}

/** Epoch milliseconds: a finite number or a valid Date. */
function instant(fn, param, value) {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw fail(fn, param, 'epoch milliseconds (a number or a Date)', value);
  return ms;
}

function milliseconds(fn, param, value) {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw fail(fn, param, 'milliseconds (a number, 0 or more)', value);
  return value;
}

module.exports = { meterProvider, string, boolean, strings, pairs, members, integer, func, context, emitter, object, instant, milliseconds };
