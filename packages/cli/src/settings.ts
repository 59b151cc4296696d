// The CLI's side of @kasper/settings: options built from the settings table, and what the
// resolver needs from this host.
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { SETTINGS, settingDef, type CommandName, type ResolveOptions, type SettingName } from '@kasper/settings';

/**
 * Adds the flags of the settings `which` names (a command: every setting it uses; 'all': every
 * setting with a flag), in the table's order, each with its description and default.
 */
export function settingOptions(cmd: Command, which: CommandName | 'all' | SettingName[]): Command {
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    const def = settingDef(name);
    if (!def.flag) continue;
    const wanted = which === 'all' || (Array.isArray(which) ? which.includes(name) : def.commands.includes(which));
    if (wanted) cmd.option(def.flag, def.kind === 'boolean' ? def.description : `${def.description} (default: ${def.defaultText})`);
  }
  return cmd;
}

/** Resolver options for a command's flags; this host's fqdn is asked only when a default needs it. */
export function fromFlags(flags: object): ResolveOptions {
  return {
    flags: flags as Record<string, unknown>,
    host: {
      fqdn: async () => {
        const { collectFacts } = await import('@kasper/facts');
        const { fqdn } = await collectFacts({ names: ['fqdn'] });
        return typeof fqdn === 'string' && fqdn ? fqdn : hostname();
      },
    },
  };
}
