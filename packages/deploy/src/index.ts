export { DEPLOY_MESSAGES } from './messages.ts';
export { parsePuppetfile, type Puppetfile, type PuppetfileModule } from './puppetfile.ts';
export { checkLinks, exportCommit } from './tree.ts';
export {
  DEPLOY_MARKER, checkUpdates, codeStatus, deployAll, deployBranch, deployUpdates, initRepo, parseRefUpdates, removeEnvironment, repoOf,
  type CodeOptions, type DeployMarker, type DeployResult, type EnvironmentStatus,
} from './deploy.ts';
