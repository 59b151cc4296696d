export { DEPLOY_MESSAGES } from './messages.ts';
export { parsePuppetfile, type Puppetfile, type PuppetfileModule } from './puppetfile.ts';
export { checkLinks, exportCommit } from './tree.ts';
export {
  DEPLOY_MARKER, checkUpdates, discardStaged, stageBranch, codeStatus, deployAll, deployBranch, deployUpdates, initRepo, parseRefUpdates, removeEnvironment, repoOf,
  type CodeOptions, type DeployMarker, type DeployResult, type EnvironmentStatus, type StagedTree,
} from './deploy.ts';
export { checkPush, refusal, type BranchVerdict, type FleetNode, type PushCheckOptions, type PushGate } from './push.ts';
export { KEEP_DIFF_REPORTS, diffsDir, listDiffReports, readDiffReport, saveDiffReport, type PushDiffRecord } from './reports.ts';
