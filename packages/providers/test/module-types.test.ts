// The pure parts of the module types, where Kasper decides differently from the modules' bugs
// or has to translate (the differential against Puppet is test/module-types).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileLineRuby } from '../src/providers/file_line.ts';
import { IniFile } from '../src/ini-file.ts';
import { concatContent } from '../src/types/concat.ts';
import type { ProviderContext, Resource } from '../src/api.ts';

const opts = { separator: ' = ', prefix: '[', suffix: ']', indentChar: ' ' };

test("file_line's match and after are Ruby regexps (the catalog's translation); a bad one is the resource's error", async () => {
  const ctx = {} as ProviderContext;
  const line = (params: Record<string, unknown>): Resource => ({ type: 'file_line', title: 'x', ref: 'File_line[x]', name: 'x', params: { path: '/f', line: 'a', ...params }, tags: [] });
  await assert.rejects(fileLineRuby.retrieve(line({ match: '([' }), ctx), /Parameter match failed on File_line\[x\]: invalid regular expression '\(\['/);
  await assert.rejects(fileLineRuby.retrieve(line({ after: '\\A(' }), ctx), /Parameter after failed on File_line\[x\]: invalid regular expression '\\A\('/);
});

test('ini: removing the last setting of a section removes its header, also with blank lines after it (inifile issue 524)', () => {
  const ini = new IniFile('[section1]\nsetting1 = value1\n\n[section2]\nsetting2 = value2\n', opts);
  ini.remove('section1', 'setting1');
  assert.equal(ini.text(), '[section2]\nsetting2 = value2\n');
});

test('ini: a new setting goes after its commented copy, in the section\'s indentation; a new section at the end', () => {
  const ini = new IniFile('[a]\n  x = 1\n  #y = 0\n  z = 3\n', opts);
  ini.set('a', 'y', '2');
  ini.set('b', 'k', 'v');
  assert.equal(ini.text(), '[a]\n  x = 1\n  #y = 0\n  y = 2\n  z = 3\n\n[b]\nk = v\n');
  assert.equal(new IniFile(ini.text(), opts).get('a', 'y'), '2');
});

test('concat: numeric order puts numbers first (2 before 10), then names; alpha order sorts the text', async () => {
  const ctx = {} as ProviderContext;
  const frag = (name: string, order: string, content: string): Resource => ({ type: 'concat_fragment', title: name, ref: `Concat_fragment[${name}]`, name, params: { target: '/f', order, content }, tags: [] });
  const all = [frag('z', 'zz', 'named\n'), frag('ten', '10', 'ten\n'), frag('two', '2', 'two\n'), frag('b', '5', 'five b\n'), frag('a', '5', 'five a\n')];
  const file = (order: string): Resource => ({ type: 'concat_file', title: '/f', ref: 'Concat_file[/f]', name: '/f', params: { order }, tags: [] });
  assert.equal(await concatContent(file('numeric'), all, ctx), 'two\nfive a\nfive b\nten\nnamed\n');
  assert.equal(await concatContent(file('alpha'), all, ctx), 'ten\ntwo\nfive a\nfive b\nnamed\n');
});
