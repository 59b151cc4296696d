// Catalog types: resource types and references (`File`, `File['/x']`), classes (`Class[foo]`),
// and CatalogEntry, which is either.
import { capitalizeType, refKey } from '@kasper/catalog';
import type { Value } from '../values.ts';
import { PType, SimpleType, quote, resolve } from './base.ts';

/** `File`, `File['/x']`, `Resource['file', '/x']`: resource types and references. */
export class ResourceType extends PType {
  readonly name = 'Resource';
  /** Lower-case type name (`file`, `apt::source`), or undefined for `Resource` itself. */
  readonly typeName: string | undefined;
  readonly title: string | undefined;
  constructor(typeName?: string, title?: string) {
    super();
    this.typeName = typeName?.replace(/^::/, '').toLowerCase();
    this.title = title;
  }
  isInstance(_v: Value): boolean {
    return false;
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    // Class[x] is not a Resource (as in Puppet: `Class =~ Type[Resource]` is false).
    if (!(o instanceof ResourceType)) return false;
    if (this.typeName === undefined) return true;
    if (o.typeName !== this.typeName) return false;
    return this.title === undefined || o.title === this.title;
  }
  override toString(): string {
    if (this.typeName === undefined) return 'Resource';
    // As Puppet prints a reference (`File['/tmp/x']`); the catalog's form (`File[/tmp/x]`) is
    // resources.ts's referenceString.
    const t = capitalizeType(this.typeName);
    return this.title === undefined ? t : `${t}[${quote(this.title)}]`;
  }
  override get constrained(): boolean {
    return this.typeName !== undefined;
  }
}

/** `Class`, `Class['foo']`, `Class[foo]`. */
export class ClassType extends PType {
  readonly name = 'Class';
  readonly className: string | undefined;
  constructor(className?: string) {
    super();
    this.className = className?.replace(/^::/, '').toLowerCase();
  }
  isInstance(_v: Value): boolean {
    return false;
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    return o instanceof ClassType && (this.className === undefined || o.className === this.className);
  }
  override toString(): string {
    return this.className === undefined ? 'Class' : `Class[${this.className}]`;
  }
}

export const CatalogEntry = new SimpleType('CatalogEntry', (v) => v instanceof ResourceType || v instanceof ClassType, ['Resource', 'Class']);
