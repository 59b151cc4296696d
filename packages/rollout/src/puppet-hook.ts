// Hooks written as Puppet code: `kasper run --before 'haproxy::drain'` names a class, which is
// applied on this host (the one `kasper run` runs on, usually the master or the load balancer's
// manager) before the node's run, declared with the node's name: `class { 'haproxy::drain':
// node => 'web1.example.com' }`, through `kasper apply` with the environment's modules. So a
// drain or re-add is code kept with the rest (haproxy's admin socket through an exec, a file
// resource, …), not a script beside it. Anything that is not a class name is a shell command.

/** A class name with at least one namespace (`haproxy::drain`): a plain word stays a command (`true`, `logger`). */
const CLASS_NAME = /^(?:::)?[a-z][a-z0-9_]*(?:::[a-z][a-z0-9_]*)+$/;

/** A word for sh, single-quoted. */
function quote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * The shell command that applies a class-name hook on this host, given the command line that
 * runs `kasper apply` (node, the kasper script, `apply` and its settings); undefined when the
 * hook is not a class name. `{node}` in the result is the node's name, as in every hook.
 */
export function puppetHookCommand(hook: string, apply: readonly string[]): string | undefined {
  if (!CLASS_NAME.test(hook)) return undefined;
  const code = `class { '${hook.replace(/^::/, '')}': node => '{node}' }`;
  return [...apply, '-e', code].map(quote).join(' ');
}
