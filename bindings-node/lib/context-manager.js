'use strict';
// A ContextManager on AsyncLocalStorage. active() and with() stay in JavaScript, as
// cheap as @opentelemetry/context-async-hooks' manager; bind() covers functions and
// EventEmitters. attach() returns a token whose dispose() follows the scope rules of
// DESIGN section 4, decided in Rust (lib/native, src/scope.rs).
//
// The store holds either a Context (from with()) or a Frame (from attach()). A frame
// can be disposed wherever it is on the current store's stack; continuations that
// inherited an attach share it, so the first dispose ends it for all of them and
// active() skips frames already popped.
const { AsyncLocalStorage } = require('node:async_hooks');
const { EventEmitter } = require('node:events');
const { ROOT_CONTEXT, diag } = require('@opentelemetry/api');
const native = require('./native');

const ADD_METHODS = ['addListener', 'on', 'once', 'prependListener', 'prependOnceListener'];
const LISTENERS = Symbol('ctxbridge.listeners');
const LIVE = 0;
const TOMBSTONED = 1;
const POPPED = 2;
// native.detach's misuse codes (src/scope.rs).
const OUT_OF_ORDER = -1;
const DOUBLE_DETACH = -2;

/**
 * One attach: its context, what the store held below it, and its Rust frame. `state`
 * mirrors the Rust frame's (set from what native.detach/exitTask report) so that
 * active() can skip popped frames without a call into Rust.
 */
class Frame {
  constructor(context, below, id) {
    this.context = context;
    this.below = below;
    this.id = id;
    this.state = LIVE;
    this.handle = null;
  }
}

let lastFrameId = 0;
function nextFrameId() {
  lastFrameId = (lastFrameId % 0xfffffffe) + 1; // 0 means "no frame" to the addon
  return lastFrameId;
}

/** The top frame of a store that is still attached (popped ones are skipped). */
function topFrame(store) {
  while (store instanceof Frame && store.state === POPPED) store = store.below;
  return store instanceof Frame ? store : undefined;
}

/** The first thing below the frames of a store: the Context the stack stands on. */
function baseOf(store) {
  while (store instanceof Frame) store = store.below;
  return store;
}

/** file:line of the code that called into ctxbridge, for warn-once-per-site. */
function callerSite() {
  const lines = (new Error().stack || '').split('\n').slice(1);
  const outside = lines.find((line) => !line.includes(__dirname) && !line.includes('node:internal'));
  return (outside || lines[lines.length - 1] || '<unknown>').trim().replace(/^at /, '');
}

/** Logs (warn, once per site) or throws (strict) for a misuse the rules counted. */
function report(misuse) {
  const message = native.judge(misuse, callerSite());
  if (message) diag.warn(message);
}

/** What attach() returns; dispose() undoes the attach under the scope rules. */
class ContextToken {
  constructor(manager, frame) {
    this._manager = manager;
    this._frame = frame;
  }

  /** The context this token attached. */
  get context() {
    return this._frame.context;
  }

  dispose() {
    this._manager._dispose(this._frame);
  }
}
if (typeof Symbol.dispose === 'symbol') {
  ContextToken.prototype[Symbol.dispose] = ContextToken.prototype.dispose;
}

class CtxbridgeContextManager {
  constructor() {
    this._storage = new AsyncLocalStorage();
  }

  active() {
    const store = this._storage.getStore();
    if (store instanceof Frame) {
      const top = topFrame(store);
      return top !== undefined ? top.context : baseOf(store) ?? ROOT_CONTEXT;
    }
    return store ?? ROOT_CONTEXT;
  }

  with(context, fn, thisArg, ...args) {
    const callback = thisArg === undefined ? fn : fn.bind(thisArg);
    return this._storage.run(context, callback, ...args);
  }

  /** Makes `context` current in this async context and its continuations. */
  attach(context) {
    const below = this._storage.getStore();
    const frame = new Frame(context, below, nextFrameId());
    frame.handle = native.attach(topFrame(below)?.handle ?? null, frame.id);
    this._storage.enterWith(frame);
    return new ContextToken(this, frame);
  }

