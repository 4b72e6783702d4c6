// The ESM entry of index.js (`import { stats, CtxbridgeContextManager } from 'ctxbridge'`):
// every name index.js exports, listed so that every Node version sees them all
// (test/esm.test.js checks the list against index.js).
import ctxbridge from './index.js';

export const {
  CtxbridgeContextManager,
  CtxbridgePropagator,
  ContextToken,
  ValidatedTraceState,
  capture,
  carry,
  isCarried,
  contextOf,
  runWorker,
  onMessage,
  inject,
  resume,
  registerMetrics,
  parseTraceparent,
  formatTraceparent,
  parseTracestate,
  encodeTracestate,
  parseBaggage,
  extractBaggage,
  encodeBaggage,
  setMode,
  stats,
  resetStats,
  getMode,
  setAttachSites,
  getAttachSites,
  droppedStats,
} = ctxbridge;
export default ctxbridge;
