export { safeJoin, printable, UnsafePathError, type SafeJoinOptions } from './safe-join.ts';
export { writeFileAtomic } from './atomic.ts';
export { jsonChunks } from './json.ts';
export { MODULE_NAME, modulesOnPath, type ModuleOnPath } from './modules.ts';
export { FILES_MESSAGES } from './messages.ts';
export { privateCacheDir, pruneOldest } from './cache.ts';
