// Debian's puppetserver 7 for a test, in a temporary folder of its own: its own puppet.conf,
// CA, ssldir, code, reports and logs, on a free port, so nothing under /etc/puppet or
// /var/lib/puppet is read or changed and a puppetserver the host already runs is left alone.
// It runs the JVM the way `puppetserver foreground` does, but with this folder's conf.d; it is
// started detached in its own process group, and `stop` kills that group and waits for the
// port to close.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';

export interface Puppetserver {
  /** The temporary folder everything lives in. */
  dir: string;
  /** The name agents reach it by (in its certificate): `localhost`. */
  server: string;
  port: number;
  /** puppet.conf of this server: pass to `puppetserver ca … --config`. */
  puppetConf: string;
  /** Where environments go (`<codedir>/environments`). */
  environmentpath: string;
  /** Where the `store` report processor writes (`<reportdir>/<node>/<time>.yaml`). */
  reportdir: string;
  /** The CA certificate bundle (root and intermediate). */
  caCert: string;
  /** The server's log (stdout and stderr of the JVM). */
  log: string;
  /** `puppetserver ca ARGS… --config <puppetConf>`. */
  ca(...args: string[]): Promise<{ code: number; output: string }>;
  /**
   * Waits (up to `timeoutMs`) until the server refuses a TLS handshake with this client
   * certificate: puppetserver applies a revocation when it has reloaded its CRL, seconds after
   * `puppetserver ca revoke` returns. Resolves to whether it does.
   */
  refuses(certPem: Buffer, keyPem: Buffer, timeoutMs?: number): Promise<boolean>;
  /** Kills the process group and waits until the port is closed. */
  stop(): Promise<void>;
}

const SHARE = '/usr/share/puppetserver';
const SYSTEM_CONF = '/etc/puppet/puppetserver';

/** A port nobody listens on now (the kernel's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ host: '127.0.0.1', port });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

function run(cmd: string, args: string[], timeout = 120_000): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout, env: { ...process.env, LANG: 'C.UTF-8' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** GET /status/v1/simple: 'running' once every service is up (an error's message when the request fails). */
function status(port: number, ca: string, client?: { cert: Buffer; key: Buffer }): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/status/v1/simple', ca: readFileSync(ca), servername: 'localhost', timeout: 5000, ...client, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 ? body.trim() : `HTTP ${res.statusCode} ${body}`));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve(e.message));
    req.end();
  });
}

/**
 * Sets up a CA and starts puppetserver in `dir`; resolves when /status/v1/simple says
 * `running` (up to `timeoutMs`). Rejects with the end of its log when it does not come up.
 */
