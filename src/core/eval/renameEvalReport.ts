import { writeAtomically } from '../files/writeAtomically';
import { FileError } from '../files/FileError';
import { readEvalReport } from './readEvalReport';

/** The most a run's name may be: one line a run picker can show. */
const MAX_NAME = 120;

/**
 * Gives a run a name of the user's, written into its report (whole or not at all). An empty name
 * goes back to the one made from the run's settings. `settings` stays the first key: that is how
 * Quarry knows the file as its own report.
 */
export function renameEvalReport(path: string, name: string): void {
  const cleaned = name.replace(/\s+/g, ' ').trim();
  if (cleaned.length > MAX_NAME) throw new FileError('bad-input', `a run's name is at most ${MAX_NAME} characters`);
  const { settings, summary, examples } = readEvalReport(path);
  writeAtomically(path, `${JSON.stringify({ settings, ...(cleaned ? { name: cleaned } : {}), summary, examples }, null, 1)}\n`);
}
