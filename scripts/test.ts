/**
 * `npm test`: lint, format check, typecheck, then every jest project (unit, workflow on the
 * time-skipping server, integration on PostgreSQL + SMTP, end-to-end on the dev server).
 * Ends with the plain line `N passed, N failed` that CI reads.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);
let passed = 0;
let failed = 0;

function check(name: string, cmd: string, args: string[]): void {
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  const ok = result.status === 0;
  if (ok) passed += 1;
  else failed += 1;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
}

const only = process.argv.slice(2);
if (only.length === 0) {
  check('eslint', bin('eslint'), ['.', '--max-warnings=0']);
  check('prettier', bin('prettier'), ['--check', '.', '--log-level', 'warn']);
  check('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
  check('typecheck desk', bin('tsc'), ['--noEmit', '-p', 'desk/tsconfig.json']);
}

const report = path.join(ROOT, 'test-results', 'jest.json');
fs.mkdirSync(path.dirname(report), { recursive: true });
fs.rmSync(report, { force: true });
// Written by the e2e suite's cluster setup and the fault suite (test/support/cluster.ts).
const clusterRuns = ['e2e', 'faults'].map((suite) =>
  path.join(ROOT, 'test-results', `cluster-${suite}.json`),
);
for (const file of clusterRuns) fs.rmSync(file, { force: true });
const jest = spawnSync(bin('jest'), ['--json', `--outputFile=${report}`, ...only], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (fs.existsSync(report)) {
  const summary = JSON.parse(fs.readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numRuntimeErrorTestSuites: number;
  };
  passed += summary.numPassedTests;
  failed += summary.numFailedTests + summary.numRuntimeErrorTestSuites;
} else {
  failed += 1;
  console.log(`FAIL jest exited with ${jest.status} and wrote no report`);
}
// What the e2e and fault suites ran against: the real Temporal server, its persistence, its processes.
for (const file of clusterRuns) {
  if (!fs.existsSync(file)) continue;
  const run = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    suite: string;
    serverVersion: string;
    persistence: string;
    visibility: string;
    postgres: string;
    processes: { service: string; pid?: number }[];
    summary?: string;
  };
  const pids = new Set(run.processes.map((p) => p.pid).filter(Boolean));
  console.log(
    `${run.suite} suite ran against Temporal server ${run.serverVersion} on PostgreSQL ${run.postgres} ` +
      `(persistence ${run.persistence}, visibility ${run.visibility}), ${pids.size} service processes ` +
      `(${run.processes.map((p) => p.service).join(', ')})`,
  );
  if (run.summary) console.log(run.summary);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && jest.status === 0 ? 0 : 1);
