// `node --import ctxbridge/register app.mjs`: the ESM entry of register.js.
import './register.js';
