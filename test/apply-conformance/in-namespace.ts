// Runs one case's procedure inside the mount namespace runInNamespace made, with Puppet
// (record.ts) or Kasper (the test's applier), and prints the result as JSON.
import { releasePrivateEtc, runCase } from './harness.ts';
import { PUPPET_USER, puppet } from './record.ts';
import { KASPER_USER, kasper } from './kasper-applier.ts';

const [applier, name] = process.argv.slice(2);
process.env.KASPER_AC_NAMESPACE = '1';
try {
  const result = applier === 'puppet' ? await runCase(name, puppet, PUPPET_USER) : await runCase(name, kasper, KASPER_USER);
  process.stdout.write(JSON.stringify(result));
} finally {
  releasePrivateEtc();
}
