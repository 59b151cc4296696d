// Bounds how deeply a request body may nest: deep enough for any real facts or report, shallow
// enough that nothing downstream (serialising, storing, compiling) runs out of stack.
export const MAX_DEPTH = 100;

/** Whether `value` nests deeper than `max` arrays/objects (iterative: safe on any input). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
    }
  }
  return false;
}
