// `puppet:///…` sources in catalogs: the mount and the path they name, as every reader of them
// (the agent over HTTP, `kasper apply` and `kasper diff` from the modulepath, the master's file
// server) must parse them alike.

/** `puppet://server/mount/path` (or `puppet:///mount/path`) → its parts; undefined for other URLs. */
export function parsePuppetUrl(url: string): { server: string; mount: string; path: string } | undefined {
  const m = /^puppet:\/\/([^/]*)\/([^/]+)(?:\/(.*))?$/.exec(url);
  return m ? { server: m[1], mount: m[2], path: m[3] ?? '' } : undefined;
}
