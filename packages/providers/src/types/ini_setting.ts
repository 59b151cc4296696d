// ini_setting and ini_subsetting (puppetlabs-inifile): one setting of an INI file, or one item
// of a setting whose value is a list (`JAVA_ARGS="-Xmx1g -Xms512m"`). Values show in messages
// as inifile shows them with show_diff: the value, its md5 (`show_diff => md5`), or hidden
// (`show_diff => false`).
import { createHash } from 'node:crypto';
import { refKey } from '@kasper/catalog';
import { asString, type PropertyDef, type Resource, type TypeDefinition } from '../api.ts';
import { raise } from '../messages.ts';

function showValue(v: unknown, r: Resource): string {
  const mode = String(r.params.show_diff ?? 'true');
  if (v === undefined) return 'absent';
  if (mode === 'md5') return `{md5}${createHash('md5').update(String(v)).digest('hex')}`;
  if (mode === 'false' || mode === 'no') return '[redacted sensitive information]';
  return String(v);
}

/** A value as inifile takes it: strings trimmed, booleans and numbers as text. */
export function iniValue(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  return String(v).trim();
}

const valueProperty: PropertyDef = {
  name: 'value',
  format: showValue,
  // inifile prints values without quotes: `value changed 1 to 2`.
  show: (v, _side, r) => showValue(v, r),
};

function checkCommon(r: Resource, ensures: string[]): void {
  const p = r.params;
  const e = asString(p.ensure) ?? 'present';
  if (!ensures.includes(e)) throw raise('KSP-PROVIDERS-001', { parameter: 'ensure', ref: r.ref, value: e, values: ensures.join(', ') });
  const path = asString(p.path);
  if (path === undefined) throw raise('KSP-PROVIDERS-102', { ref: r.ref, parameter: 'path' });
  if (!path.startsWith('/')) throw raise('KSP-PROVIDERS-002', { ref: r.ref, path });
  const sd = asString(p.show_diff);
  if (sd !== undefined && !['true', 'false', 'md5', 'yes', 'no'].includes(sd)) throw raise('KSP-PROVIDERS-001', { parameter: 'show_diff', ref: r.ref, value: sd, values: 'true, md5, false' });
}

function desired(r: Resource): Record<string, unknown> {
  const ensure = asString(r.params.ensure) ?? 'present';
  const d: Record<string, unknown> = { ensure };
  // refreshonly: the value is only written on refresh; a normal run leaves it as it is.
  if (String(r.params.refreshonly ?? 'false') === 'true') return {};
  if (ensure === 'present' && r.params.value !== undefined) d.value = iniValue(r.params.value);
  return d;
}

const parentFolder = (r: Resource) => {
  const path = asString(r.params.path);
  if (!path) return [];
  const parent = path.replace(/\/[^/]*$/, '') || '/';
  return [refKey('File', parent)];
};

export const iniSettingType: TypeDefinition = {
  name: 'ini_setting',
  namevar: 'name',
  properties: [{ name: 'ensure' }, valueProperty],
  parameters: ['name', 'section', 'setting', 'path', 'force_new_section_creation', 'show_diff', 'key_val_separator', 'section_prefix',
    'section_suffix', 'indent_char', 'indent_width', 'refreshonly', 'provider'],
  refreshable: true,
  validate(r) {
    checkCommon(r, ['present', 'absent']);
    const w = r.params.indent_width;
    if (w !== undefined && !/^\d+$/.test(String(w))) throw raise('KSP-PROVIDERS-001', { parameter: 'indent_width', ref: r.ref, value: String(w), values: 'a number' });
  },
  desired,
  autorequire: parentFolder,
};

export const iniSubsettingType: TypeDefinition = {
  name: 'ini_subsetting',
  namevar: 'name',
  properties: [{ name: 'ensure' }, valueProperty],
  parameters: ['name', 'section', 'setting', 'subsetting', 'subsetting_separator', 'subsetting_key_val_separator', 'path', 'show_diff',
    'key_val_separator', 'quote_char', 'use_exact_match', 'insert_type', 'insert_value', 'delete_if_empty', 'provider'],
  validate(r) {
    checkCommon(r, ['present', 'absent']);
    const q = asString(r.params.quote_char);
    if (q !== undefined && !['', '"', "'"].includes(q)) throw raise('KSP-PROVIDERS-107', { ref: r.ref });
    const it = asString(r.params.insert_type);
    const types = ['start', 'end', 'before', 'after', 'index'];
    if (it !== undefined && !types.includes(it)) throw raise('KSP-PROVIDERS-001', { parameter: 'insert_type', ref: r.ref, value: it, values: types.join(', ') });
  },
  desired(r) {
    const ensure = asString(r.params.ensure) ?? 'present';
    const d: Record<string, unknown> = { ensure };
    if (ensure === 'present' && r.params.value !== undefined) d.value = String(r.params.value);
    return d;
  },
  autorequire: parentFolder,
};
