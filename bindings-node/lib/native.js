'use strict';
// The N-API addon, built from source by `npm install` (scripts/build-addon.js).
const path = require('node:path');

module.exports = require(path.join(__dirname, '..', 'ctxbridge.node'));
