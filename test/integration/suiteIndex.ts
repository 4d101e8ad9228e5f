/** The extension host loads this module and calls run(); it runs this phase's mocha suite. */
import Mocha from 'mocha';
import { join } from 'node:path';

export function run(): Promise<void> {
  const phase = process.env.QUARRY_TEST_PHASE ?? 'first-window';
  // QUARRY_TEST_GREP runs only the matching tests, for work on one of them.
  const grep = process.env.QUARRY_TEST_GREP;
  const mocha = new Mocha({ ui: 'tdd', timeout: 240_000, color: false, reporter: 'spec', ...(grep ? { grep } : {}) });
  mocha.addFile(join(__dirname, `${phase}.test.js`));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      // The plain closing line CI reads, whatever the reporter printed above it.
      console.log(`${mocha.suite.total() - failures} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} extension test(s) failed`));
      else resolve();
    });
  });
}
