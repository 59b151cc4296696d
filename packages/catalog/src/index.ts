// @kasper/catalog: the catalog model and Puppet's catalog JSON format.
export * from './catalog.ts';
export * from './json.ts';
export * from './refs.ts';
