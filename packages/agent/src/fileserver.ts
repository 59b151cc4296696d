// The client side of Puppet's file server (`/puppet/v3/file_metadata(s)` and `file_content`),
// as Puppet 7's agent calls it, so the agent works against puppetserver as against Kasper's
// master: metadata as JSON, content as `application/octet-stream` (puppetserver answers 406
// to any other Accept), the query parameters Puppet sends, `environment` on every request.
// A `puppet:///…` source is read as Puppet reads it: its metadata first, and its content only
// when no file the catalog manages from that source already has that checksum.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Catalog } from '@kasper/catalog';
import { raise } from './messages.ts';

/** One entry of a `file_metadata(s)` answer (the fields the agent reads). */
export interface Metadata {
  /** `.` for the root of a recursive listing; null for a single file's metadata. */
  relative_path: string | null;
  type: 'file' | 'directory' | 'link' | string;
  mode?: number;
  checksum?: { type: string; value: string | null };
  /** A link's target, when links are managed. */
  destination?: string | null;
}

export interface HttpAnswer {
  status: number;
  body: Buffer;
}

/** GET a path on the master with this Accept header. */
export type MasterGet = (path: string, accept: string) => Promise<HttpAnswer>;

export interface ListOptions {
  recurselimit?: number;
  ignore?: string[];
  links?: 'manage' | 'follow';
  /** `use` also reports modes (pluginfacts: executable facts stay executable); Puppet's default is `ignore`. */
  source_permissions?: 'ignore' | 'use';
  /** Puppet's `max_files` (0: no limit, -1: no warning either). */
  max_files?: number;
}

/** `puppet://server/mount/path` (or `puppet:///mount/path`) → `mount/path`; undefined for other URLs. */
export function mountPathOf(source: string): string | undefined {
  const m = /^puppet:\/\/[^/]*\/(.+)$/.exec(source);
  return m ? m[1].replace(/\/+$/, '') : undefined;
}

/** What the master's error answers say (`{"message": …}`), or the start of their text. */
export function answerText(r: HttpAnswer): string {
  const text = r.body.toString('utf8');
  try {
    const j = JSON.parse(text) as { message?: unknown };
    if (typeof j?.message === 'string') return j.message;
  } catch { /* not JSON */ }
  return text.trim().slice(0, 300);
}

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

function sha256Of(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
    return `{sha256}${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
  } catch {
    return undefined;
  }
}

export class FileServer {
  private readonly get: MasterGet;
  environment: string;
  /** Metadata already known by source URL (from recursive listings): no second request. */
  private readonly known = new Map<string, Metadata>();

  constructor(get: MasterGet, environment: string) {
    this.get = get;
    this.environment = environment;
  }

  private env(): string {
    return `environment=${encodeURIComponent(this.environment)}`;
  }

  /** One file's metadata; undefined when the master has no such file (404). */
  async metadata(mountPath: string, links: 'manage' | 'follow' = 'manage'): Promise<Metadata | undefined> {
    const r = await this.get(`/puppet/v3/file_metadata/${encodePath(mountPath)}?links=${links}&checksum_type=sha256&source_permissions=ignore&${this.env()}`, 'application/json');
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw raise('KSP-AGENT-010', { status: r.status, path: mountPath, answer: answerText(r) });
    return JSON.parse(r.body.toString('utf8')) as Metadata;
  }

  /** A recursive listing, root (`.`) first; undefined when the master has no such path (404). */
  async metadatas(mountPath: string, options: ListOptions = {}): Promise<Metadata[] | undefined> {
    const q = ['recurse=true'];
    if (options.recurselimit !== undefined) q.push(`recurselimit=${options.recurselimit}`);
    q.push(`max_files=${options.max_files ?? 0}`);
    for (const i of options.ignore ?? []) q.push(`ignore=${encodeURIComponent(i)}`);
    q.push(`links=${options.links ?? 'manage'}`, 'checksum_type=sha256', `source_permissions=${options.source_permissions ?? 'ignore'}`, this.env());
    const r = await this.get(`/puppet/v3/file_metadatas/${encodePath(mountPath)}?${q.join('&')}`, 'application/json');
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw raise('KSP-AGENT-010', { status: r.status, path: mountPath, answer: answerText(r) });
    return JSON.parse(r.body.toString('utf8')) as Metadata[];
  }

  /** A file's bytes (`Accept: application/octet-stream`, as puppetserver requires). */
  async content(mountPath: string): Promise<Buffer> {
    const r = await this.get(`/puppet/v3/file_content/${encodePath(mountPath)}?${this.env()}`, 'application/octet-stream');
    if (r.status !== 200) throw raise('KSP-AGENT-010', { status: r.status, path: mountPath, answer: answerText(r) });
    return r.body;
  }

  /** Lists a `puppet:///…` directory source; remembers each file's metadata for `reader`. */
  async list(source: string, options: ListOptions = {}): Promise<Metadata[] | undefined> {
    const mountPath = mountPathOf(source);
    if (mountPath === undefined) return undefined;
    const entries = await this.metadatas(mountPath, options);
    for (const e of entries ?? []) {
      if (e.relative_path && e.relative_path !== '.') this.known.set(`${source.replace(/\/+$/, '')}/${e.relative_path}`, e);
    }
    return entries;
  }

  /**
   * Reads `puppet:///…` sources for a run of `catalog`: undefined when the master has no such
   * file (the next source is tried), its bytes otherwise. A file that a resource of the catalog
   * with this source already holds with the same checksum is read locally, without download.
   * The catalog's sources are collected at the first read, after recursive sources were expanded.
   */
  reader(catalog: Catalog): (source: string) => Promise<Buffer | undefined> {
    let local: Map<string, string[]> | undefined;
    const localPaths = (source: string): string[] => {
      if (!local) {
        local = new Map();
        for (const r of catalog.resources) {
          if (r.type !== 'File') continue;
          const path = String(r.parameters.get('path') ?? r.title);
          const sources = r.parameters.get('source');
          for (const s of Array.isArray(sources) ? sources : [sources]) {
            if (typeof s !== 'string') continue;
            const list = local.get(s) ?? [];
            list.push(path);
            local.set(s, list);
          }
        }
      }
      return local.get(source) ?? [];
    };
    return async (source: string) => {
      const mountPath = mountPathOf(source);
      if (mountPath === undefined) return undefined;
      const meta = this.known.get(source) ?? await this.metadata(mountPath);
      if (!meta || meta.type === 'directory') return undefined;
      const sum = meta.checksum?.type === 'sha256' ? meta.checksum.value : undefined;
      if (sum) {
        for (const p of localPaths(source)) {
          if (existsSync(p) && sha256Of(p) === sum) return readFileSync(p);
        }
      }
      return this.content(mountPath);
    };
  }
}
