// Runs on request (`kasper run`). Agents hold `GET /kasper/v1/events/NODE` open — server-sent
// events over the master's mutual TLS, their own certificate, their own name only — and get a
// `run` event when an operator asks. Operators (the master's own certificate, or one with
// pp_cli_auth) list who is connected, ask a node for a run, and wait for its report.
import { X509Certificate } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { rootSpec, runQuery } from '@kasper/query';
import type { MasterContext } from '../context.ts';
import { raise } from '../messages.ts';
import { CERTNAME, ENVIRONMENT, ERROR_RESPONSES, NODE_PARAMS } from '../names.ts';
import { runResultOf, type RunRequest } from '../runs.ts';
import { requireAdmin, requireCertificate } from './authenticated.ts';

/** The serial number of the certificate a request came with, so its stream can be ended when it is revoked. */
function serialOf(der: Buffer): string {
  try {
    return new X509Certificate(der).serialNumber;
  } catch {
    return '';
  }
}

const UUID = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } as const;
const JOB_ID = { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,100}$' } as const;
const RESULT = {
  type: 'object',
  properties: {
    status: { type: 'string' }, noop: { type: 'boolean' }, noop_pending: { type: 'boolean' },
    cached_catalog_status: { type: ['string', 'null'] }, environment: { type: ['string', 'null'] }, code_id: { type: ['string', 'null'] },
    job_id: { type: ['string', 'null'] },
    resources: { type: 'object', additionalProperties: { type: 'integer' } },
    errors: { type: 'array', items: { type: 'string' } },
  },
} as const;
const RUN = {
  type: 'object',
  properties: {
    transaction_uuid: { type: 'string' }, node: { type: 'string' }, job_id: { type: ['string', 'null'] }, noop: { type: 'boolean' },
    environment: { type: ['string', 'null'] }, requested: { type: 'string' }, state: { type: 'string', enum: ['requested', 'done'] }, result: RESULT,
  },
  required: ['transaction_uuid', 'node', 'state'],
} as const;

export async function runsPlugin(app: FastifyInstance, ctx: MasterContext): Promise<void> {
  const { runs } = ctx;

  // The agents' side: one stream per agent, for its own name (403 for another's).
  await app.register(async (agents) => {
    requireCertificate(agents, ctx);
    agents.get<{ Params: { node: string } }>('/kasper/v1/events/:node', {
      config: { serves: 'the run requests' },
      schema: { params: NODE_PARAMS, response: { ...ERROR_RESPONSES } },
    }, async (req, reply) => {
      // From here the response is the stream's: fastify lets go of it.
      reply.hijack();
      // The stream is meant to be quiet between heartbeats: no idle timeout cuts it (whatever
      // run_heartbeat is); TCP keepalive and the heartbeats' writes find a dead peer.
      req.raw.socket.setTimeout(0);
      req.raw.socket.setKeepAlive(true, runs.heartbeatSeconds * 1000);
      runs.connect(req.identity!.certname, req.ip, reply.raw, serialOf(req.identity!.der));
      req.log.info({ node: req.identity!.certname }, 'agent connected for run requests');
      reply.raw.on('close', () => req.log.info({ node: req.identity!.certname }, 'agent disconnected'));
    });
  });

  // The operators' side.
  await app.register(async (admin) => {
    requireCertificate(admin, ctx);
    requireAdmin(admin, ctx, 'ask nodes for runs');

    admin.get('/kasper/v1/agents', {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: { agents: { type: 'array', items: { type: 'object', properties: { certname: { type: 'string' }, since: { type: 'string' }, address: { type: 'string' }, streams: { type: 'integer' } } } } },
          },
          ...ERROR_RESPONSES,
        },
      },
    }, async (_req, reply) => reply.send({ agents: runs.connected() }));

    admin.post<{ Body: { node: string; noop?: boolean; environment?: string; job_id?: string } }>('/kasper/v1/runs', {
      schema: {
        body: {
          type: 'object', required: ['node'], additionalProperties: false,
          properties: { node: CERTNAME, noop: { type: 'boolean' }, environment: ENVIRONMENT, job_id: JOB_ID },
        },
        response: { 202: RUN, ...ERROR_RESPONSES },
      },
    }, async (req, reply) => {
      const { node, ...options } = req.body;
      const run = await runs.requestAnywhere(node, options);
      if (!run) throw raise('KSP-MASTER-024', { node });
      req.log.info({ node, transaction_uuid: run.transaction_uuid, job_id: run.job_id, by: req.identity!.certname }, 'run requested');
      return reply.code(202).send(run);
    });

    // The run, once its report is stored; `wait` seconds for that at most.
    admin.get<{ Params: { id: string }; Querystring: { wait?: number } }>('/kasper/v1/runs/:id', {
      schema: {
        params: { type: 'object', properties: { id: UUID }, required: ['id'], additionalProperties: false },
        querystring: { type: 'object', properties: { wait: { type: 'integer', minimum: 0, maximum: 120 } }, additionalProperties: false },
        response: { 200: RUN, ...ERROR_RESPONSES },
      },
    }, async (req, reply) => {
      const { id } = req.params;
      // The report may reach this master (which wakes the wait) or another one behind the same
      // balancer (then it is in the store): the store is looked at every second of the wait.
      const deadline = Date.now() + (req.query.wait ?? 0) * 1000;
      // The connection is idle while it waits: past the server's idle timeout (60 s) it would be
      // cut before the answer, so it may stay idle as long as the wait, and a little more.
      req.raw.socket.setTimeout((req.query.wait ?? 0) * 1000 + 10_000);
      for (;;) {
        await runs.wait(id, Math.min(1000, deadline - Date.now()));
        const local = runs.get(id);
        if (local?.state === 'done') return reply.send(local);
        const stored = await storedRun(ctx, id);
        if (stored) return reply.send(stored);
        if (Date.now() >= deadline) {
          if (!local) throw raise('KSP-MASTER-025', { id });
          return reply.send(local);
        }
      }
    });
  });
}

/** A run asked of another master (or before this one restarted), from its stored report. */
async function storedRun(ctx: MasterContext, id: string): Promise<RunRequest | undefined> {
  const fields = ['certname', 'status', 'noop', 'noop_pending', 'cached_catalog_status', 'environment', 'code_id', 'job_id', 'metrics', 'logs', 'receive_time'];
  const answer = await runQuery({ storage: ctx.storage, producer: ctx.config.certname },
    rootSpec(['from', 'reports', ['extract', fields, ['=', 'transaction_uuid', id]]]));
  const rows = JSON.parse(answer.body) as Record<string, unknown>[];
  if (!rows.length) return undefined;
  const r = rows[0];
  const metrics = { resources: { values: ((r.metrics as { data?: { category: string; name: string; value: number }[] } | null)?.data ?? [])
    .filter((m) => m.category === 'resources').map((m) => [m.name, m.name, m.value]) } };
  const logs = (r.logs as { data?: unknown[] } | null)?.data ?? [];
  return {
    transaction_uuid: id, node: String(r.certname), job_id: (r.job_id as string | null) ?? null, noop: r.noop === true,
    environment: (r.environment as string | null) ?? null, requested: String(r.receive_time), state: 'done',
    result: runResultOf({ ...r, metrics, logs }),
  };
}
