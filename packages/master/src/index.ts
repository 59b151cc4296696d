// @kasper/master: the server side of a Kasper fleet.
export { startMaster, type Master, type MasterConfig } from './server.ts';
export { CompilePool, type CompileJob, type CompileResult } from './compile-pool.ts';
