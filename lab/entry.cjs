// require('mptcp-lab'): the public API (lab/index.ts), its TypeScript loaded by tsx.
'use strict';
require('tsx/cjs/api').register();
module.exports = require('./index.ts');
