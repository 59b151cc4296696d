// The grammar of every name a request can carry, as JSON-schema fragments: a route's schema
// refuses a bad name with 400 before any handler sees it.

import { CERTNAME_PATTERN } from '@kasper/ca';

/** Puppet's certname, the CA's own grammar. */
export const CERTNAME = { type: 'string', pattern: CERTNAME_PATTERN } as const;
/** Puppet's environment name. */
export const ENVIRONMENT_PATTERN = '^[a-z0-9_]{1,100}$';
export const ENVIRONMENT = { type: 'string', pattern: ENVIRONMENT_PATTERN } as const;
/** The same grammar for names that do not come through a route schema (a classifier's answer, folder names). */
const ENVIRONMENT_RE = new RegExp(ENVIRONMENT_PATTERN);
export const isEnvironmentName = (name: string): boolean => ENVIRONMENT_RE.test(name);
/** A path below a file server mount: relative segments, no `.` or `..`, no NUL or control characters. */
export const MOUNT_PATH = {
  type: 'string', maxLength: 1024,
  pattern: '^(?!.*(?:^|/)\\.\\.?(?:/|$))[^\\u0000-\\u001f\\\\]*$',
} as const;

/** What every error answer looks like: Puppet's `message` and `issue_kind`, and Kasper's `code`. */
export const ERROR_BODY = {
  type: 'object',
  properties: { message: { type: 'string' }, issue_kind: { type: 'string' }, code: { type: 'string' } },
  required: ['message', 'code'],
} as const;

/** The error answers every route may give. */
export const ERROR_RESPONSES = { '4xx': ERROR_BODY, '5xx': ERROR_BODY } as const;

export const NODE_PARAMS = {
  type: 'object', properties: { node: CERTNAME }, required: ['node'], additionalProperties: false,
} as const;

export const ENVIRONMENT_QUERY = {
  type: 'object', properties: { environment: ENVIRONMENT }, additionalProperties: true,
} as const;
