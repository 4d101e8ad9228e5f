import * as vscode from 'vscode';

export interface QuarrySettings {
  queryTimeoutMs: number;
  maxRows: number;
  /** Example values per text column; 0 when schema-only mode is on. */
  sampleValues: number;
  schemaOnly: boolean;
}

export function readSettings(): QuarrySettings {
  const config = vscode.workspace.getConfiguration('quarry');
  const schemaOnly = config.get<boolean>('privacy.schemaOnly', false);
  return {
    queryTimeoutMs: config.get<number>('query.timeoutMs', 10_000),
    maxRows: config.get<number>('query.maxRows', 10_000),
    sampleValues: schemaOnly ? 0 : config.get<number>('schema.sampleValues', 3),
    schemaOnly,
  };
}
