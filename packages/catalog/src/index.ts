// @kasper/catalog: the contract between compiling and converging — the catalog model and
// Puppet's catalog JSON format, the report model and Puppet's report JSON format, resource
// references, and the vocabulary both sides share (metaparameters, relationships, types, namevars).
export * from './catalog.ts';
export * from './exported.ts';
export * from './json.ts';
export * from './refs.ts';
export * from './report.ts';
export * from './rich.ts';
export * from './ruby-regexp.ts';
export * from './sources.ts';
export * from './vocabulary.ts';
