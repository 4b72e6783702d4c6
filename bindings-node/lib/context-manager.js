'use strict';
// A ContextManager on AsyncLocalStorage: active() and with() stay in JavaScript, as
// cheap as @opentelemetry/context-async-hooks' manager; bind() covers functions and
// EventEmitters.
const { AsyncLocalStorage } = require('node:async_hooks');
const { EventEmitter } = require('node:events');
const { ROOT_CONTEXT } = require('@opentelemetry/api');

const ADD_METHODS = ['addListener', 'on', 'once', 'prependListener', 'prependOnceListener'];
const LISTENERS = Symbol('ctxbridge.listeners');

class CtxbridgeContextManager {
  constructor() {
    this._storage = new AsyncLocalStorage();
  }

  active() {
    return this._storage.getStore() ?? ROOT_CONTEXT;
  }

  with(context, fn, thisArg, ...args) {
    const callback = thisArg === undefined ? fn : fn.bind(thisArg);
    return this._storage.run(context, callback, ...args);
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

module.exports = { CtxbridgeContextManager };
