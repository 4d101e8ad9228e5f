// Runs every benchmark even when one misses its goal (exits non-zero), then exits non-zero if any did.
import { spawnSync } from 'node:child_process';

const benches = ['schemaRead', 'ask', 'grammar', 'sampleModel', 'eval', 'questions', 'completion', 'remoteEval', 'context', 'resultsGrid'];
const missed = [];
for (const name of benches) {
  console.log(`\n▶ ${name}`);
  const run = spawnSync(process.execPath, [`out/bench/${name}.bench.js`], { stdio: 'inherit' });
  if (run.status !== 0) missed.push(name);
}
if (missed.length) {
  console.log(`\nmissed a goal or failed: ${missed.join(', ')}`);
  process.exitCode = 1;
}
