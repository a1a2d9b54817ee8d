#!/usr/bin/env node
// `npx mptcp-lab two-vlan` runs exactly what `npm run lab -- two-vlan` runs: the CLI in this
// process (so signals reach the lab), with tsx loading the TypeScript sources as
// `node --import tsx` does (tsx's entry registers its hooks for require and import).
'use strict';
void (async () => {
  await import('tsx');
  const { runCli } = require('./main.ts');
  runCli(process.argv.slice(2));
})();
