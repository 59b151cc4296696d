// PQL → AST: the shapes PuppetDB's own transform gives (so `ast_only` answers agree), and errors
// that say where.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePql, QueryError } from '../src/index.ts';

const cases: [string, unknown][] = [
  ['nodes {}', ['from', 'nodes']],
  ['facts[] {}', ['from', 'facts']],
  ['nodes { certname = "macbook-pro.local" }', ['from', 'nodes', ['=', 'certname', 'macbook-pro.local']]],
  ['nodes[certname] { certname ~ "^web" }', ['from', 'nodes', ['extract', ['certname'], ['~', 'certname', '^web']]]],
  ['nodes[certname, latest_report_status]{report_timestamp<="2016-08-03 00:00:00"}',
    ['from', 'nodes', ['extract', ['certname', 'latest_report_status'], ['<=', 'report_timestamp', '2016-08-03 00:00:00']]]],
  ['facts[name, count()] { group by name }', ['from', 'facts', ['extract', ['name', ['function', 'count']], ['group_by', 'name']]]],
  ['facts[name, count(value)] { certname ~ "^web.*" group by name }',
    ['from', 'facts', ['extract', ['name', ['function', 'count', 'value']], ['~', 'certname', '^web.*'], ['group_by', 'name']]]],
  ['reports[count(), to_string(receive_time, "DAY")]{group by to_string(receive_time, "DAY")}',
    ['from', 'reports', ['extract', [['function', 'count'], ['function', 'to_string', 'receive_time', 'DAY']], ['group_by', ['function', 'to_string', 'receive_time', 'DAY']]]]],
  ['nodes { certname in facts[certname] { value = "foo" } }', ['from', 'nodes', ['in', 'certname', ['from', 'facts', ['extract', ['certname'], ['=', 'value', 'foo']]]]]],
  ['facts { [certname, name] in fact_contents[certname, name] { value ~ "a" } }',
    ['from', 'facts', ['in', ['certname', 'name'], ['from', 'fact_contents', ['extract', ['certname', 'name'], ['~', 'value', 'a']]]]]],
  ['nodes { certname in ["foo", "bar", "baz"] }', ['from', 'nodes', ['in', 'certname', ['array', ['foo', 'bar', 'baz']]]]],
  ['nodes { deactivated is null }', ['from', 'nodes', ['null?', 'deactivated', true]]],
  ['nodes { deactivated is not null }', ['from', 'nodes', ['null?', 'deactivated', false]]],
  ['fact_contents { path ~> ["networking","interfaces",".*","mac"] }', ['from', 'fact_contents', ['~>', 'path', ['networking', 'interfaces', '.*', 'mac']]]],
  // Precedence: ! binds tighter than and, and than or; both fold to the right as PuppetDB's do.
  ['facts { name ~ "^operating" and ( name ~ "system" or value = "FlowerOS" ) }',
    ['from', 'facts', ['and', ['~', 'name', '^operating'], ['or', ['~', 'name', 'system'], ['=', 'value', 'FlowerOS']]]]],
  ["nodes { !(certname = 'a' and report_environment = 'b') or certname = 'c' }",
    ['from', 'nodes', ['or', ['not', ['and', ['=', 'certname', 'a'], ['=', 'report_environment', 'b']]], ['=', 'certname', 'c']]]],
  ['nodes { a = 1 and b = 2 and c = 3 }', ['from', 'nodes', ['and', ['=', 'a', 1], ['and', ['=', 'b', 2], ['=', 'c', 3]]]]],
  ['nodes { facts { name = "operatingsystem" and value = "Debian" } and certname ~ "^web" }',
    ['from', 'nodes', ['and', ['subquery', 'facts', ['and', ['=', 'name', 'operatingsystem'], ['=', 'value', 'Debian']]], ['~', 'certname', '^web']]]],
  ['reports {certname ~ "web.*" order by receive_time desc, certname limit 10 offset 5}',
    ['from', 'reports', ['~', 'certname', 'web.*'], ['order_by', [['receive_time', 'desc'], 'certname']], ['limit', 10], ['offset', 5]]],
  ['inventory[certname, facts.os.family] { facts.processors.models[0] ~ "Intel" and trusted."a.b".c = -4.5E2 }',
    ['from', 'inventory', ['extract', ['certname', 'facts.os.family'], ['and', ['~', 'facts.processors.models[0]', 'Intel'], ['=', 'trusted."a.b".c', -450]]]]],
  ['nodes { certname != "a" and x !~ "b" }', ['from', 'nodes', ['and', ['not', ['=', 'certname', 'a']], ['not', ['~', 'x', 'b']]]]],
  ['events { latest_report? = true and line >= 3 and ok = false }', ['from', 'events', ['and', ['=', 'latest_report?', true], ['and', ['>=', 'line', 3], ['=', 'ok', false]]]]],
  // Strings: double quotes are JSON strings, single quotes raw but for \'.
  ['facts { value = "first line\\nsecond" }', ['from', 'facts', ['=', 'value', 'first line\nsecond']]],
  ["facts { value = 'first\\nline \\'quoted\\'' }", ['from', 'facts', ['=', 'value', "first\\nline 'quoted'"]]],
  ['facts { value = ["a", 1, true] }', ['from', 'facts', ['=', 'value', ['a', 1, true]]]],
];

for (const [pql, ast] of cases) {
  test(`PQL ${pql}`, () => assert.deepEqual(parsePql(pql), ast));
}

test('errors say what and where, with a code', () => {
  for (const [pql, pattern] of [
    ['nodes { certname = }', /offset 19/],
    ['widgets {}', /'widgets' is not an entity/],
    ['nodes[frobnicate()] {}', /'frobnicate' is not a function/],
    ['nodes { certname = "a" ', /end/],
    ['nodes { group by certname limit 1 }', /PQL parse error/],
    ['nodes { a = "\\q" }', /invalid escape/],
  ] as const) {
    assert.throws(() => parsePql(pql), (e: unknown) => e instanceof QueryError && e.code === 'KSP-QUERY-001' && pattern.test(e.message) && e.statusCode === 400, pql);
  }
});
