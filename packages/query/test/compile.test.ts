// The AST query language → SQL, for both dialects: one statement with every value a parameter,
// the operators each field type takes, and the errors PuppetDB gives for the rest. (What the
// statements answer is checked on both databases by test/storage and test/puppetdb.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addCriteria, compile, type Ctx, QueryError, restrictToActiveNodes } from '../src/index.ts';

const ctx = (d: 'sqlite' | 'postgres'): Ctx => ({ d, producer: 'puppet.example.com', inactiveSince: '2025-01-01T00:00:00.000Z' });
const both = ['sqlite', 'postgres'] as const;
const placeholders = (sql: string) => (sql.match(/\?/g) ?? []).length;

const queries: [string, unknown][] = [
  ['nodes', null],
  ['nodes', ['=', 'certname', 'web01']],
  ['nodes', ['and', ['=', ['fact', 'kernel'], 'Linux'], ['>', ['fact', 'uptime_days'], 30]]],
  ['nodes', ['<', 'report_timestamp', '2025-03-10 10:00:00']],
  ['nodes', ['extract', [['function', 'count'], 'facts_environment'], ['null?', 'deactivated', true], ['group_by', 'facts_environment']]],
  ['nodes', ['in', 'certname', ['extract', 'certname', ['select_fact_contents', ['and', ['=', 'path', ['system_uptime', 'days']], ['>=', 'value', 10]]]]]],
  ['nodes', ['and', ['~', 'certname', '^web1'], ['subquery', 'resources', ['and', ['=', 'type', 'Package'], ['=', 'title', 'Tomcat']]]]],
  ['facts', ['and', ['=', 'name', 'networking'], ['subquery', 'fact_contents', ['and', ['~>', 'path', ['networking', '.*', 'macaddress', '.*']], ['=', 'value', 'aa:bb']]]]],
  ['facts', ['extract', ['environment', ['function', 'avg', 'value']], ['=', 'name', 'uptime_hours'], ['group_by', 'environment']]],
  ['facts', ['in', ['certname', 'name'], ['from', 'fact_contents', ['extract', ['certname', 'name'], ['and', ['~>', 'path', ['up.*']], ['<', 'value', 100]]]]]],
  ['fact_contents', ['=', 'path', ['mountpoints', '/', 'options', 0]]],
  ['inventory', ['=', 'facts.operatingsystem', 'Darwin']],
  ['inventory', ['extract', ['trusted.certname', 'facts.system_uptime'], ['~', 'facts.processors.models[0]', 'Intel.*']]],
  ['resources', ['and', ['not', ['=', 'certname', 'example.local']], ['=', 'type', 'File'], ['=', 'tag', 'Magical'], ['=', ['parameter', 'ensure'], 'enabled']]],
  ['resources', ['=', 'parameters.groups', 'users']],
  ['catalogs', ['>', 'producer_timestamp', '2014-11-19']],
  ['reports', ['and', ['=', 'latest_report?', true], ['in', 'status', ['array', ['failed', 'changed']]]]],
  ['events', ['and', ['=', 'status', 'failure'], ['~', 'certname', 'foo.*'], ['=', 'resource_type', 'Service'], ['=', 'new_value', 'running']]],
  ['events', ['extract', [['function', 'count'], 'status', 'certname'], ['group_by', 'status', 'certname']]],
  ['environments', ['subquery', 'reports', ['=', 'status', 'failed']]],
];

for (const d of both) {
  for (const [entity, query] of queries) {
    test(`${d}: ${entity} ${JSON.stringify(query)}`, () => {
      const c = compile(ctx(d), { entity, query, paging: { limit: 5, offset: 2, orderBy: [['certname', 'desc']].filter(() => entity !== 'environments') as [string, 'desc'][] } });
      assert.equal(placeholders(c.sql), c.params.length, 'one parameter per ?');
      assert.equal(placeholders(c.count.sql), c.count.params.length);
      assert.match(c.sql, /LIMIT 5/);
      assert.match(c.sql, /OFFSET 2/);
      assert.doesNotMatch(c.count.sql, /LIMIT|OFFSET/);
      if (JSON.stringify(query).includes('"~')) assert.match(c.sql, d === 'postgres' ? / ~ \?/ : / REGEXP \?/);
    });
  }
}

test('values are parameters, never SQL text', () => {
  for (const d of both) {
    const evil = "x' OR '1'='1'; DROP TABLE nodes; --";
    const c = compile(ctx(d), { entity: 'facts', query: ['and', ['=', 'certname', evil], ['~', 'name', evil], ['=', 'value', evil], ['in', 'environment', ['array', [evil]]]] });
    assert.ok(!c.sql.includes('DROP'), c.sql);
    assert.ok(c.params.filter((p) => p === evil).length >= 3);
  }
});

test('dialects spell JSON differently', () => {
  const pg = compile(ctx('postgres'), { entity: 'facts', query: ['=', 'value', 3600] }).sql;
  const lite = compile(ctx('sqlite'), { entity: 'facts', query: ['=', 'value', 3600] }).sql;
  assert.match(pg, /jsonb_typeof\(fv\.value\) = 'number'/);
  assert.match(lite, /json_type\(fv\.value, \?\) IN \('integer', 'real'\)/);
  assert.match(compile(ctx('postgres'), { entity: 'fact_contents', query: null }).sql, /WITH RECURSIVE walk[\s\S]*jsonb_each/);
  assert.match(compile(ctx('sqlite'), { entity: 'fact_contents', query: null }).sql, /WITH RECURSIVE walk[\s\S]*json_each/);
});

