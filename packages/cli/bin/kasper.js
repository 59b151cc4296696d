#!/usr/bin/env -S node --max-semi-space-size=4
// (A smaller young generation: compiles allocate many short-lived objects, and V8's default
// lets it grow to tens of MiB for no gain in speed here; measured: about 25% less peak memory.)
// The kasper command. Kasper's sources are TypeScript run by Node's type stripping, which
// needs Node 22.18 or later (Kasper targets Node 24 LTS).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `kasper needs Node.js 22.18 or later (24 LTS recommended); this is ${process.version}.\n` +
      'Run it through npm (npx kasper …) after `npm ci` in the Kasper checkout, which brings Node 24.\n',
  );
  process.exit(1);
}
// Cache compiled code between runs: most of a short command's time is start-up.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
// A reader that stops early (`kasper … | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
const { main } = await import('../src/main.ts');
// The process's warnings are printed as the errors are (a package's coded ones with their code).
process.exitCode = await main(process.argv.slice(2), undefined, { warnings: true });
