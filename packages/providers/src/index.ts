// @kasper/providers: resource types (what can be managed) and providers (how, on this host).
export * from './api.ts';
export { PROVIDERS_MESSAGES, ProviderError } from './messages.ts';
export { Registry, MODULE_TYPES, hostDefaultProviders } from './registry.ts';
export { detectHost } from './host.ts';
export { SystemExecutor, RecordedExecutor, runChecked, type Executor, type CommandResult, type RunOptions } from './executor.ts';
export { FileBucket, type BucketEntry } from './filebucket.ts';
export { md5, contentChecksum, contentDiff, DEFAULT_DIGEST, FILE_CHECKSUMS } from './types/file.ts';
export { splitCommand } from './providers/exec-posix.ts';
export { parseIsEnabled, unitName } from './providers/service-systemd.ts';
export { ruleOf, fingerprint, type FirewallRule } from './types/firewall.ts';
export { nftExpression, TABLE as NFT_TABLE } from './providers/firewall-nftables.ts';
export { iptablesArgs } from './providers/firewall-iptables.ts';
export { flushTextFiles, textFile, type FlushFailure } from './textfile.ts';
export { scheduleMatches, findSchedule, DEFAULT_SCHEDULES } from './types/schedule.ts';
