import * as vscode from 'vscode';
import { schemaCompletions, type SchemaCompletion } from '../core/complete/schemaCompletions';
import { statementAt } from '../core/sql/statementAt';
import type { SqlConnectionBinding } from './SqlConnectionBinding';

const KINDS: Record<SchemaCompletion['kind'], vscode.CompletionItemKind> = {
  table: vscode.CompletionItemKind.Class,
  view: vscode.CompletionItemKind.Interface,
  column: vscode.CompletionItemKind.Field,
  keyword: vscode.CompletionItemKind.Keyword,
};

/**
 * Completion from the file's database schema (tables, columns, qualified columns after `alias.`,
 * keywords), at once and with no model: the suggest widget's job. Ghost text stays the model's.
 */
export class SqlSchemaCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly binding: SqlConnectionBinding) {}

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] | undefined {
    const schema = this.binding.connectionFor(document)?.schema;
    if (!schema) return undefined;
    const text = document.getText();
    const offset = document.offsetAt(position);
    // The statement the cursor is in; past the last one, what was typed since it ended.
    const span = statementAt(text, offset);
    const inside = span !== null && offset >= span.start && offset <= span.end + 1;
    const start = inside ? span.start : span && span.end < offset ? span.end + 1 : 0;
    const end = inside ? Math.max(offset, span.end) : offset;
    return schemaCompletions(schema, text.slice(start, end), offset - start).map((completion) => {
      const item = new vscode.CompletionItem({ label: completion.label, description: completion.detail }, KINDS[completion.kind]);
      item.insertText = completion.insertText;
      // Keywords after the schema's names: names are what the schema knows and the editor does not.
      item.sortText = `${completion.kind === 'keyword' ? '2' : completion.label.includes('.') ? '1' : '0'}${completion.label.toLowerCase()}`;
      return item;
    });
  }
}
