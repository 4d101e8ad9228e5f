import { existsSync, lstatSync, mkdtempSync, readdirSync, realpathSync, rmdirSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { describeFsError } from './describeFsError';
import { describeFileKind } from './checkInputFile';
import { FileError } from './FileError';

export interface OutputRules {
  /** Files and folders the run reads: the output may be none of them and contain none of them. */
  inputs: string[];
  /** Whether an existing output is one Quarry wrote before (and so may be replaced). */
  isOwnOutput: (path: string) => boolean;
  /** How the output is named to the user (`--out`, `--report`). */
  option: string;
}

/**
 * An output folder must be a missing path, an empty folder, or a folder Quarry itself wrote before;
 * never an input, never a folder holding one. Its parent must exist and take new files: checked
 * with a real probe, since permissions alone do not tell (root, read-only mounts, /proc).
 */
export function checkOutputFolder(out: string, rules: OutputRules): void {
  checkOutput(out, rules, 'folder');
}

/** The same rules for one output file: missing, or a file Quarry wrote before. */
export function checkOutputFile(file: string, rules: OutputRules): void {
  checkOutput(file, rules, 'file');
}

/** What each kind of output is told when it is refused. */
const REFUSALS = {
  folder: { wrongKind: 'not a folder; Quarry will not replace it (give a new folder name)', notOwn: 'is a folder with files Quarry did not write; give a new or empty folder' },
  file: { wrongKind: 'Quarry writes only new files or its own earlier ones', notOwn: 'exists and was not written by Quarry; give a new file name' },
};

function checkOutput(target: string, rules: OutputRules, kind: 'folder' | 'file'): void {
  const path = resolve(target);
  refuseInputs(path, rules);
  const stat = lstatOrNull(path);
  if (stat) {
    if (kind === 'folder' ? !stat.isDirectory() : !stat.isFile()) {
      throw new FileError('output-refused', `${rules.option} ${path} is ${describeFileKind(stat)}; ${REFUSALS[kind].wrongKind}`);
    }
    // An empty folder holds nothing to lose; anything else must be Quarry's own.
    const empty = kind === 'folder' && readdirSync(path).length === 0;
    if (!empty && !rules.isOwnOutput(path)) throw new FileError('output-refused', `${rules.option} ${path} ${REFUSALS[kind].notOwn}`);
  }
  probeWritable(dirname(path), rules.option);
}

function refuseInputs(path: string, rules: OutputRules): void {
  const out = realish(path);
  for (const input of rules.inputs) {
    const real = realish(resolve(input));
    if (real === out || real.startsWith(out.endsWith(sep) ? out : out + sep)) {
      const what = real === out ? 'is' : 'contains';
      throw new FileError('output-refused', `${rules.option} ${path} ${what} ${input}, which this run reads; give another path`);
    }
  }
}

/** The real path of the longest existing prefix, with the rest appended: symlinks and `..` cannot hide an input. */
function realish(path: string): string {
  let existing = path;
  const rest: string[] = [];
  while (!existsSync(existing) && dirname(existing) !== existing) {
    rest.unshift(basename(existing));
    existing = dirname(existing);
  }
  try {
    return join(realpathSync(existing), ...rest);
  } catch {
    return path;
  }
}

function probeWritable(folder: string, option: string): void {
  const stat = statOrNull(folder);
  if (!stat) throw new FileError('output-unwritable', `${option}: the folder ${folder} does not exist; create it first`);
  if (!stat.isDirectory()) throw new FileError('output-unwritable', `${option}: ${folder} is not a folder`);
  let probe: string;
  try {
    probe = mkdtempSync(join(folder, '.quarry-probe-'));
  } catch (error) {
    throw new FileError('output-unwritable', `${option}: ${describeFsError(error, folder)}`);
  }
  rmdirSync(probe);
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
