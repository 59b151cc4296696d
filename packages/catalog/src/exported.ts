// Exported resources between nodes: the words the compiler (which asks) and the stores that
// answer (the master's storage queries, `kasper diff --stored-exports`) share.

/**
 * An exported collector's query as data: `tag`, `title` or a parameter compared with a scalar,
 * joined with `and`/`or`.
 */
export type ExportedQuery =
  | { op: 'and' | 'or'; left: ExportedQuery; right: ExportedQuery }
  | { op: '==' | '!='; attribute: string; value: string | number | boolean };

/** An exported resource of another node, as stored with that node's latest catalog (tags, file and line for information: a collected resource does not keep them). */
export interface ExportedResource {
  /** The node that exported it. */
  node: string;
  type: string;
  title: string;
  tags: string[];
  parameters: Record<string, unknown>;
  file?: string | null;
  line?: number | null;
}
