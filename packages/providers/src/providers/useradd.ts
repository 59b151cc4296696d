// Local users and groups with the shadow utilities (useradd, usermod, userdel, groupadd …).
import { readFileSync } from 'node:fs';
import { asBool, asList, asString, type Change, type Provider } from '../api.ts';
import { runChecked } from '../executor.ts';
import { groupEntry, groupName, passwdEntry, shadowEntry, supplementaryGroups } from '../posix.ts';

export const useradd: Provider = {
  name: 'useradd',
  type: 'user',
  suitable: (host) => host.hasCommand('useradd'),
  isDefault: (host) => host.osFamily !== 'Darwin',
  async instances() {
    return readFileSync('/etc/passwd', 'utf8').split('\n').filter(Boolean).map((l) => l.split(':')[0]);
  },
  async retrieve(r) {
    const e = passwdEntry(r.name);
    if (!e) return { ensure: 'absent' };
    return {
      ensure: 'present',
      uid: e[2],
      // gid may be given as a name or a number: report what matches the request's form.
      gid: /^\d+$/.test(String(r.params.gid ?? '0')) ? e[3] : groupName(Number(e[3])),
      comment: e[4],
      home: e[5],
      shell: e[6],
      groups: supplementaryGroups(r.name).sort().join(','),
      password: shadowEntry(r.name)?.[1],
    };
  },
  async sync(r, requested, ctx) {
    let changes = requested;
    const ensure = changes.find((c) => c.property === 'ensure');
    const args = (forCreate: boolean) => {
      const a: string[] = [];
      for (const c of changes) {
        const v = String(c.should);
        switch (c.property) {
          case 'uid': a.push('-u', v); break;
          case 'gid': a.push('-g', v); break;
          case 'comment': a.push('-c', v); break;
          case 'home': a.push('-d', v); break;
          case 'shell': a.push('-s', v); break;
          case 'password': a.push('-p', v); break;
          case 'groups': {
            const want = v.split(',').filter(Boolean);
            const groups = asString(r.params.membership) === 'inclusive' || forCreate
              ? want
              : [...new Set([...supplementaryGroups(r.name), ...want])];
            a.push('-G', groups.join(','));
            break;
          }
        }
      }
      return a;
    };
    if (ensure?.should === 'absent') {
      await runChecked(ctx.exec, 'userdel', [...(asBool(r.params.managehome, false) ? ['-r'] : []), r.name]);
      return;
    }
    if (ensure) {
      // Creating: every attribute the resource gives, not only the changes the engine listed.
      const given: Change[] = [];
      for (const prop of ['uid', 'gid', 'comment', 'home', 'shell', 'password', 'groups']) {
        const v = r.params[prop];
        if (v === undefined) continue;
        given.push({ property: prop, is: undefined, should: prop === 'groups' ? asList(v).map(String).join(',') : String(v), message: '' });
      }
      changes = given;
      const a = args(true);
      if (asBool(r.params.managehome, false)) a.push('-m');
      if (asBool(r.params.system, false)) a.push('-r');
      if (asBool(r.params.allowdupe, false)) a.push('-o');
      await runChecked(ctx.exec, 'useradd', [...a, r.name]);
      return;
    }
    const a = args(false);
    if (changes.some((c) => c.property === 'home') && asBool(r.params.managehome, false)) a.push('-m');
    if (a.length) await runChecked(ctx.exec, 'usermod', [...a, r.name]);
  },
};

export const groupadd: Provider = {
  name: 'groupadd',
  type: 'group',
  suitable: (host) => host.hasCommand('groupadd'),
  isDefault: (host) => host.osFamily !== 'Darwin',
  async instances() {
    return readFileSync('/etc/group', 'utf8').split('\n').filter(Boolean).map((l) => l.split(':')[0]);
  },
  async retrieve(r) {
    const e = groupEntry(r.name);
    if (!e) return { ensure: 'absent' };
    return { ensure: 'present', gid: e[2], members: (e[3] ?? '').split(',').filter(Boolean).sort().join(',') };
  },
  async sync(r, changes, ctx) {
    const ensure = changes.find((c) => c.property === 'ensure');
    if (ensure?.should === 'absent') {
      await runChecked(ctx.exec, 'groupdel', [r.name]);
      return;
    }
    const gid = changes.find((c) => c.property === 'gid');
    if (ensure) {
      const a: string[] = [];
      if (r.params.gid !== undefined) a.push('-g', String(r.params.gid));
      if (asBool(r.params.system, false)) a.push('-r');
      await runChecked(ctx.exec, 'groupadd', [...a, r.name]);
    } else if (gid) {
      await runChecked(ctx.exec, 'groupmod', ['-g', String(gid.should), r.name]);
    }
    const members = changes.find((c) => c.property === 'members') ?? (ensure && r.params.members !== undefined
      ? { should: asList(r.params.members).map(String).join(',') } : undefined);
    if (members) {
      const want = String(members.should).split(',').filter(Boolean);
      const list = asBool(r.params.auth_membership, true) ? want : [...new Set([...(groupEntry(r.name)?.[3] ?? '').split(',').filter(Boolean), ...want])];
      await runChecked(ctx.exec, 'gpasswd', ['-M', list.join(','), r.name]);
    }
  },
};
