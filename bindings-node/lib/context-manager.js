'use strict';
// A ContextManager on AsyncLocalStorage. active() and with() stay in JavaScript, as
// cheap as @opentelemetry/context-async-hooks' manager; bind() covers functions and
// EventEmitters. attach() returns a token whose dispose() follows the scope rules of
// DESIGN section 4, decided in Rust (lib/native, src/scope.rs).
//
// The store holds either a Context (from with()) or a Frame (from attach()). The stack is
// the core's: a Frame holds its context and its Rust frame, which keeps the store it was
// attached over; JavaScript keeps no link between frames and no copy of their states. A
// frame can be disposed wherever it is on the current store's stack; continuations that
// inherited an attach share it, so the first dispose ends it for all of them. A dispose,
// in order or out of order, makes current what the store held before that attach (rule 3):
// the core hands that store back.
const { AsyncLocalStorage } = require('node:async_hooks');
const { EventEmitter } = require('node:events');
const path = require('node:path');
const { isMainThread } = require('node:worker_threads');
const { ROOT_CONTEXT, diag } = require('./api');
const native = require('./native');
const args = require('./args');

const ADD_METHODS = ['addListener', 'on', 'once', 'prependListener', 'prependOnceListener'];
// native.detach's codes, from the core (bridge::codes::DetachCode).
const { ALREADY_ENDED, OUT_OF_ORDER, DOUBLE_DETACH } = native.detachCodes();

// How many times the core may have ended frames (a dispose, a task's end). A frame the core
// found live at the current count is read without a call into Rust; after it, the core says.
let endings = 0;

let lastFrameId = 0;
function nextFrameId() {
  lastFrameId = (lastFrameId % 0xfffffffe) + 1; // 0 means "no frame" to the addon
  return lastFrameId;
}
// Attaches made so far by every manager: with() compares it to tell whether its callback
// attached (and so whether its store needs a look); a frame's `seq` is its attach's number.
let attaches = 0;

/**
 * One attach: its context, its Rust frame (`handle`), and the task it was made in. `live`
 * is the value of `endings` at which the core last found it live.
 */
class Frame {
  constructor(context, handle, task) {
    this.context = context;
    this.handle = handle;
    this.task = task;
    this.live = endings;
    this.seq = ++attaches;
  }
}

/**
 * A task run by runTask (DESIGN rule 6): the frame its wrapper attached, and the frames
 * attached in it, in any of its continuations, so that what it leaves attached is found
 * when it ends, however many awaits later.
 */
class Task {
  constructor(own) {
    this.own = own;
    this.frames = new Set();
  }
}

/**
 * What a store stands on now: the store itself while its frame is live, else what the core
 * says is under that frame once it ended (a frame live below it, or the store under the
 * whole stack).
 */
function standing(store) {
  while (store instanceof Frame && store.live !== endings) {
    const below = native.resolve(store.handle);
    if (below === true) {
      store.live = endings;
      break;
    }
    store = below ?? undefined;
  }
  return store;
}

/** Whether a value is a promise or another thenable. */
function isThenable(value) {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof value.then === 'function';
}

// Frames that are not the caller: ctxbridge's own, Node's internals, and OpenTelemetry's
// context API (context.with and the like). An instrumentation's frames are: when one leaks
// an attach, it is the culprit to name.
const CONTEXT_API = `${path.sep}@opentelemetry${path.sep}api${path.sep}`;

function isLibrary(line) {
  return line.includes(__dirname) || line.includes('node:internal') || line.includes(CONTEXT_API);
}

/** V8's call sites as they are, unformatted (formatting a whole stack costs most of it). */
function rawCallSites(_error, callSites) {
  return callSites;
}

/** How a call site reads in a stack trace: `fn (file:line:column)` or `file:line:column`. */
function describeSite(site) {
  const where = `${site.getFileName() ?? '<anonymous>'}:${site.getLineNumber()}:${site.getColumnNumber()}`;
  const name = site.getFunctionName();
  return name ? `${name} (${where})` : where;
}

