#!/usr/bin/env node
'use strict';
// `npx ctxbridge-doctor`: names each broken context hand-off in a trace (--help).
process.exitCode = require('../lib/doctor').main();
