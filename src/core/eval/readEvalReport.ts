import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { checkInputFile } from '../files/checkInputFile';
import { FileError } from '../files/FileError';
import type { EvalReport } from '../protocol/evalReport';

/** A report `quarry eval` wrote, or a clear error naming the file: missing, not JSON, or not a report. */
export function readEvalReport(path: string): EvalReport {
  checkInputFile(path, 'the evaluation report');
  let report: Partial<EvalReport> | null;
  try {
    report = JSON.parse(readFileSync(path, 'utf8')) as Partial<EvalReport> | null;
  } catch (error) {
    throw new FileError('bad-input', `${basename(path)} is not a Quarry evaluation report: not valid JSON (${(error as Error).message})`);
  }
  if (!report?.summary || !Array.isArray(report.examples)) throw new FileError('bad-input', `${basename(path)} is not a Quarry evaluation report (no summary and examples); write one with quarry eval --report`);
  return report as EvalReport;
}
