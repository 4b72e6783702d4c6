'use strict';
// @opentelemetry/api is a peer dependency: the app's own copy must be the one used, so
// that the context manager and propagator registered here are the app's. When the
// package is linked rather than copied (`npm install ../path/to/bindings-node` makes a
// symlink), Node resolves from the link's real path, outside the app; look in the app too.
const path = require('node:path');

function appRequire() {
  const from = [process.cwd(), require.main ? path.dirname(require.main.filename) : undefined].filter(Boolean);
  return require(require.resolve('@opentelemetry/api', { paths: from }));
}

let api;
try {
  api = require('@opentelemetry/api');
} catch (error) {
  if (error.code !== 'MODULE_NOT_FOUND') throw error;
  api = appRequire();
}
module.exports = api;
