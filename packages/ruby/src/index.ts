// @kasper/ruby: the embedded CRuby and the Puppet-API shim. Importing this module loads nothing
// heavy; the WebAssembly Ruby starts on the first call that needs it (or getRuby/loadRubySync).
export { configureRuby, getRuby, isRubyLoaded, loadRubySync, type LoadStats, type LogLevel, type RubyConfig, type RubyVm } from './vm.ts';
export { checkErb, renderErb, templateCacheStats, templateVariables, type ErbOptions } from './erb.ts';
export type { HostBlock, ResourceInfo, RubyScope } from './scope.ts';
export { RubyError } from './errors.ts';
export { plainValues, type PuppetValue, type ValueFactory } from './values.ts';
export { callRubyFunction, expectedName, functionCacheStats, loadRubyFunction, loadRubyFunctions, RubyArgumentError, selectDispatch, signatureText, type FunctionHost, type LoadOptions, type RubyDispatch, type RubyFunction, type RubyParameter } from './functions.ts';
export { loadRubyTypeCached, loadRubyTypesCached, configureTypeCache, typeCacheStats, type TypeCacheOptions } from './type-cache.ts';
export { loadRubyType, loadRubyTypes, type RubyAttribute, type RubyTypeInfo, type TitlePattern, type TypeLoadOptions } from './resource-types.ts';
export { resolveRubyFacts, toJsonData, type FactError, type FactFile, type FactHost, type RubyFactsResult } from './facts.ts';
