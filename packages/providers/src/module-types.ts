// The types Kasper implements natively that Puppet gets from a module (a Ruby type and
// provider), registered by registry.ts. The compiler still reads the module's type (the module
// has to be on the modulepath); the agent applies it with Kasper's provider.
import type { Provider, TypeDefinition } from './api.ts';
import { fileLineType } from './types/file_line.ts';
import { fileLineRuby } from './providers/file_line.ts';
import { iniSettingType, iniSubsettingType } from './types/ini_setting.ts';
import { iniSettingRuby, iniSubsettingRuby } from './providers/ini_setting.ts';
import { archiveType } from './types/archive.ts';
import { archiveCurl, archiveRuby, archiveWget } from './providers/archive.ts';
import { vcsrepoType } from './types/vcsrepo.ts';
import { vcsrepoGit } from './providers/vcsrepo-git.ts';
import { aptKeyType } from './types/apt_key.ts';
import { aptKeyProvider } from './providers/apt_key.ts';
import { concatFileProvider, concatFileType, concatFragmentProvider, concatFragmentType } from './types/concat.ts';

/** Each type's name → the module Puppet has it from. */
export const MODULE_TYPES: Readonly<Record<string, string>> = {
  file_line: 'stdlib',
  ini_setting: 'inifile',
  ini_subsetting: 'inifile',
  concat_file: 'concat',
  concat_fragment: 'concat',
  archive: 'archive',
  vcsrepo: 'vcsrepo',
  apt_key: 'apt',
};

export const MODULE_TYPE_DEFINITIONS: TypeDefinition[] = [fileLineType, iniSettingType, iniSubsettingType, concatFileType, concatFragmentType, archiveType, vcsrepoType, aptKeyType];

export const MODULE_PROVIDERS: Provider[] = [fileLineRuby, iniSettingRuby, iniSubsettingRuby, concatFileProvider, concatFragmentProvider, archiveCurl, archiveWget, archiveRuby, vcsrepoGit, aptKeyProvider];
