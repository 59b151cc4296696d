// PuppetDB-compatible queries over Kasper's storage: PQL and the AST query language compiled to
// SQL for SQLite and PostgreSQL, and run there (never filtered in JavaScript).
export { parsePql, PQL_ENTITIES } from './pql.ts';
export { compile, parseFrom, pushdownFilters, type Column, type Compiled, type Paging, type QuerySpec } from './compile.ts';
export { ENTITIES, entity, type Ctx } from './entities.ts';
export { ctxFor, eventCounts, factNames, rootSpec, runQuery, runRows, Answer, JsonRows, type EventCountOptions, type QueryContext } from './engine.ts';
export { invalid, QUERY_MESSAGES, QueryError, raise } from './errors.ts';
export { addCriteria, hasNodeStateCriteria, parseDuration, parseOrderBy, parseQuery, restrictToActiveNodes } from './request.ts';
export { exportedResources, pdbFilter, type ExportedQuery, type ExportedResource } from './exported.ts';
export { globToRegex, nodeSelection, nodeSelectionQuery } from './nodes.ts';
export { runRootQuery } from './root.ts';
