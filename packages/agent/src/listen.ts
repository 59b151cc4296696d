// The agent's side of runs on request: one long-lived request to the master,
// `GET /kasper/v1/events/CERTNAME`, answered with server-sent events over the same mutual TLS
// as every other request (our certificate, the pinned CA). The master writes a `run` event when
// an operator asks for a run now (`kasper run`) and a comment every few seconds, so a silent
// connection is a dead one. When it drops, the agent goes on running every runinterval and
// connects again with a growing, jittered delay (1 s, 2 s, 4 s … 60 s).
import { existsSync, readFileSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import { request } from 'node:https';
import { join } from 'node:path';

/** Where an agent keeps its key, its certificate and the CA's (Puppet's ssldir layout under confdir). */
export function agentSslPaths(confdir: string, certname: string): { keyPath: string; certPath: string; caPath: string } {
  const ssl = join(confdir, 'ssl');
  return { keyPath: join(ssl, 'private_keys', `${certname}.pem`), certPath: join(ssl, 'certs', `${certname}.pem`), caPath: join(ssl, 'certs', 'ca.pem') };
}

/** What the master asks for in a `run` event. */
export interface RunRequestEvent {
  transaction_uuid: string;
  job_id: string | null;
  noop: boolean;
  environment: string | null;
}

export interface ListenOptions {
  server: string;
  port: number;
  certname: string;
  keyPath: string;
  certPath: string;
  caPath: string;
  onRun: (run: RunRequestEvent) => void;
  log: (level: 'info' | 'notice' | 'warning' | 'debug', message: string) => void;
  /** First and largest delay before connecting again, ms (1 s and 60 s). */
  minDelayMs?: number;
  maxDelayMs?: number;
}

/** Reads server-sent events from text chunks: `event:`, `data:`, `id:` lines, a blank line ends one. */
export class EventStreamParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private readonly emit: (event: string, data: string) => void;
  constructor(emit: (event: string, data: string) => void) {
    this.emit = emit;
  }
  push(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      // A CR last in the buffer may be the first half of a CRLF: wait for what follows it.
      if (this.buffer[nl] === '\r' && nl === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + (this.buffer.startsWith('\r\n', nl) ? 2 : 1));
      if (line === '') {
        if (this.data.length) this.emit(this.event || 'message', this.data.join('\n'));
        this.event = '';
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') this.event = value;
      else if (field === 'data') this.data.push(value);
    }
    // A stream that never ends a line is not one.
    if (this.buffer.length > 1 << 20) this.buffer = '';
  }
}

/** Keeps the connection up until stop(); calls onRun for every run the master asks for. */
export class RunListener {
  private readonly o: ListenOptions;
  private req: ClientRequest | undefined;
  private timer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private stopped = false;
  private failures = 0;
  private connected = false;
  /** Whether the master has our stream now. */
  get isConnected(): boolean {
    return this.connected;
  }

  constructor(options: ListenOptions) {
    this.o = options;
  }

  start(): void {
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.watchdog);
    this.req?.destroy();
  }

  private connect(): void {
    if (this.stopped) return;
    const o = this.o;
    if (!existsSync(o.certPath) || !existsSync(o.caPath)) return this.retry('no certificate yet');
    let heartbeatMs = 15_000;
    let why = 'the master closed it';
    const alive = () => {
      clearTimeout(this.watchdog);
      // Three heartbeats missed: the connection is dead even if TCP has not noticed.
      this.watchdog = setTimeout(() => {
        why = `nothing heard for ${Math.round((3 * heartbeatMs + 5000) / 1000)} s`;
        this.req?.destroy();
      }, 3 * heartbeatMs + 5000);
    };
    const req = request({
      host: o.server, port: o.port, method: 'GET', path: `/kasper/v1/events/${encodeURIComponent(o.certname)}`,
      headers: { accept: 'text/event-stream', 'user-agent': 'Kasper/0.1.0' },
      ca: readFileSync(o.caPath), key: readFileSync(o.keyPath), cert: readFileSync(o.certPath),
      rejectUnauthorized: true,
      // Until the master answers; then the heartbeats' watchdog takes over.
      timeout: 15_000,
    }, (res) => {
      req.setTimeout(0);
      if (res.statusCode !== 200) {
        res.resume();
        if (res.statusCode === 404) {
          // puppetserver, or a Kasper master from before: it cannot ask for runs. Say so once.
          o.log('notice', `${o.server} does not take run requests (HTTP 404 on /kasper/v1/events); running every runinterval only`);
          this.stopped = true;
          return;
        }
        why = `HTTP ${res.statusCode}`;
        return;
      }
      res.setEncoding('utf8');
      const parser = new EventStreamParser((event, data) => {
        let value: unknown;
        try {
          value = JSON.parse(data);
        } catch {
          return;
        }
        if (event === 'hello') {
          const hb = (value as { heartbeat?: unknown }).heartbeat;
          if (typeof hb === 'number' && hb > 0) heartbeatMs = hb * 1000;
          alive();
          if (!this.connected) o.log('info', `Connected to ${o.server} for run requests`);
          this.connected = true;
          this.failures = 0;
        } else if (event === 'run') {
          const r = value as Partial<RunRequestEvent>;
          if (typeof r.transaction_uuid !== 'string') return;
          o.onRun({
            transaction_uuid: r.transaction_uuid, job_id: typeof r.job_id === 'string' ? r.job_id : null,
            noop: r.noop === true, environment: typeof r.environment === 'string' ? r.environment : null,
          });
        }
      });
      alive();
      res.on('data', (chunk: string) => {
        alive();
        parser.push(chunk);
      });
      res.on('error', (e) => (why = e.message));
    });
    this.req = req;
    req.on('timeout', () => {
      why = 'no answer in 15 s';
      req.destroy();
    });
    req.on('error', (e) => (why = e.message));
    req.on('close', () => {
      clearTimeout(this.watchdog);
      if (this.req === req) this.req = undefined;
      if (this.stopped) return;
      if (this.connected) {
        this.connected = false;
        o.log('warning', `Lost the connection to ${o.server} for run requests (${why}); running every runinterval, and connecting again`);
      }
      this.retry(why);
    });
    req.end();
  }

  private retry(why: string): void {
    if (this.stopped) return;
    const min = this.o.minDelayMs ?? 1000;
    const max = this.o.maxDelayMs ?? 60_000;
    const base = Math.min(max, min * 2 ** Math.min(this.failures, 16));
    this.failures++;
    // Jitter, so a fleet that lost its master does not come back in one wave.
    const delay = Math.round(base / 2 + Math.random() * base / 2);
    this.o.log('debug', `Connecting to ${this.o.server} for run requests again in ${(delay / 1000).toFixed(1)} s (${why})`);
    this.timer = setTimeout(() => this.connect(), delay);
    this.timer.unref();
  }
}
