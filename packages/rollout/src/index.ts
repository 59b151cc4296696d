// @kasper/rollout: rolling runs (`kasper run`) — nodes selected by a query, asked to run through
// the master in batches, with hooks and health checks, stopping when too many fail.
export { batchSize, rollout, type NodePhase, type NodeProgress, type RolloutEvents, type RolloutPlan, type RolloutResult } from './rollout.ts';
export { MasterApi, type MasterAddress, type RolloutMaster, type RunAnswer } from './client.ts';
export { ProgressPrinter, progressLine, progressTable, summary } from './progress.ts';
export { ROLLOUT_MESSAGES, RolloutError } from './messages.ts';
export { puppetHookCommand } from './puppet-hook.ts';
