// The timezone fact against Facter's answer: Ruby's strftime('%Z') on the C library's local time,
// recorded by test/timezone/regenerate.sh for zone files, POSIX rules, a moment before a zone's
// first transition and moments after its last one (where the file's POSIX rule decides).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zoneAbbreviation } from '../src/timezone.ts';

const cases = JSON.parse(readFileSync(join(import.meta.dirname, 'timezone/expected.json'), 'utf8')) as { tz: string; seconds: number; zone: string }[];

test('the timezone fact is what Facter (Ruby on glibc) says for each TZ and moment', { skip: !existsSync('/usr/share/zoneinfo/Europe/Berlin') && 'no tzdata here' }, () => {
  const wrong = cases.filter((c) => zoneAbbreviation(new Date(c.seconds * 1000), c.tz) !== c.zone)
    .map((c) => `TZ=${JSON.stringify(c.tz)} at ${c.seconds}: ${JSON.stringify(zoneAbbreviation(new Date(c.seconds * 1000), c.tz))}, Facter ${JSON.stringify(c.zone)}`);
  assert.deepEqual(wrong, []);
  assert.ok(cases.length >= 100);
});

test('without TZ the zone is /etc/localtime\'s', () => {
  const at = new Date(1750000000 * 1000);
  assert.equal(zoneAbbreviation(at, undefined), existsSync('/etc/localtime') ? zoneAbbreviation(at, '/etc/localtime') : 'UTC');
  assert.equal(zoneAbbreviation(at, ':'), zoneAbbreviation(at, undefined));
});
