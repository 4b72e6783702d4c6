'use strict';
// Headers a remote caller sent that the core dropped (a bad tracestate, a bad baggage
// member, baggage past its limits): counted per rule in the core, and logged once per rule
// through diag's warn level, naming the rule and never the value.
const { diag } = require('./api');
const native = require('./native');

/** Logs each rule dropped for the first time (the core words the message). */
function reportDrops() {
  for (const report of native.takeDropReports()) diag.warn(report);
}

/** After an extract whose answer carries no pending bit: report what it dropped, if any. */
function reportPendingDrops() {
  if (native.dropsPending()) reportDrops();
}

/** How many drops each rule counted (`{ 'baggage.key': 3 }`), the rules that counted any. */
function droppedStats() {
  return native.droppedCounts();
}

// A baggage extract calls reportDrops itself when a drop waits (one load in Rust otherwise).
native.setDropReporter(reportDrops);

module.exports = { reportDrops, reportPendingDrops, droppedStats };
