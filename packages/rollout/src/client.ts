// The master, as `kasper run` talks to it: HTTPS with a certificate the master lets ask for runs
// (its own, or one with pp_cli_auth), the CA pinned. Node selection goes to the PuppetDB query
// API (`/pdb/query/v4`), runs to `/kasper/v1/runs`.
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { raise } from './messages.ts';

export interface MasterAddress {
  server: string;
  port: number;
  keyPath: string;
  certPath: string;
  caPath: string;
}

/** What the master answers about a run (`GET /kasper/v1/runs/ID`). */
export interface RunAnswer {
  transaction_uuid: string;
  node: string;
  state: 'requested' | 'done';
  result?: {
    status: string;
    noop: boolean;
    noop_pending: boolean;
    cached_catalog_status: string | null;
    code_id: string | null;
    resources: { total: number; changed: number; failed: number; out_of_sync: number; skipped: number };
    errors: string[];
  };
}

/** The calls a rollout makes; `MasterApi` makes them over HTTPS. */
export interface RolloutMaster {
  /** Certnames the PuppetDB query (`["from", "nodes", …]`) selects. */
  select(query: unknown[]): Promise<string[]>;
  /** Certnames connected for run requests now. */
  connected(): Promise<Set<string>>;
  /** Asks a node for a run; undefined when it is not connected. */
  requestRun(node: string, options: { noop: boolean; environment?: string; jobId: string }): Promise<RunAnswer | undefined>;
  /** The run's state, after waiting up to `seconds` for its report. */
  waitRun(transactionUuid: string, seconds: number): Promise<RunAnswer>;
}

export class MasterApi implements RolloutMaster {
  private readonly a: MasterAddress;
  constructor(address: MasterAddress) {
    for (const p of [address.keyPath, address.certPath, address.caPath]) if (!existsSync(p)) throw raise('KSP-ROLLOUT-005', { path: p });
    this.a = address;
  }

  private call(method: string, path: string, body?: unknown, timeoutMs = 150_000): Promise<{ status: number; json: unknown; text: string }> {
    const a = this.a;
    return new Promise((resolve, reject) => {
      const req = request({
        host: a.server, port: a.port, method, path,
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ca: readFileSync(a.caPath), key: readFileSync(a.keyPath), cert: readFileSync(a.certPath), timeout: timeoutMs,
      }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json, text });
        });
        res.on('error', reject);
      });
      let timedOut = false;
      req.on('timeout', () => {
        timedOut = true;
        req.destroy();
      });
      req.on('error', (e) => reject(raise('KSP-ROLLOUT-004', { server: `${a.server}:${a.port}`, reason: timedOut ? `no answer in ${timeoutMs / 1000} s` : e.message }, undefined, e)));
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  private refused(what: string, r: { status: number; json: unknown; text: string }): Error {
    const message = (r.json as { message?: unknown } | undefined)?.message;
    return raise('KSP-ROLLOUT-003', { server: `${this.a.server}:${this.a.port}`, status: r.status, what, answer: typeof message === 'string' ? message : r.text.slice(0, 300) });
  }

  async select(query: unknown[]): Promise<string[]> {
    const r = await this.call('POST', '/pdb/query/v4', { query });
    if (r.status !== 200 || !Array.isArray(r.json)) throw this.refused('the node query', r);
    return (r.json as { certname: string }[]).map((x) => x.certname);
  }

  async connected(): Promise<Set<string>> {
    const r = await this.call('GET', '/kasper/v1/agents');
    if (r.status !== 200) throw this.refused('the list of connected agents', r);
    return new Set(((r.json as { agents?: { certname: string }[] }).agents ?? []).map((x) => x.certname));
  }

  async requestRun(node: string, options: { noop: boolean; environment?: string; jobId: string }): Promise<RunAnswer | undefined> {
    const r = await this.call('POST', '/kasper/v1/runs', { node, noop: options.noop, job_id: options.jobId, ...(options.environment ? { environment: options.environment } : {}) });
    if (r.status === 409) return undefined;
    if (r.status !== 202) throw this.refused(`the run request for ${node}`, r);
    return r.json as RunAnswer;
  }

  async waitRun(transactionUuid: string, seconds: number): Promise<RunAnswer> {
    const wait = Math.max(0, Math.min(120, Math.round(seconds)));
    const r = await this.call('GET', `/kasper/v1/runs/${transactionUuid}?wait=${wait}`, undefined, (wait + 30) * 1000);
    if (r.status !== 200) throw this.refused(`the state of run ${transactionUuid}`, r);
    return r.json as RunAnswer;
  }
}