export async function startPuppetserver(dir: string, options: { timeoutMs?: number; heap?: string; serverSettings?: Record<string, string> } = {}): Promise<Puppetserver> {
  const server = 'localhost';
  const port = await freePort();
  const d = (...p: string[]) => join(dir, ...p);
  for (const sub of ['conf.d', 'puppet', 'code/environments', 'var', 'run', 'logs']) mkdirSync(d(sub), { recursive: true });
  const puppetConf = d('puppet', 'puppet.conf');
  writeFileSync(puppetConf, `[main]
certname = ${server}
server = ${server}
serverport = ${port}
ca_server = ${server}
ca_port = ${port}
ssldir = ${d('ssl')}
vardir = ${d('var')}
logdir = ${d('logs')}
rundir = ${d('run')}
codedir = ${d('code')}

[server]
cadir = ${d('ca')}
reportdir = ${d('reports')}
reports = store
${Object.entries(options.serverSettings ?? {}).map(([k, v]) => `${k} = ${v}\n`).join('')}`);
  // The system's conf.d files, less what points at system folders.
  for (const f of ['auth.conf', 'ca.conf', 'web-routes.conf', 'metrics.conf']) copyFileSync(join(SYSTEM_CONF, 'conf.d', f), d('conf.d', f));
  writeFileSync(d('conf.d', 'global.conf'), `global: { logging-config: ${d('logback.xml')} }\n`);
  writeFileSync(d('conf.d', 'webserver.conf'), `webserver: {\n  client-auth: want\n  ssl-host: 127.0.0.1\n  ssl-port: ${port}\n}\n`);
  writeFileSync(d('conf.d', 'puppetserver.conf'), `jruby-puppet: {
  ruby-load-path: [/usr/lib/puppetserver/ruby/vendor_ruby]
  gem-home: /var/lib/puppetserver/jruby-gems
  gem-path: [\${jruby-puppet.gem-home}, "/usr/lib/puppetserver/vendored-jruby-gems"]
  server-conf-dir: ${d('puppet')}
  server-code-dir: ${d('code')}
  server-var-dir: ${d('var')}
  server-run-dir: ${d('run')}
  server-log-dir: ${d('logs')}
  max-active-instances: 1
}
`);
  writeFileSync(d('logback.xml'), `<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5p [%c{2}] %m%n</pattern></encoder>
  </appender>
  <logger name="puppetlabs.trapperkeeper.services.status.status-debug-logging" level="warn"/>
  <root level="info"><appender-ref ref="STDOUT"/></root>
</configuration>
`);
  const ca = (...args: string[]) => run('puppetserver', ['ca', ...args, '--config', puppetConf]);
  const setup = await ca('setup', '--certname', server, '--subject-alt-names', `${server},IP:127.0.0.1`);
  if (setup.code !== 0) throw new Error(`puppetserver ca setup failed:\n${setup.output}`);

  const log = d('puppetserver.log');
  const out = openSync(log, 'a');
  // What `puppetserver foreground` runs (/usr/share/puppetserver/cli/apps/foreground), with this conf.d.
  const child: ChildProcess = spawn('java', [
    `-Xms${options.heap ?? '512m'}`, `-Xmx${options.heap ?? '1g'}`,
    // The JIT's quick tier only: JRuby starts in about 60% of the time (a test's server compiles
    // a few catalogs, so the optimizing tier would never pay back).
    '-XX:TieredStopAtLevel=1',
    '-Djruby.logger.class=com.puppetlabs.jruby_utils.jruby.Slf4jLogger', '-Djruby.lib=/usr/share/jruby/lib',
    '-XX:+CrashOnOutOfMemoryError', `-XX:ErrorFile=${d('logs', 'java_err_pid%p.log')}`,
    '-jar', join(SHARE, 'puppetserver.jar'), '--config', d('conf.d'), '--bootstrap-config', join(SYSTEM_CONF, 'services.d'),
  ], { cwd: SHARE, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  let exited: number | null = null;
  child.on('exit', (code, signal) => (exited = code ?? (signal ? 128 : 1)));
  const pgid = child.pid!;
  // Should the test process end without `stop` (a crash, a timeout), the server goes with it.
  const killOnExit = () => {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch { /* gone */ }
  };
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    try {
      process.kill(-pgid, 'SIGTERM');
    } catch { /* gone already */ }
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (exited === null || await portOpen(port))) await new Promise((r) => setTimeout(r, 250));
    if (exited === null || await portOpen(port)) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch { /* gone */ }
      while (await portOpen(port)) await new Promise((r) => setTimeout(r, 250));
    }
  };

  const caCert = d('ca', 'ca_crt.pem');
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  let last = '';
  while (Date.now() < deadline) {
    if (exited !== null) break;
    last = await status(port, caCert);
    if (last === 'running') break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (last !== 'running') {
    await stop();
    const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-40).join('\n') : '';
    throw new Error(`puppetserver did not start (${exited !== null ? `exited ${exited}` : `status: ${last}`}):\n${tail}`);
  }
  const refuses = async (cert: Buffer, key: Buffer, timeoutMs = 60_000) => {
    for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 500))) {
      // A refused handshake: a TLS alert, or the connection reset under it.
      if (/alert|ECONNRESET|socket hang up|EPIPE/i.test(await status(port, caCert, { cert, key }))) return true;
    }
    return false;
  };
  return {
    dir, server, port, puppetConf, environmentpath: d('code', 'environments'), reportdir: d('reports'), caCert, log, ca, refuses, stop,
  };
}
