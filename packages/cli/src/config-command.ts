// `kasper config print`: arguments only; the work is @kasper/settings' printSettings.
import { Command, Option } from 'commander';
import type { Output } from './output.ts';
import { settingOptions } from './settings.ts';

export function configCommand(out: Output): Command {
  const print = settingOptions(new Command('print')
    .description('print the effective settings, like puppet config print: one name prints its value, '
      + 'several or none print "name = value" lines; flags given here win as they would for the command')
    .argument('[names...]', 'settings to print (default: every one the section uses)')
    .addOption(new Option('--section <section>', 'resolve as the commands reading this kasper.conf section do')
      .choices(['main', 'master', 'agent', 'user']).default('main')), 'all')
    .action(async (names: string[], opts: Record<string, unknown> & { section: 'main' | 'master' | 'agent' | 'user' }) => {
      const { printSettings } = await import('@kasper/settings');
      const { fromFlags } = await import('./settings.ts');
      // A SettingsError (unknown setting, a bad value) reaches main, which prints it with its code.
      out.stdout(await printSettings(names, opts.section, fromFlags(opts)));
    });
  return new Command('config').description('the settings commands resolve from flags, kasper.conf and defaults: print').addCommand(print);
}