/** file:line of the code that called into ctxbridge (the first frame outside it and the API). */
function callerSite() {
  const { stackTraceLimit, prepareStackTrace } = Error;
  Error.stackTraceLimit = 50;
  Error.prepareStackTrace = rawCallSites;
  const holder = {};
  Error.captureStackTrace(holder, callerSite);
  const sites = holder.stack;
  Error.prepareStackTrace = prepareStackTrace;
  Error.stackTraceLimit = stackTraceLimit;
  if (!Array.isArray(sites) || sites.length === 0) return '<unknown>';
  const outside = sites.find((site) => !isLibrary(site.getFileName() ?? ''));
  return describeSite(outside ?? sites[sites.length - 1]);
}

// CTXBRIDGE_MODE and CTXBRIDGE_ATTACH_SITES, read by the core as every binding reads them. A
// bad value changes nothing and is a process warning (once, from the main thread), since
// no diag logger is set this early.
for (const problem of native.configureFromEnv()) {
  if (isMainThread) process.emitWarning(`ctxbridge: ${problem}`, { code: 'CTXBRIDGE_SETTING' });
}

// Whether each attach notes its caller's site (CTXBRIDGE_ATTACH_SITES or setAttachSites()):
// a stack walk per attach, so off by default. Read once here; workers read the core's
// switch when they load the module.
let recordSites = native.getAttachSites();

/** Turns attach-site recording on or off (the core's switch and this thread's copy). */
function setAttachSites(on) {
  native.setAttachSites(on);
  recordSites = on;
}

/**
 * Logs (warn, once per site) or throws (strict) for a misuse the rules counted. What strict
 * mode throws is an Error with a stable `code` ('CTXBRIDGE_MISUSE', as Node's own errors
 * carry theirs) and the misuse's id as `misuse`, so a caller can tell it from others.
 */
