// Compiles catalogs in worker threads, so one slow compile does not stall the others. Each
// worker keeps its own parse cache, so a warm worker compiles a further node quickly.
import { MessageChannel, Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { answerExported, type ExportedSource, type PuppetDBSource } from '@kasper/compiler';

export type { ExportedSource, PuppetDBSource } from '@kasper/compiler';

export interface CompileJob {
  environment: { name: string; manifest: string; modulepath: string[]; hieraConfig?: string; directory?: string };
  node: string;
  /** Facts as JSON text (integers stay integers: the worker parses it). */
  factsJson: string;
  trusted: Record<string, unknown>;
  /** The node classifier's YAML (its classes and parameters; checked by the master). */
  classifierYaml?: string;
  /** The master's server facts (serverversion, servername, serverip…; see serverFactsOf). */
  serverFacts?: Record<string, string>;
}

import type { DiagnosticData } from '@kasper/diagnostics';

/**
 * A compiled catalog: what the agent gets (`catalog`, and gzipped), and the whole catalog to
 * store when it differs — it has exported resources, which the agent's catalog leaves out.
 */
export type CompileResult = {
  catalog: string; gzip: Uint8Array; version: string; stored?: string;
  /**
   * It read the store (collected other nodes' exported resources, or called puppetdb_query): it
   * changes when the store does, so it is not cached.
   */
  collectedExports?: boolean;
} | { error: DiagnosticData };

interface Pending {
  job: CompileJob;
  resolve: (r: CompileResult) => void;
}

// The worker next to this module: compile-worker.ts from the sources, .js from the emitted JavaScript.
const WORKER_SOURCE = new URL(import.meta.url.endsWith('.ts') ? './compile-worker.ts' : './compile-worker.js', import.meta.url);

export class CompilePool {
  private readonly workers: { worker: Worker; busy: Pending | null }[] = [];
  private readonly queue: Pending[] = [];
  compiled = 0;

  private readonly heapMb: number;
  private readonly exported: ExportedSource | undefined;
  private readonly pdb: PuppetDBSource | undefined;

  constructor(size = Math.max(1, availableParallelism()), heapMb = 512, exported?: ExportedSource, pdb?: PuppetDBSource) {
    this.heapMb = heapMb;
    this.exported = exported;
    this.pdb = pdb;
    for (let i = 0; i < size; i++) this.spawn();
  }

  private spawn(): void {
    // A bounded heap keeps V8 collecting instead of growing: with 512 MiB a 1,200-resource
    // compile runs as fast and the master's memory stays near a third. A compile that needs
    // more fails alone ("compiler crashed") and its worker is replaced.
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER_SOURCE, {
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb, maxYoungGenerationSizeMb: 16 },
      workerData: { exports: port2, collects: this.exported !== undefined }, transferList: [port2],
    });
    // A worker's questions for exported resources and PuppetDB queries, answered from the store
    // (see @kasper/compiler exported-bridge.ts).
    if (this.exported) answerExported(port1, this.exported, this.pdb);
    port1.unref();
    worker.on('exit', () => port1.close());
    const slot = { worker, busy: null as Pending | null };
    worker.on('message', (r: CompileResult) => {
      const p = slot.busy;
      slot.busy = null;
      worker.unref();
      if (!('error' in r)) this.compiled++;
      p?.resolve(r);
      this.next();
    });
    worker.on('error', (e) => {
      // A crashed worker fails its job and is replaced; the others keep going.
      slot.busy?.resolve({ error: { code: 'KSP-MASTER-009', severity: 'error', message: `compiler crashed: ${e.message}` } });
      slot.busy = null;
      this.workers.splice(this.workers.indexOf(slot), 1);
      this.spawn();
      this.next();
    });
    worker.unref();
    this.workers.push(slot);
  }

  compile(job: CompileJob): Promise<CompileResult> {
    return new Promise((resolve) => {
      this.queue.push({ job, resolve });
      this.next();
    });
  }

  private next(): void {
    for (const slot of this.workers) {
      if (slot.busy || this.queue.length === 0) continue;
      const p = this.queue.shift()!;
      slot.busy = p;
      // A compile in hand keeps the process alive (an idle worker does not), so its answer,
      // and the store's answers it waits for, arrive even when nothing else is pending.
      slot.worker.ref();
      slot.worker.postMessage(p.job);
    }
  }

  get queued(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
