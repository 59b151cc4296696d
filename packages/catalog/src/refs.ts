// Resource references: `Type[title]`, the way Puppet names a resource everywhere.

export interface ResourceRef {
  /** Capitalised type, each segment capitalised: `File`, `Apt::Source`, `Class`. */
  type: string;
  title: string;
}

/** `file` → `File`, `apt::source` → `Apt::Source`, as Puppet capitalises resource types. */
export function capitalizeType(name: string): string {
  let c = CAPITALIZED.get(name);
  if (c === undefined) {
    c = name
      .replace(/^::/, '')
      .split('::')
      .map((s) => (s.length ? s[0].toUpperCase() + s.slice(1) : s))
      .join('::');
    // Called for every resource and reference with the few type names a code base has; bounded
    // all the same (a long-running master sees names from code it is sent).
    if (CAPITALIZED.size >= 10_000) CAPITALIZED.clear();
    CAPITALIZED.set(name, c);
  }
  return c;
}

const CAPITALIZED = new Map<string, string>();

export function formatRef(ref: ResourceRef): string {
  return `${ref.type}[${ref.title}]`;
}

/** Parses `Type[title]` (the title may contain brackets). Returns null when it is not a reference. */
export function parseRef(text: string): ResourceRef | null {
  const m = /^((?:::)?[A-Za-z][\w]*(?:::[A-Za-z]\w*)*)\[(.*)\]$/s.exec(text.trim());
  if (!m) return null;
  let title = m[2];
  // Puppet accepts quoted titles in references: File['/x'] and File["/x"].
  if ((title.startsWith("'") && title.endsWith("'")) || (title.startsWith('"') && title.endsWith('"'))) {
    title = title.slice(1, -1);
  }
  return { type: capitalizeType(m[1]), title };
}

export function refKey(type: string, title: string): string {
  return `${type}[${title}]`;
}