function report(misuse) {
  let message;
  try {
    message = native.judge(misuse, callerSite());
  } catch (error) {
    throw Object.assign(new Error(error.message), { code: 'CTXBRIDGE_MISUSE', misuse });
  }
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
    // The task (runTask) the caller runs in, followed into every continuation.
    this._tasks = new AsyncLocalStorage();
    // Emitters this manager's bind() patched: emitter -> its listeners' bound versions.
    this._patched = new WeakMap();
  }

  active() {
    let store = this._storage.getStore();
    if (store instanceof Frame) {
      if (store.live === endings) return store.context;
      store = standing(store);
      if (store instanceof Frame) return store.context;
    }
    return store ?? ROOT_CONTEXT;
  }

  with(context, fn, thisArg, ...args) {
    const callback = thisArg === undefined ? fn : fn.bind(thisArg);
    const mark = attaches;
    try {
      return this._storage.run(context, callback, ...args);
    } finally {
      // Given the store already current, AsyncLocalStorage.run() runs the callback in place
      // and restores nothing, so an attach left inside would stay in the caller's store. A
      // run that was not in place has put back a store older than the callback; a frame made
      // during it still current means the run was in place: put the caller's store back.
      if (attaches !== mark) {
        const store = this._storage.getStore();
        if (store instanceof Frame && store.seq > mark) this._storage.enterWith(context);
      }
    }
  }

  /** Makes `context` current in this async context and its continuations. */
  attach(context) {
    return new ContextToken(this, this._push(args.context('CtxbridgeContextManager.attach', 'context', context)));
  }

  /**
   * Runs `fn` in `context` as a task (DESIGN rule 6): whatever it leaves attached is
   * detached and counted as leaked when it ends, so nothing reaches the next task. A task
   * that returns a promise (an async function) ends when that promise settles: its
   * context holds across every await, and attaches left by any of its continuations
   * are counted then. The result (or a promise of it) is returned.
   */
  runTask(context, fn, thisArg, ...fnArgs) {
    args.context('CtxbridgeContextManager.runTask', 'context', context);
    args.func('CtxbridgeContextManager.runTask', 'fn', fn);
    // The caller's store comes back however the task ends, so nothing the task does
    // escapes to the caller. (AsyncLocalStorage.run() cannot be relied on for it: given the
    // store already current it runs the callback in place, and each task's attach would
    // stay in the caller's store, every task stacking its frame on the one before.)
    const outer = this._storage.getStore();
    try {
      const task = new Task(this._push(context));
      let result;
      try {
        result = this._tasks.run(task, () => fn.apply(thisArg, fnArgs));
      } catch (error) {
        this._endTask(task, false);
        throw error;
      }
      if (!isThenable(result)) {
        this._endTask(task, true);
        return result;
      }
      return Promise.resolve(result).then(
        (value) => {
          this._endTask(task, true);
          return value;
        },
        (error) => {
          this._endTask(task, false);
          throw error;
        },
      );
    } finally {
      this._storage.enterWith(outer);
    }
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
    this._tasks.disable();
    return this;
  }

  /** Attaches a frame for `context` on top of the current store. */
  _push(context) {
    const below = this._storage.getStore();
    const task = this._tasks.getStore();
    const handle = native.attach(below instanceof Frame ? below.handle : null, below, nextFrameId());
    if (recordSites) native.noteSite(handle, callerSite());
    const frame = new Frame(context, handle, task);
    if (task !== undefined) task.frames.add(frame);
    this._storage.enterWith(frame);
    return frame;
  }

  _dispose(frame) {
    const store = this._storage.getStore();
    // In order, the answer is the store the frame was attached over; else a detach code.
    const result = native.detach(frame.handle, store instanceof Frame ? store.handle : null);
    if (typeof result !== 'number' || result === OUT_OF_ORDER) {
      // The frame ended (out of order, the live frames above it with it, counted as leaked
      // in Rust): the store goes back to what it was attached over.
      endings++;
      frame.task?.frames.delete(frame);
      this._storage.enterWith((typeof result === 'number' ? native.below(frame.handle) : result) ?? undefined);
      if (result === OUT_OF_ORDER) report('out_of_order');
      return;
    }
    if (result === ALREADY_ENDED) return;
    report(result === DOUBLE_DETACH ? 'double_detach' : 'wrong_scope');
  }

  /**
   * Ends a task: detaches its own frame and every frame attached in it and not disposed
   * (one Rust call each, ending the stack from it down to the task's frame; the core counts
   * only frames still live). `reportLeaks` is false when the task threw: strict mode must
   * not hide its error.
   */
  _endTask(task, reportLeaks) {
    const { own } = task;
    let leaked = 0;
    let ended = false;
    for (const frame of task.frames) {
      if (frame !== own) {
        leaked += native.exitTask(frame.handle, own.handle);
        ended = true;
      }
    }
    task.frames.clear();
    if (!ended) native.exitTask(null, own.handle);
    endings++;
    if (leaked > 0) {
      try {
        report('leaked');
      } catch (strict) {
        if (reportLeaks) throw strict;
      }
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

  /**
   * Listeners added to `emitter` from now on run in `context`; removing them still works.
   * An emitter is patched once per manager (each manager keeps its own record, so two
   * managers can both bind one emitter). `once` is wrapped once: Node's `once` adds its
   * own wrapper through `on`, which the patched `on` must pass through untouched, or
   * `removeListener` could no longer find the listener.
   */
  _bindEventEmitter(context, emitter) {
    if (this._patched.has(emitter)) return emitter;
    const manager = this;
    const bound = new Map(); // event -> WeakMap(listener -> its bound version)
    this._patched.set(emitter, bound);
    let adding = false; // inside one of our add methods: a nested add is Node's own

    const boundVersion = (event, listener) => {
      let byListener = bound.get(event);
      if (byListener === undefined) bound.set(event, (byListener = new WeakMap()));
      let version = byListener.get(listener);
      if (version === undefined) {
        version = manager._bindFunction(context, listener);
        byListener.set(listener, version);
      }
      return version;
    };
    for (const method of ADD_METHODS) {
      const original = emitter[method];
      if (typeof original !== 'function') continue;
      emitter[method] = function (event, listener) {
        if (adding || typeof listener !== 'function') return original.call(this, event, listener);
        adding = true;
        try {
          return original.call(this, event, boundVersion(event, listener));
        } finally {
          adding = false;
        }
      };
    }
    for (const method of ['removeListener', 'off']) {
      const original = emitter[method];
      if (typeof original !== 'function') continue;
      emitter[method] = function (event, listener) {
        const version = bound.get(event)?.get(listener);
        return original.call(this, event, version ?? listener);
      };
    }
    const removeAll = emitter.removeAllListeners;
    if (typeof removeAll === 'function') {
      emitter.removeAllListeners = function (event) {
        if (event === undefined) bound.clear();
        else bound.delete(event);
        return removeAll.apply(this, arguments);
      };
    }
    return emitter;
  }
}

module.exports = { CtxbridgeContextManager, ContextToken, setAttachSites };
