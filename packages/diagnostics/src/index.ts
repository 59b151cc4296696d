export { allCatalogues, defineCatalogue, formatMessage, messageDef, type Catalogue, type MessageDef, type Severity } from './catalogue.ts';
export { KasperError, isKasperError, raiser, type DiagnosticData, type ErrorClassOf, type Location } from './error.ts';
export { formatDiagnostic, type SourceText } from './print.ts';
export { errorsMarkdown } from './docs.ts';
