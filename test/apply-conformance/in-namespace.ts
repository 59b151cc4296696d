// Runs one case's procedure inside the mount namespace runInNamespace made, with Puppet
// (record.ts) or Kasper, and prints the result as JSON.
import { kasperTool, releasePrivateEtc } from '../support/apply-differential.ts';
import { runSuiteCase } from './harness.ts';
import { puppet } from './record.ts';

const [tool, name] = process.argv.slice(2);
process.env.KASPER_AC_NAMESPACE = '1';
try {
  const result = await runSuiteCase(name, tool === 'puppet' ? puppet : kasperTool());
  process.stdout.write(JSON.stringify(result));
} finally {
  releasePrivateEtc();
}
