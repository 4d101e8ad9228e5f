// The README's first command: Quarry's main job on the bundled example database.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const db = join(root, 'examples', 'shop.sqlite');
const quarry = (...args) => {
  console.log(`\n$ quarry ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  const run = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), ...args], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
};

quarry('schema', '--db', db);
quarry('sql', '--db', db, 'SELECT c.name, count(*) AS orders FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.name ORDER BY orders DESC');

// A real model if you have one (QUARRY_MODEL=path, URL or hf:…); else the tiny random-weights test
// model, whose SQL is valid only because the narrow grammar allows nothing else (under the default
// `sql` grammar, the whole language, its random picks run on into an endless quoted name).
const tiny = resolve(root, '..', 'shared', 'data', 'gguf', 'llama-2-tiny-random.gguf');
const model = process.env.QUARRY_MODEL ?? (existsSync(tiny) ? tiny : null);
if (model) {
  if (!process.env.QUARRY_MODEL) console.log('\n(no QUARRY_MODEL set: using the tiny random-weights test model, so expect valid but meaningless SQL)');
  const grammar = process.env.QUARRY_MODEL ? [] : ['--grammar', 'narrow', '--threads', '1'];
  quarry('ask', '--db', db, '--model', model, ...grammar, '--run', '--max-rows', '5', 'Which customers ordered the most?');
} else {
  console.log('\nSet QUARRY_MODEL to a .gguf model (path, https:// URL or hf:<user>/<repo>/<file>.gguf) to see quarry ask.');
}
