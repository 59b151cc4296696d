// Puppet's core types beyond the first ones (host, cron, ssh keys, mail aliases, mounts …), with
// their providers: registered by the Registry as Kasper's own.
import type { Provider, TypeDefinition } from './api.ts';
import { hostType } from './types/host.ts';
import { hostParsed } from './providers/host-parsed.ts';
import { cronType } from './types/cron.ts';
import { cronCrontab } from './providers/cron-crontab.ts';
import { sshAuthorizedKeyType, sshkeyType } from './types/ssh.ts';
import { sshAuthorizedKeyParsed, sshkeyParsed } from './providers/ssh-parsed.ts';
import { mailaliasType } from './types/mailalias.ts';
import { mailaliasAliases } from './providers/mailalias-aliases.ts';
import { mountType } from './types/mount.ts';
import { mountParsed } from './providers/mount-parsed.ts';
import { augeasType } from './types/augeas.ts';
import { augeasAugtool } from './providers/augeas-augtool.ts';
import { tidyProvider, tidyType } from './types/tidy.ts';
import { resourcesProvider, resourcesType } from './types/resources.ts';
import { scheduleProvider, scheduleType } from './types/schedule.ts';
import { filebucketProvider, filebucketType } from './types/filebucket.ts';

export const CORE_TYPE_DEFINITIONS: TypeDefinition[] = [hostType, cronType, sshAuthorizedKeyType, sshkeyType, mailaliasType, mountType, augeasType, tidyType, resourcesType, scheduleType, filebucketType];

export const CORE_PROVIDERS: Provider[] = [hostParsed, cronCrontab, sshAuthorizedKeyParsed, sshkeyParsed, mailaliasAliases, mountParsed, augeasAugtool, tidyProvider, resourcesProvider, scheduleProvider, filebucketProvider];
