// @kasper/diff: compile two versions of the code for many nodes and show what would change.
export * from './model.ts';
export { Comparer, unifiedDiff, type DiffOptions, type SourceContent, type SourceReader } from './compare.ts';
export { checkout, environmentOf, factFiles, sourceReader, type CodeVersion } from './source.ts';
export type { NodeFactsSource } from './node.ts';
export type { ExportedSource, PuppetDBSource } from './exports.ts';
export { diffNodes, diffCatalogs, buildReport, exitCodeOf, type DiffRequest, type NodeFacts } from './run.ts';
export { renderTerminal } from './render/terminal.ts';
export { renderJson } from './render/json.ts';
export { renderMarkdown } from './render/markdown.ts';
export { renderHtml } from './render/html.ts';
export { renderSummary, type SummaryOptions } from './render/summary.ts';
