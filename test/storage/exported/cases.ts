// The stored catalogs and the collector queries of the exported-resources differential test:
// the same data goes to a real PuppetDB 7 (regenerate.sh records its answers in golden.json)
// and to Kasper's storage on SQLite and PostgreSQL (exported.test.ts compares).
import type { ExportedQuery } from '../../../packages/compiler/src/index.ts';

const res = (type: string, title: string, tags: string[], parameters: Record<string, unknown>, exported = true) =>
  ({ type, title, tags: [type.toLowerCase(), ...tags], exported, file: '/etc/puppetlabs/code/site.pp', line: 3, parameters });

/** Each node's catalog resources (PuppetDB's wire format). */
export const CATALOGS: Record<string, ReturnType<typeof res>[]> = {
  'a.test': [
    res('Host', 'web.test', ['web', 'front'], { ip: '10.0.0.1', host_aliases: ['w', 'www'] }),
    res('Host', 'db.test', ['db'], { ip: '10.0.0.9', port: 5432, primary: true }),
    res('Host', 'plain.test', ['web'], { ip: '10.0.0.50' }, false),
    res('File', '/etc/a', ['web'], { content: 'x' }),
  ],
  'c.test': [res('Host', 'c.test', ['web'], { ip: '10.0.0.3' })],
  'b.test': [res('Host', 'me.test', ['web'], { ip: '10.0.0.2' })],
};

const eq = (attribute: string, value: string | number | boolean): ExportedQuery => ({ op: '==', attribute, value });
const ne = (attribute: string, value: string | number | boolean): ExportedQuery => ({ op: '!=', attribute, value });

/** What node b.test's collectors ask: a type and a query. */
export const CASES: { name: string; type: string; query: ExportedQuery | null }[] = [
  { name: 'all hosts', type: 'Host', query: null },
  { name: 'all files', type: 'File', query: null },
  { name: 'tag (upper case)', type: 'Host', query: eq('tag', 'WEB') },
  { name: 'title', type: 'Host', query: eq('title', 'db.test') },
  { name: 'string parameter', type: 'Host', query: eq('ip', '10.0.0.3') },
  { name: 'integer parameter', type: 'Host', query: eq('port', 5432) },
  { name: 'integer parameter as a string', type: 'Host', query: eq('port', '5432') },
  { name: 'boolean parameter', type: 'Host', query: eq('primary', true) },
  { name: 'one member of an array parameter', type: 'Host', query: eq('host_aliases', 'www') },
  { name: 'and with !=', type: 'Host', query: { op: 'and', left: eq('tag', 'web'), right: ne('ip', '10.0.0.3') } },
  { name: 'or', type: 'Host', query: { op: 'or', left: eq('tag', 'db'), right: eq('tag', 'front') } },
  { name: '!= on a parameter some resources lack', type: 'Host', query: ne('port', 5432) },
];

/** The node whose compile collects. */
export const COLLECTOR = 'b.test';
