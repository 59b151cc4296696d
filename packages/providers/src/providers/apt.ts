// Debian packages with apt-get: non-interactive installs from the configured repositories,
// `latest` from apt-cache's candidate, and several packages in one apt-get call when the
// transaction can batch them.
import { asList, type Change, type Provider, type ProviderContext, type Resource } from '../api.ts';
import { runChecked } from '../executor.ts';
import { dpkgRemove, dpkgRetrieve, dpkgState } from './dpkg.ts';

const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive' };
const APT_OPTS = ['-q', '-y', '-o', 'DPkg::Options::=--force-confold'];

/** The version apt would install (`Candidate:` of apt-cache policy), if any. */
export async function candidate(name: string, ctx: ProviderContext): Promise<string | undefined> {
  const r = await ctx.exec.run('apt-cache', ['policy', name]);
  const m = /Candidate:\s*(\S+)/.exec(r.stdout);
  return m && m[1] !== '(none)' ? m[1] : undefined;
}

function installSpec(r: Resource, want: string): string {
  if (want === 'present' || want === 'installed' || want === 'latest') return r.name;
  return `${r.name}=${want}`;
}

async function install(items: { r: Resource; want: string }[], ctx: ProviderContext): Promise<void> {
  const options = [...new Set(items.flatMap(({ r }) => asList(r.params.install_options).map(String)))];
  const downgrade = items.some(({ want }) => !['present', 'installed', 'latest'].includes(want));
  await runChecked(ctx.exec, 'apt-get', [...APT_OPTS, ...(downgrade ? ['--allow-downgrades'] : []), ...options, 'install', ...items.map(({ r, want }) => installSpec(r, want))], { env: APT_ENV });
}

export const apt: Provider = {
  name: 'apt',
  type: 'package',
  suitable: (host) => host.hasCommand('apt-get') && host.hasCommand('dpkg-query'),
  isDefault: (host) => host.osFamily === 'Debian',
  async instances(ctx) {
    return [...(await dpkgState(ctx, true))].filter(([, v]) => v !== 'absent').map(([k]) => k);
  },
  async prefetch(_resources, ctx) {
    await dpkgState(ctx, true);
  },
  async retrieve(r, ctx) {
    const current = await dpkgRetrieve(r, ctx);
    // For `latest` the current value is compared with the candidate: report the candidate as
    // the desired version by naming the installed one; the engine sees a difference.
    if (r.params.ensure === 'latest' && current.ensure !== 'absent' && current.ensure !== 'purged') {
      const c = await candidate(r.name, ctx);
      if (c && c === current.ensure) return { ensure: 'latest' };
    }
    return current;
  },
  async sync(r, changes, ctx) {
    await this.syncBatch!([{ r, changes }], ctx);
  },
  async syncBatch(items: { r: Resource; changes: Change[] }[], ctx: ProviderContext) {
    const toInstall: { r: Resource; want: string }[] = [];
    for (const { r, changes } of items) {
      const want = String(changes.find((c) => c.property === 'ensure')?.should ?? 'present');
      if (want === 'absent' || want === 'purged') {
        await runChecked(ctx.exec, 'apt-get', [...APT_OPTS, want === 'purged' ? 'purge' : 'remove', r.name], { env: APT_ENV })
          .catch(async () => dpkgRemove(r, ctx, want === 'purged'));
      } else {
        toInstall.push({ r, want });
      }
    }
    if (toInstall.length) await install(toInstall, ctx);
    await dpkgState(ctx, true);
  },
};
