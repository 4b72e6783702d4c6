// The ESM app for `node --import ctxbridge/register`.
import { context, propagation } from '@opentelemetry/api';

console.log('RESULT ' + JSON.stringify({ manager: context._getContextManager().constructor.name, propagator: propagation._getGlobalPropagator().constructor.name }));
