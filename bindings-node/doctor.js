'use strict';
// require('ctxbridge/doctor'): the doctor's test assertion and diagnosis (lib/doctor.js).
module.exports = require('./lib/doctor');
