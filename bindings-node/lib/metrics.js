'use strict';
// ctxbridge's counters as OpenTelemetry metrics, in the pipeline the service already exports:
// asynchronous counters (read when the SDK collects, so attach and dispose pay nothing for
// them) named by the core, the same in every language: ctxbridge.context.attached,
// ctxbridge.context.detached and ctxbridge.context.misuse, the last with one data point per
// misuse and its kind in the ctxbridge.misuse.kind attribute.
const { metrics } = require('./api');
const native = require('./native');

const TABLE = native.metricTable();
const registered = new WeakSet();

/** stats() field names are camelCase; the core names counters in snake_case. */
const field = (id) => id.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase());

/**
 * Publishes the counters through `meterProvider` (default: the global one). Registering
 * twice with one provider does nothing.
 */
function registerMetrics(meterProvider = metrics.getMeterProvider()) {
  if (registered.has(meterProvider)) return;
  registered.add(meterProvider);
  const meter = meterProvider.getMeter(TABLE.meter, require('../package.json').version);
  for (const instrument of TABLE.instruments) {
    const counter = meter.createObservableCounter(instrument.name, {
      unit: instrument.unit,
      description: instrument.description,
    });
    const { counters } = instrument;
    counter.addCallback((result) => {
      const stats = native.stats();
      if (counters.length === 1) {
        result.observe(stats[field(counters[0])]);
        return;
      }
      for (const id of counters) result.observe(stats[field(id)], { [TABLE.kind]: id });
    });
  }
}

/**
 * For the zero-code path (`--require ctxbridge/register`): registers with the global provider
 * now when one is set, and with the one an SDK sets later (the API has no proxy provider to
 * forward to it).
 */
function registerWithGlobalProvider() {
  const current = metrics.getMeterProvider();
  if (current.constructor?.name !== 'NoopMeterProvider') registerMetrics(current);
  const setGlobal = metrics.setGlobalMeterProvider;
  metrics.setGlobalMeterProvider = function setGlobalMeterProvider(provider) {
    const installed = setGlobal.call(this, provider);
    if (installed) registerMetrics(provider);
    return installed;
  };
}

module.exports = { registerMetrics, registerWithGlobalProvider };
