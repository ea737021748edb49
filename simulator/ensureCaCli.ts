/**
 * `node dist/simulator/ensureCaCli.js <caDir>`: creates the simulator's CA in `caDir` if it is missing, so a
 * test run can start mocha with `NODE_EXTRA_CA_CERTS=<caDir>/ca.pem`. Prints the CA certificate's path.
 */
import { ensureCa } from './ca';

async function main(): Promise<void> {
  const caDir = process.argv[2];
  if (caDir === undefined || caDir === '') {
    process.stderr.write('usage: node ensureCaCli.js <caDir>\n');
    process.exitCode = 2;
    return;
  }
  const ca = await ensureCa(caDir);
  process.stdout.write(`${ca.certPath}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`ensureCaCli: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
