// Health and metrics: `/status/v1/simple` and `/status/v1/services` for load balancers and
// monitoring (open, as puppetserver's), `/metrics` in Prometheus' text format for clients with a
// certificate.
import type { FastifyInstance } from 'fastify';
import type { MasterContext } from '../context.ts';
import { ERROR_RESPONSES } from '../names.ts';
import { requireCertificate } from './authenticated.ts';

const TEXT = { type: 'string' } as const;
const VERSION = '0.1.0';

export async function statusPlugin(app: FastifyInstance, ctx: MasterContext): Promise<void> {
  app.get('/status/v1/simple', { schema: { response: { 200: TEXT, ...ERROR_RESPONSES } } },
    async (_req, reply) => reply.type('text/plain').send('running'));

  // What monitoring reads from puppetserver: each service's state.
  const started = Date.now();
  app.get('/status/v1/services', { schema: { response: { 200: { type: 'object', additionalProperties: true }, ...ERROR_RESPONSES } } }, async (_req, reply) => {
    const service = (status: Record<string, unknown>) => ({
      service_version: VERSION, service_status_version: 1, detail_level: 'info', state: 'running', status, active_alerts: [],
    });
    return reply.send({
      'status-service': service({}),
      master: service({ uptime_ms: Date.now() - started, compile_queue: ctx.pool.queued, catalogs: ctx.metrics.catalogs }),
      ca: service({}),
    });
  });

  await app.register(async (metricsApp) => {
    requireCertificate(metricsApp, ctx);
    metricsApp.get('/metrics', { schema: { response: { 200: TEXT, ...ERROR_RESPONSES } } }, async (_req, reply) => {
      const { metrics, pool } = ctx;
      const lines = [
        `kasper_requests_total ${metrics.requests}`, `kasper_catalogs_total ${metrics.catalogs}`,
        `kasper_catalog_cache_hits_total ${metrics.cacheHits}`, `kasper_compiles_total ${pool.compiled}`,
        `kasper_compile_errors_total ${metrics.compileErrors}`, `kasper_reports_total ${metrics.reports}`,
        `kasper_refused_total ${metrics.refused}`, `kasper_compile_queue ${pool.queued}`,
        `kasper_resident_memory_bytes ${process.memoryUsage().rss}`,
      ];
      return reply.type('text/plain; version=0.0.4').send(lines.join('\n') + '\n');
    });
  });
}
