// Runs on request. Agents keep one long-lived request open to the master (server-sent events,
// `GET /kasper/v1/events/NODE`, over the same mutual TLS as every other route); the master
// keeps who is connected here, writes a `run` event down a node's stream when an operator asks
// for a run now (`kasper run`), and tells the asker when the report of that run is stored:
// the run is known by the transaction_uuid the master chose and the agent uses for it.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { QueuedRun, Storage } from '@kasper/storage';

/**
 * Several masters on one store: which master holds a node's stream is recorded there, a run asked
 * of a master without the node's stream is queued there, and each master takes (every second)
 * the runs queued for the nodes whose streams it holds.
 */
export interface RunStore {
  storage: Storage;
  /** This master's certname. */
  master: string;
  /** Where a failure to reach the store is said (the runs go on locally). */
  warn: (message: string) => void;
  /** How often queued runs are looked for (ms; default 1000). */
  pollMs?: number;
}

/** An agent's open stream. */
interface Connection {
  id: number;
  certname: string;
  since: string;
  address: string;
  /** The serial number of the certificate the stream was opened with (hex). */
  serial: string;
  res: ServerResponse;
}

/** What `kasper run` learns of a run from its report. */
export interface RunResult {
  status: string;
  noop: boolean;
  noop_pending: boolean;
  cached_catalog_status: string | null;
  environment: string | null;
  code_id: string | null;
  job_id: string | null;
  /** From the report's resource metrics. */
  resources: { total: number; changed: number; failed: number; out_of_sync: number; skipped: number };
  /** The report's error lines, for the summary (at most five). */
  errors: string[];
}

/** A run asked for: what the store queues (QueuedRun), and whether its report came. */
export interface RunRequest extends QueuedRun {
  state: 'requested' | 'done';
  result?: RunResult;
}

export interface RunOptions {
  noop?: boolean;
  environment?: string;
  job_id?: string;
}

