// @kasper/settings: every setting in one table, resolved flags > kasper.conf > defaults.
export {
  SETTINGS, SETTING_NAMES, SECTION_OF, isSettingName, settingDef,
  type CommandName, type Section, type Kind, type SettingDef, type SettingName, type SettingValues, type SettingsFor, type SettingsOf,
  type DefaultContext,
} from './table.ts';
export {
  Resolver, SettingsError, parseConf, readConf, resolveSettings, printSettings, settingsOfSection, formatValue,
  type ConfFile, type ResolveOptions, type Source,
} from './resolve.ts';
export { SETTINGS_MESSAGES } from './messages.ts';