test('a query on one fact name reads only that fact (pushed into the FROM)', () => {
  const c = compile(ctx('postgres'), { entity: 'facts', query: ['and', ['=', 'name', 'os'], ['=', 'certname', 'a']] });
  assert.match(c.sql, /fact_values fv JOIN nodes n ON n\.name = fv\.node AND fv\.name = \?/);
  const fc = compile(ctx('sqlite'), { entity: 'fact_contents', query: ['=', 'path', ['os', 'family']] });
  assert.match(fc.sql, /FROM fact_values fv WHERE fv\.name = \?/);
});

test('node_state: active, inactive since the purge cutoff, any', () => {
  const active = compile(ctx('sqlite'), { entity: 'nodes', query: restrictToActiveNodes(null) });
  assert.match(active.sql, /n\.deactivated IS NULL AND n\.expired IS NULL/);
  const inactive = compile(ctx('postgres'), { entity: 'reports', query: restrictToActiveNodes(['=', 'node_state', 'inactive']) });
  assert.match(inactive.sql, /deactivated > \?/);
  assert.ok(inactive.params.includes('2025-01-01T00:00:00.000Z'));
  assert.doesNotMatch(compile(ctx('postgres'), { entity: 'nodes', query: ['=', 'node_state', 'any'] }).sql, /deactivated IS/);
});

test('criteria are added inside extract and from, as PuppetDB adds them', () => {
  assert.deepEqual(addCriteria(['=', 'certname', 'a'], null), ['=', 'certname', 'a']);
  assert.deepEqual(addCriteria(['=', 'certname', 'a'], ['extract', ['name'], ['group_by', 'name']]), ['extract', ['name'], ['=', 'certname', 'a'], ['group_by', 'name']]);
  assert.deepEqual(addCriteria(['=', 'certname', 'a'], ['extract', ['name'], ['=', 'name', 'x']]), ['extract', ['name'], ['and', ['=', 'name', 'x'], ['=', 'certname', 'a']]]);
  assert.deepEqual(addCriteria(['=', 'certname', 'a'], ['from', 'facts', ['limit', 1]]), ['from', 'facts', ['=', 'certname', 'a'], ['limit', 1]]);
  assert.deepEqual(restrictToActiveNodes(['=', 'node_state', 'any']), ['=', 'node_state', 'any']);
  assert.deepEqual(restrictToActiveNodes(['from', 'nodes', ['=', 'node_state', 'any']]), ['from', 'nodes', ['=', 'node_state', 'any']]);
});

test('PuppetDB\'s refusals, with codes', () => {
  const refused: [string, unknown, RegExp, string][] = [
    ['nodes', ['=', 'frobnicate', 1], /'frobnicate' is not a queryable object for nodes/, 'KSP-QUERY-002'],
    ['nodes', ['<', 'certname', 'a'], /not allowed on field certname/, 'KSP-QUERY-005'],
    ['nodes', ['=', 'report_timestamp', 'yesterday'], /'yesterday' is not a valid timestamp value/, 'KSP-QUERY-006'],
    ['resources', ['=', 'line', 'ten'], /incompatible with numeric field/, 'KSP-QUERY-005'],
    ['nodes', ['subquery', 'widgets', ['=', 'a', 1]], /No implicit relationship for entity 'widgets'/, 'KSP-QUERY-008'],
    ['widgets', null, /Invalid entity 'widgets'/, 'KSP-QUERY-007'],
    ['nodes', ['extract', ['nosuch']], /Can't extract unknown 'nodes' field 'nosuch'/, 'KSP-QUERY-003'],
    ['nodes', ['and'], /'and' takes at least one argument/, 'KSP-QUERY-005'],
    ['nodes', ['not', ['=', 'certname', 'a'], ['=', 'certname', 'b']], /'not' takes exactly one argument/, 'KSP-QUERY-005'],
    ['nodes', ['~>', 'certname', ['a']], /~> is not allowed/, 'KSP-QUERY-005'],
    ['resources', ['in', 'tags', ['array', ['a']]], /not supported on array types/, 'KSP-QUERY-005'],
    ['nodes', ['extract', ['certname', ['function', 'count']]], /group_by/, 'KSP-QUERY-005'],
    ['facts', ['extract', [['function', 'avg', 'name']]], /must be a numeric type/, 'KSP-QUERY-005'],
  ];
  for (const [entity, query, message, code] of refused) {
    assert.throws(() => compile(ctx('sqlite'), { entity, query }), (e: unknown) => e instanceof QueryError && message.test(e.message) && e.code === code && e.statusCode === 400, JSON.stringify(query));
  }
  assert.throws(() => compile(ctx('sqlite'), { entity: 'nodes', query: null, paging: { orderBy: [['nosuch', 'asc']] } }), /Unrecognized column 'nosuch' specified in :order_by/);
});
