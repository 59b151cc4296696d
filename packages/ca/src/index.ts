// @kasper/ca: Kasper's certificate authority.
export * from './ca.ts';
