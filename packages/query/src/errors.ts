// The query API's messages (see @kasper/diagnostics), worded as PuppetDB words them where it
// has a message for the same case. A query the client got wrong is answered 400.
import { defineCatalogue, KasperError, raiser } from '@kasper/diagnostics';

export const QUERY_MESSAGES = defineCatalogue({
  package: 'query',
  title: 'Query API (`KSP-QUERY-…`)',
  intro: 'Answers of the PuppetDB-compatible query API (`/pdb/query/v4`, `/pdb/meta/v1`) served by `kasper master`, and of the retention settings it reads.',
  messages: {
    'KSP-QUERY-001': { message: 'PQL parse error at {where}: {reason}', hint: 'the position counts characters from 0; docs/master.md lists the PQL grammar', status: 400 },
    'KSP-QUERY-002': { message: "'{field}' is not a queryable object for {entity}. Known queryable objects are {known}", hint: 'use one of the fields listed; dotted fields exist for facts, trusted and parameters', status: 400 },
    'KSP-QUERY-003': { message: "Can't extract unknown '{entity}' field '{field}'. Acceptable fields are {known}", hint: 'extract one of the fields listed', status: 400 },
    'KSP-QUERY-004': { message: "Unrecognized column '{field}' specified in :order_by; Supported columns are {known}", hint: 'order by a queryable field of the entity', status: 400 },
    'KSP-QUERY-005': { message: 'Invalid query: {reason}', hint: 'the reason names the clause; docs/master.md has the operators each field type takes', status: 400 },
    'KSP-QUERY-006': { message: "'{value}' is not a valid timestamp value", hint: 'write timestamps in ISO 8601, e.g. 2025-03-10T10:00:00Z', status: 400 },
    'KSP-QUERY-007': { message: "Invalid entity '{entity}' in query", hint: 'the entities are nodes, facts, fact_contents, inventory, resources, catalogs, reports, events and environments', status: 400 },
    'KSP-QUERY-008': { message: "No implicit relationship for entity '{entity}'", hint: "use 'in' with an explicit subquery, or an entity related to this one", status: 400 },
    'KSP-QUERY-009': { message: 'Invalid regular expression: {reason}', hint: 'regular expressions are PostgreSQL\'s (POSIX); the same on SQLite storage', status: 400 },
    'KSP-QUERY-010': { message: "Missing required query parameter '{name}'", hint: 'add the parameter to the request', status: 400 },
    'KSP-QUERY-011': { message: '{what} is not supported here', hint: 'Kasper answers the query API, not PuppetDB\'s query planner options', status: 400 },
    'KSP-QUERY-012': { message: '{certname} may not use the query API', hint: 'add the certname to query_allow in kasper.conf (the master\'s own certificate may always query)', status: 403 },
    'KSP-QUERY-013': { message: '{value} is not a duration (use 14d, 12h, 30m or 45s)', hint: 'report_ttl, node_ttl, node_purge_ttl and gc_interval take PuppetDB\'s durations', status: 500 },
    'KSP-QUERY-014': { message: 'No information is known about {what}', hint: 'the node, environment or report in the URL is not stored (or was purged); list them with /pdb/query/v4/nodes', status: 404 },
    'KSP-QUERY-015': { message: 'Could not find catalog for {certname}', hint: 'the node has not been compiled a catalog yet, or was purged', status: 404 },
    'KSP-QUERY-016': { message: 'Cannot choose nodes by {query} (at character {at}): {reason}', hint: "write a name glob (web*), class=Role::Web, facts.os.release.major=12, trusted.…, environment=E, joined with and, or, not and parentheses; or a PQL query on nodes (docs/deploy.md, 'Rolling runs')", status: 400 },
  },
});

/** A query the client got wrong (answered with the catalogue's status, 400 for most). */
export class QueryError extends KasperError {}

export const raise = raiser(QUERY_MESSAGES, QueryError);

/** A malformed query: KSP-QUERY-005 with the reason. */
export const invalid = (reason: string) => raise('KSP-QUERY-005', { reason });
