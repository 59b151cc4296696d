// What a command that applies a catalog on this host without a master needs (`kasper apply`):
// apart from the package's index so that it never loads the daemon's side — its HTTPS client,
// TLS, zlib, the run-request stream — which a local apply has no use for (docs/performance.md:
// about 4 MiB of memory and 20 ms of CPU for every `kasper apply`).
export { applyCatalog, exitCodeOf, openRunLog, type ApplyOptions, type RunLog } from './apply.ts';
export { withLocalFacts, type LocalFactsOptions } from './local-facts.ts';
