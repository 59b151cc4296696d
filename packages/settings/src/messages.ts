// The settings' messages (see @kasper/diagnostics): kasper.conf that cannot be read, values of
// the wrong type (from a flag or kasper.conf), and names that are no setting.
import { KasperError, defineCatalogue, raiser } from '@kasper/diagnostics';

export const SETTINGS_MESSAGES = defineCatalogue({
  package: 'settings',
  title: 'Settings (`KSP-SETTINGS-…`)',
  intro: 'From reading kasper.conf and resolving flags, for every command. Errors in kasper.conf point at the line; a bad value names where it came from (the flag, or the kasper.conf section).',
  messages: {
    'KSP-SETTINGS-001': { message: 'unknown section [{section}] (main, master, agent or user)', hint: '[server] is the same as [master]; settings before any section are [main]' },
    'KSP-SETTINGS-002': { message: "expected 'key = value' or '[section]', found '{line}'", hint: 'kasper.conf holds `name = value` lines under [section] headers; # starts a comment line' },
    'KSP-SETTINGS-003': { message: "{where}: {name} must be true or false, not '{value}'", hint: 'write true or false' },
    'KSP-SETTINGS-004': { message: "{where}: {name} must be a whole number, not '{value}'", hint: 'write digits only (seconds, a port, a count), without a unit' },
    'KSP-SETTINGS-005': { message: "unknown setting '{name}'", hint: "'kasper config print' lists every setting; docs/settings.md describes them" },
    'KSP-SETTINGS-006': { message: "{where}: {name} must be one of {values}, not '{value}'", hint: "'kasper config print' and docs/cli.md list each setting's values" },
  },
});

/** A kasper.conf or flag value that cannot be used: a KasperError from the catalogue. */
export class SettingsError extends KasperError {}

export const raise = raiser(SETTINGS_MESSAGES, SettingsError);
