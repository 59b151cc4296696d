// The code both interop suites serve: a module with a file, a recursive folder, a custom fact
// in Ruby (which only reaches a stock agent through pluginsync) used in an EPP template, a file
// whose content is Deferred (the agent resolves it: rich data on the wire), and a second
// environment a node classifier sends one node to.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Site {
  environmentpath: string;
  classifier: string;
  /** Where the catalogs write, on the agent's side. */
  out: string;
}

export function writeSite(dir: string, out: string): Site {
  const write = (path: string, text: string) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  };
  const prod = join(dir, 'environments/production');
  write(join(prod, 'manifests/site.pp'), `node default {
  file { '${out}': ensure => directory }
  file { '${out}/motd': content => epp('site/motd.epp') }
  file { '${out}/from_module.txt': source => 'puppet:///modules/site/a.txt' }
  file { '${out}/conf': ensure => directory, recurse => true, source => 'puppet:///modules/site/conf.d' }
  file { '${out}/deferred.txt':
    content => Deferred('sprintf', ["zone=%s secret=%s\\n", Deferred('$facts', ['site_zone']), Deferred('unwrap', [Sensitive('s3cret')])]),
  }
}
`);
  const mod = join(prod, 'modules/site');
  write(join(mod, 'templates/motd.epp'), "role=<%= $facts['site_role'] %> node=<%= $trusted['certname'] %>\n");
  write(join(mod, 'files/a.txt'), 'from the module\n');
  write(join(mod, 'files/conf.d/x.conf'), 'x = 1\n');
  write(join(mod, 'files/conf.d/sub/y.conf'), 'y = 2\n');
  write(join(mod, 'lib/facter/site_role.rb'), "Facter.add(:site_role) do\n  setcode { 'web' }\nend\n");
  write(join(mod, 'facts.d/site_zone.txt'), 'site_zone=blue\n');
  write(join(dir, 'environments/staging/manifests/site.pp'), `node default {
  file { '${out}': ensure => directory }
  file { '${out}/staging.txt': content => "staging for \${trusted['certname']}\\n" }
}
`);
  const classifier = join(dir, 'classifier.sh');
  writeFileSync(classifier, '#!/bin/sh\ncase "$1" in\n  staged.test) echo "environment: staging" ;;\n  *) echo "classes: []" ;;\nesac\n');
  chmodSync(classifier, 0o755);
  return { environmentpath: join(dir, 'environments'), classifier, out };
}
