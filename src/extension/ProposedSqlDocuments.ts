import * as vscode from 'vscode';

/** The scheme of the read-only documents a diff between a statement and Quarry's proposal shows. */
export const PROPOSED_SQL_SCHEME = 'quarry-proposed';

/**
 * Read-only SQL texts by URI, for `vscode.diff`: the statement as written and as Quarry proposes it.
 * Each pair is forgotten once its diff is answered.
 */
export class ProposedSqlDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private next = 1;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SQL_SCHEME, this);

  /** A URI whose document holds `text`, named `name` in the editor's tab. */
  add(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PROPOSED_SQL_SCHEME, path: `/${this.next++}/${name}.sql` });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  forget(...uris: vscode.Uri[]): void {
    for (const uri of uris) this.texts.delete(uri.toString());
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.registration.dispose();
    this.texts.clear();
  }
}