/** The numbers and errors of a stored report body, as `kasper run` shows them. */
export function runResultOf(report: Record<string, unknown>): RunResult {
  const metric = (name: string): number => {
    const values = ((report.metrics as Record<string, { values?: unknown[] }> | undefined)?.resources?.values ?? []) as unknown[];
    const v = values.find((x) => Array.isArray(x) && x[0] === name) as [string, string, number] | undefined;
    return typeof v?.[2] === 'number' ? v[2] : 0;
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const logs = Array.isArray(report.logs) ? (report.logs as { level?: unknown; message?: unknown; source?: unknown }[]) : [];
  return {
    status: str(report.status) ?? 'unknown',
    noop: report.noop === true,
    noop_pending: report.noop_pending === true,
    cached_catalog_status: str(report.cached_catalog_status),
    environment: str(report.environment),
    code_id: str(report.code_id),
    job_id: str(report.job_id),
    resources: { total: metric('total'), changed: metric('changed'), failed: metric('failed'), out_of_sync: metric('out_of_sync'), skipped: metric('skipped') },
    errors: logs.filter((l) => l.level === 'err' && typeof l.message === 'string')
      .slice(0, 5).map((l) => `${typeof l.source === 'string' && l.source !== 'Kasper' ? `${l.source}: ` : ''}${l.message as string}`.slice(0, 500)),
  };
}

const KEEP_RUNS_MS = 24 * 3600_000;

/**
 * How long a run request waits for a node whose stream just closed to open it again: the agent
 * daemon changes its process image around each run (it becomes the run and the supervisor again,
 * agent.md), which drops and reopens its stream within a fraction of a second.
 */
export const RECONNECT_GRACE_MS = 3000;
/** How long a run whose event a closing stream may have lost is sent again down the node's next one. */
export const RESEND_MS = 10 * 60_000;

/** Resolves after `ms`, or sooner when one of the wakers kept in `wakers` under `key` is called. */
function wakeableDelay(wakers: Map<string, Set<() => void>>, key: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const set = wakers.get(key) ?? new Set();
    const wake = () => {
      clearTimeout(timer);
      set.delete(wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    set.add(wake);
    wakers.set(key, set);
  });
}

export class RunRegistry {
  private readonly connections = new Map<string, Connection[]>();
  /** When each node's last stream closed (forgotten once it reconnects or the grace is over). */
  private readonly dropped = new Map<string, number>();
  /** Requests waiting, within the grace, for a node's stream to come back. */
  private readonly reconnecting = new Map<string, Set<() => void>>();
  /** The stream each requested run's event went down (by the connection's id), until it is done. */
  private readonly sentOn = new Map<string, number>();
  /**
   * Runs whose event went down a stream that then closed before their report came: the agent may
   * never have read it (a stream closing as the daemon changes image loses what is in flight).
   * Sent again down the node's next stream.
   */
  private readonly unanswered = new Map<string, RunRequest[]>();
  private readonly runs = new Map<string, RunRequest>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private nextId = 1;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Seconds between the comments that keep an idle stream alive (and tell the agent it still is). */
  readonly heartbeatSeconds: number;

  private readonly store: RunStore | undefined;
  private poll: NodeJS.Timeout | undefined;

  constructor(heartbeatSeconds = 15, store?: RunStore) {
    this.heartbeatSeconds = Math.max(1, Math.floor(heartbeatSeconds));
    this.store = store;
  }

  /** Records in the store (if shared) what this master's streams are; errors are only said. */
  private tell(what: string, op: (s: Storage, master: string) => Promise<unknown>): void {
    if (!this.store) return;
    op(this.store.storage, this.store.master).catch((e: Error) => this.store!.warn(`run requests: could not record ${what} in the store: ${e.message}`));
  }

  /** Takes the runs other masters queued for the nodes whose streams this master holds, and sends them. */
  private async deliverQueued(): Promise<void> {
    if (!this.store || this.connections.size === 0) return;
    let queued: QueuedRun[];
    try {
      queued = await this.store.storage.claimRuns(this.store.master);
    } catch (e) {
      this.store.warn(`run requests: could not read the queue in the store: ${(e as Error).message}`);
      return;
    }
    for (const q of queued) {
      const run: RunRequest = { ...q, state: 'requested' };
      this.runs.set(run.transaction_uuid, run);
      this.send(run);
    }
  }

  /** Writes a run event down the node's newest stream; false when it has none. */
  private send(run: RunRequest): boolean {
    const list = this.connections.get(run.node);
    if (!list?.length) return false;
    const data = { transaction_uuid: run.transaction_uuid, job_id: run.job_id, noop: run.noop, environment: run.environment };
    const c = list[list.length - 1];
    c.res.write(`event: run\nid: ${run.transaction_uuid}\ndata: ${JSON.stringify(data)}\n\n`);
    this.sentOn.set(run.transaction_uuid, c.id);
    return true;
  }

  /** Takes an agent's stream: the event-stream head, a `hello`, then heartbeats until it closes. */
  connect(certname: string, address: string, res: ServerResponse, serial = ''): void {
    const c: Connection = { id: this.nextId++, certname, since: new Date().toISOString(), address, serial, res };
    const list = this.connections.get(certname) ?? [];
    list.push(c);
    this.connections.set(certname, list);
    this.dropped.delete(certname);
    for (const wake of this.reconnecting.get(certname) ?? []) wake();
    this.reconnecting.delete(certname);
    const again = this.unanswered.get(certname);
    this.unanswered.delete(certname);
    if (list.length === 1) this.tell(`${certname}'s stream`, (st, master) => st.runStreamOpened(certname, master, c.since));
    if (this.store && !this.poll) {
      this.poll = setInterval(() => void this.deliverQueued(), this.store.pollMs ?? 1000);
      this.poll.unref();
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    res.write(`retry: 5000\nevent: hello\ndata: ${JSON.stringify({ certname, heartbeat: this.heartbeatSeconds })}\n\n`);
    // (Not a request older than RESEND_MS: a node back after that long runs on its own schedule.)
    for (const run of again ?? []) if (run.state === 'requested' && Date.now() - Date.parse(run.requested) < RESEND_MS) this.send(run);
    res.on('close', () => {
      const lost = [...this.sentOn].filter(([uuid, on]) => on === c.id && this.runs.get(uuid)?.state === 'requested').map(([uuid]) => this.runs.get(uuid)!);
      for (const run of lost) this.sentOn.delete(run.transaction_uuid);
      if (lost.length) this.unanswered.set(certname, [...(this.unanswered.get(certname) ?? []), ...lost]);
      const now = (this.connections.get(certname) ?? []).filter((x) => x.id !== c.id);
      if (now.length) this.connections.set(certname, now);
      else {
        this.connections.delete(certname);
        this.dropped.set(certname, Date.now());
        this.tell(`the end of ${certname}'s stream`, (st, master) => st.runStreamClosed(certname, master));
      }
    });
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => {
        for (const l of this.connections.values()) for (const x of l) x.res.write(': ping\n\n');
        const cutoff = Date.now() - RECONNECT_GRACE_MS;
        for (const [node, at] of this.dropped) if (at < cutoff) this.dropped.delete(node);
      }, this.heartbeatSeconds * 1000);
      this.heartbeat.unref();
    }
  }

  /**
   * Ends the streams opened with a certificate that is now revoked (called when the CRL
   * changes): a stream is one long request, which a per-request check never sees again.
   * Returns how many were ended.
   */
  dropRevoked(revoked: (serial: string) => boolean): number {
    let n = 0;
    for (const l of this.connections.values()) {
      for (const c of l) {
        if (c.serial && revoked(c.serial)) {
          c.res.end();
          c.res.socket?.destroy();
          n++;
        }
      }
    }
    return n;
  }

  /** Who is connected now, by name: since when and from where (the newest connection of each). */
  connected(): { certname: string; since: string; address: string; streams: number }[] {
    return [...this.connections.entries()].sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([certname, l]) => ({ certname, since: l[l.length - 1].since, address: l[l.length - 1].address, streams: l.length }));
  }

  isConnected(certname: string): boolean {
    return this.connections.has(certname);
  }

  /**
   * Asks a connected node for a run now: a `run` event down its newest stream. Undefined when it
   * has none (the caller answers that it is not connected).
   */
  request(node: string, options: RunOptions): RunRequest | undefined {
    const list = this.connections.get(node);
    if (!list?.length) return undefined;
    this.prune();
    const run: RunRequest = {
      transaction_uuid: randomUUID(), node, job_id: options.job_id ?? null, noop: options.noop === true,
      environment: options.environment ?? null, requested: new Date().toISOString(), state: 'requested',
    };
    this.runs.set(run.transaction_uuid, run);
    this.send(run);
    return run;
  }

  /**
   * Asks for a run wherever the node's stream is: here (at once), or, through the store, on
   * another master, which takes it within a second. Undefined when no master holds its stream.
   */
  async requestAnywhere(node: string, options: RunOptions): Promise<RunRequest | undefined> {
    await this.reconnected(node);
    const here = this.request(node, options);
    if (here || !this.store) return here;
    const elsewhere = (await this.store.storage.runStreamMasters(node)).filter((m) => m !== this.store!.master);
    if (!elsewhere.length) return undefined;
    this.prune();
    const run: RunRequest = {
      transaction_uuid: randomUUID(), node, job_id: options.job_id ?? null, noop: options.noop === true,
      environment: options.environment ?? null, requested: new Date().toISOString(), state: 'requested',
    };
    await this.store.storage.queueRun(run, this.store.master);
    this.runs.set(run.transaction_uuid, run);
    return run;
  }

  /**
   * Resolves at once when the node has a stream here or had none lately; when its last stream
   * closed less than RECONNECT_GRACE_MS ago, once it opens one again or the grace is over.
   */
  private reconnected(node: string): Promise<void> {
    const at = this.dropped.get(node);
    const left = at === undefined ? 0 : at + RECONNECT_GRACE_MS - Date.now();
    if (this.connections.has(node) || left <= 0) return Promise.resolve();
    return wakeableDelay(this.reconnecting, node, left);
  }

  /** Forgets the streams the store recorded for this master (from before a restart). */
  async start(): Promise<void> {
    if (this.store) await this.store.storage.clearRunStreams(this.store.master);
  }

  get(transactionUuid: string): RunRequest | undefined {
    return this.runs.get(transactionUuid);
  }

  /** A report was stored: the run it answers, if one was asked for, is done. */
  reportStored(node: string, report: Record<string, unknown>): void {
    const uuid = report.transaction_uuid;
    if (typeof uuid !== 'string') return;
    const run = this.runs.get(uuid);
    if (!run || run.node !== node) return;
    run.state = 'done';
    run.result = runResultOf(report);
    this.sentOn.delete(uuid);
    for (const wake of this.waiters.get(uuid) ?? []) wake();
    this.waiters.delete(uuid);
  }

  /** Resolves when the run is done or after `ms`, whichever comes first. */
  wait(transactionUuid: string, ms: number): Promise<void> {
    const run = this.runs.get(transactionUuid);
    if (!run || run.state === 'done' || ms <= 0) return Promise.resolve();
    return wakeableDelay(this.waiters, transactionUuid, ms);
  }

  /** Ends every stream (the master is stopping; agents reconnect to the next one) and wakes every waiter. */
  close(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    clearInterval(this.poll);
    this.poll = undefined;
    for (const l of this.connections.values()) for (const c of l) c.res.end();
    this.connections.clear();
    for (const set of this.waiters.values()) for (const wake of set) wake();
    for (const set of this.reconnecting.values()) for (const wake of set) wake();
  }

  /** Requests older than a day are forgotten. */
  private prune(): void {
    const cutoff = Date.now() - KEEP_RUNS_MS;
    for (const [k, r] of this.runs) {
      if (Date.parse(r.requested) >= cutoff) break;
      this.runs.delete(k);
      this.sentOn.delete(k);
    }
  }
}
