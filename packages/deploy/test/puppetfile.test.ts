// The Puppetfile as data: r10k's declarations, and an error with its line for anything else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePuppetfile } from '../src/index.ts';

test('r10k declarations: hash rockets and labels, continuation lines, comments, moduledir, :local', () => {
  const pf = parsePuppetfile(`# a comment
forge "https://forgeapi.puppet.com"
moduledir 'vendor/modules'
mod 'puppetlabs/apache',
  :git => 'https://git.example.com/apache.git', # trailing comment
  :tag => 'v11.1.0'
mod('puppetlabs-ntp', git: 'git@git.example.com:ntp.git', branch: 'main')
mod 'stdlib', :git => '/srv/git/stdlib.git', :commit => '4c6d0b8'
mod 'concat', :git => 'file:///srv/git/concat.git', :ref => 'v9.0.0'
mod 'plain', :git => '/srv/git/plain.git'
mod 'site', :local => true
`);
  assert.equal(pf.moduledir, 'vendor/modules');
  assert.deepEqual(pf.modules, [
    { kind: 'git', name: 'apache', url: 'https://git.example.com/apache.git', ref: { kind: 'tag', value: 'v11.1.0' }, line: 4 },
    { kind: 'git', name: 'ntp', url: 'git@git.example.com:ntp.git', ref: { kind: 'branch', value: 'main' }, line: 7 },
    { kind: 'git', name: 'stdlib', url: '/srv/git/stdlib.git', ref: { kind: 'commit', value: '4c6d0b8' }, line: 8 },
    { kind: 'git', name: 'concat', url: 'file:///srv/git/concat.git', ref: { kind: 'ref', value: 'v9.0.0' }, line: 9 },
    { kind: 'git', name: 'plain', url: '/srv/git/plain.git', ref: undefined, line: 10 },
    { kind: 'local', name: 'site', line: 11 },
  ]);
});

test('what is refused, with the line', () => {
  const refused: [string, RegExp][] = [
    ["mod 'a', :git => 'x'\nmod 'puppetlabs/stdlib', '9.0.0'\n", /^Puppetfile:2: forge module 'puppetlabs\/stdlib' is not supported: no network forge access$/],
    ["mod 'puppetlabs/stdlib'\n", /Puppetfile:1: forge module/],
    ["mod 'puppetlabs/stdlib', :latest\n", /Puppetfile:1: forge module/],
    ["\n\nmod 'a', :svn => 'x'\n", /^Puppetfile:3: option :svn is not supported/],
    ["mod 'a', :git => 'x', :tag => 'v1', :branch => 'b'\n", /Puppetfile:1: module 'a' gives more than one of/],
    ["mod 'a', :tag => 'v1'\n", /needs :git => URL/],
    ["mod 'a', :git => 'x'\nmod 'b/a', :git => 'y'\n", /Puppetfile:2: module 'a' is declared twice/],
    ["mod 'Bad Name', :git => 'x'\n", /is not a module name/],
    ["mod 'a', :git => '--upload-pack=touch /tmp/x'\n", /is not a git URL/],
    ["mod 'a', :git => 'x', :ref => '--all'\n", /is not a ref/],
    ["moduledir '../../etc'\n", /must be a relative folder inside the environment/],
    ["moduledir '/etc'\n", /must be a relative folder/],
    ["system('rm -rf /')\n", /^Puppetfile:1: 'system' is not understood/],
    ['mod "a", :git => "#{ENV[\'X\']}"\n', /interpolation/],
    ["mod 'a', :git => 'x\n", /does not end/],
    ["mod 'a', :git => 'x'; mod 'b'\n", /unexpected ';'/],
  ];
  for (const [text, message] of refused) assert.throws(() => parsePuppetfile(text), (e: Error) => message.test(e.message), text);
});