  /**
   * Runs `fn` in `context` as a task (DESIGN rule 6): whatever it leaves attached when
   * it returns is detached and counted as leaked, so nothing reaches the next task.
   * (Attaches made in continuations after the task returned die with those
   * continuations' stores; they are not counted.)
   */
  runTask(context, fn, thisArg, ...args) {
    // run() gives the task its own store, so nothing it does escapes to the caller.
    return this._storage.run(this._storage.getStore(), () => {
      const own = this.attach(context);
      try {
        return fn.apply(thisArg, args);
      } finally {
        this._endTask(own._frame);
        own.dispose();
      }
    });
  }

  bind(context, target) {
    if (target instanceof EventEmitter) return this._bindEventEmitter(context, target);
    if (typeof target === 'function') return this._bindFunction(context, target);
    return target;
  }

  enable() {
    return this;
  }

  disable() {
    this._storage.disable();
    return this;
  }

  _dispose(frame) {
    const store = this._storage.getStore();
    // One number back: the new top's id after a pop (0: the base), or a misuse code.
    const result = native.detach(frame.handle, topFrame(store)?.handle ?? null);
    if (result >= 0) {
      frame.state = POPPED;
      let restored = store;
      while (restored instanceof Frame && restored.id !== result) restored = restored.below;
      this._storage.enterWith(restored);
      return;
    }
    if (result === OUT_OF_ORDER) {
      frame.state = TOMBSTONED;
      return report('out_of_order');
    }
    return report(result === DOUBLE_DETACH ? 'double_detach' : 'wrong_scope');
  }

  /** Pops what the task left attached above its own frame, and makes that frame the top. */
  _endTask(own) {
    const store = this._storage.getStore();
    const top = topFrame(store);
    if (top !== undefined && top !== own) {
      const leaked = native.exitTask(top.handle, own.handle);
      for (let frame = store; frame instanceof Frame && frame !== own; frame = frame.below) frame.state = POPPED;
      this._storage.enterWith(own);
      if (leaked > 0) report('leaked');
    } else if (store !== own) {
      this._storage.enterWith(own);
    }
  }

  _bindFunction(context, target) {
    const manager = this;
    const bound = function (...args) {
      return manager.with(context, () => target.apply(this, args));
    };
    Object.defineProperty(bound, 'length', { enumerable: false, configurable: true, writable: false, value: target.length });
    return bound;
  }

  /** Listeners added to `emitter` from now on run in `context`; removal still works. */
  _bindEventEmitter(context, emitter) {
    if (emitter[LISTENERS] !== undefined) return emitter;
    const manager = this;
    const bound = new Map(); // event -> Map(listener -> its bound version)
    emitter[LISTENERS] = bound;

    const boundVersion = (event, listener) => {
      let byListener = bound.get(event);
      if (byListener === undefined) bound.set(event, (byListener = new Map()));
      let version = byListener.get(listener);
      if (version === undefined) {
        version = manager._bindFunction(context, listener);
        byListener.set(listener, version);
      }
      return version;
    };
    for (const method of ADD_METHODS) {
      const original = emitter[method];
      emitter[method] = function (event, listener) {
        return original.call(this, event, boundVersion(event, listener));
      };
    }
    for (const method of ['removeListener', 'off']) {
      const original = emitter[method];
      emitter[method] = function (event, listener) {
        const version = bound.get(event)?.get(listener);
        if (version !== undefined) bound.get(event).delete(listener);
        return original.call(this, event, version ?? listener);
      };
    }
    const removeAll = emitter.removeAllListeners;
    emitter.removeAllListeners = function (event) {
      if (event === undefined) bound.clear();
      else bound.delete(event);
      return removeAll.apply(this, arguments);
    };
    return emitter;
  }
}

module.exports = { CtxbridgeContextManager, ContextToken };
