export { buildMaster, startMaster, type BuiltMaster, type BuildOptions, type Exchange, type Master, type RouteInfo } from './app.ts';
export type { MasterConfig } from './config.ts';
export type { Identity, Identify } from './identity.ts';
export { MASTER_MESSAGES } from './messages.ts';
