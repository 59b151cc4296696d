// @kasper/agent: applies a catalog to this host and reports what happened; the agent daemon.
export { resolveDeferred, type DeferredCaller, type DeferredOptions } from './deferred.ts';
export { withLocalFacts, type LocalFactsOptions } from './local-facts.ts';
export { applyCatalog, exitCodeOf, openRunLog, type ApplyOptions, type RunLog } from './apply.ts';
export { pluginsync, pluginfactsync, loadPlugins, type PluginSource } from './plugins.ts';
export { Transaction, type TransactionOptions } from './transaction.ts';
// The report model is @kasper/catalog's; it is re-exported here for code that took it from the agent.
export { Report, type ResourceStatus, type ReportEvent, type LogEntry, type LogLevel, type RunStatus } from '@kasper/catalog';
export { buildGraph, type Graph, type GraphNode } from './graph.ts';
export { AGENT_MESSAGES, AgentError, CertificateRefused, CycleError } from './messages.ts';
export { MasterClient, agentRun, runDaemon, acquireLock, catalogForm, type AgentConfig, type CallOptions, type RunOutcome } from './daemon.ts';
export { FileServer, mountPathOf, type ListOptions, type Metadata, type MasterGet } from './fileserver.ts';
export { expandRecursiveSources, type SourceLister } from './generate.ts';
export { isRevoked, revokedSerials } from './crl.ts';
export { superviseRuns, type SuperviseOptions } from './supervise.ts';
export { RunListener, EventStreamParser, agentSslPaths, type RunRequestEvent, type ListenOptions } from './listen.ts';
