import * as vscode from 'vscode';
import { resultFormatChoices } from '../../core/results/resultFormats';
import { ResultsPanel } from '../ResultsPanel';

export interface ExportResultsArgs {
  /** A format the registry can write to a file (`csv`, `json`); asked for when absent. */
  format?: string;
  /** Where to write; a save dialog asks when absent. */
  file?: string;
}

/**
 * "Quarry: Export Results…": the results panel's rows, in the grid's current sort and filter, to a
 * CSV or JSON file, written whole or not at all (the grid's own Export buttons do the same).
 */
export async function exportResults(args: ExportResultsArgs = {}): Promise<{ file: string | null; rows: number } | undefined> {
  const choices = resultFormatChoices().filter((choice) => choice.exportable);
  const format = args.format ?? (await vscode.window.showQuickPick(choices.map((choice) => ({ label: choice.label, id: choice.id })), { title: 'Export results as' }))?.id;
  if (!format) return undefined;
  const written = await ResultsPanel.exportResults(format, args.file);
  if (!written) void vscode.window.showInformationMessage('Quarry: there are no results to export. Run a statement first (Ctrl+Enter in a SQL file).');
  return written ?? undefined;
}
