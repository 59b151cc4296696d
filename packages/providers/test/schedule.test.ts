// Schedules at fixed times (the differential case can only use schedules that hold all day).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scheduleMatches } from '../src/index.ts';

const at = (d: string) => new Date(d); // local time
const sat2300 = at('2026-11-28T23:00:00'); // a Saturday
const sun0200 = at('2026-11-29T02:00:00');
const sat0200 = at('2026-11-28T02:00:00');

test('a range within the day holds inside it, its ends included', () => {
  assert.equal(scheduleMatches({ range: '1:30 - 4:30' }, 0, at('2026-11-28T01:30:00')), true);
  assert.equal(scheduleMatches({ range: '1:30 - 4:30' }, 0, at('2026-11-28T04:30:00')), true);
  assert.equal(scheduleMatches({ range: '1:30 - 4:30' }, 0, at('2026-11-28T04:30:01')), false);
  assert.equal(scheduleMatches({ range: ['1 - 2', '22 - 23'] }, 0, at('2026-11-28T22:15:00')), true);
});

test('a range across midnight counts the weekday it started on (Puppet\'s example)', () => {
  const window = { range: '22:00 - 04:00', weekday: 'Saturday' };
  assert.equal(scheduleMatches(window, 0, sat2300), true);
  assert.equal(scheduleMatches(window, 0, sun0200), true);
  assert.equal(scheduleMatches(window, 0, sat0200), false);
});

test('weekdays by name, abbreviation and number', () => {
  assert.equal(scheduleMatches({ weekday: ['Sat'] }, 0, sat0200), true);
  assert.equal(scheduleMatches({ weekday: [0, 'mon'] }, 0, sat0200), false);
  assert.equal(scheduleMatches({ weekday: '0' }, 0, sun0200), true);
});

test('periods by distance (with repeat) and by number; never never holds', () => {
  const now = at('2026-11-28T12:00:00');
  assert.equal(scheduleMatches({ period: 'daily' }, 0, now), true, 'never checked');
  assert.equal(scheduleMatches({ period: 'daily' }, now.getTime() - 3600e3, now), false);
  assert.equal(scheduleMatches({ period: 'daily', repeat: 24 }, now.getTime() - 3600e3, now), true);
  assert.equal(scheduleMatches({ period: 'hourly', periodmatch: 'number' }, at('2026-11-28T11:59:00').getTime(), now), true);
  assert.equal(scheduleMatches({ period: 'daily', periodmatch: 'number' }, at('2026-11-28T00:01:00').getTime(), now), false);
  assert.equal(scheduleMatches({ period: 'never' }, 0, now), false);
});
