import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * A panel's page: a strict Content-Security-Policy (only this page's nonce runs or styles), the
 * panel's own stylesheet text and its bundled script from dist/webview, with the stylesheet the
 * bundle brought (a library's) when it has one.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, script: string, css: string, body: string, stylesheet?: string): string {
  const nonce = randomBytes(16).toString('base64');
  const src = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', script));
  const link = stylesheet ? `<link rel="stylesheet" href="${webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', stylesheet)).toString()}">\n` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${webview.cspSource}; font-src ${webview.cspSource}; style-src ${webview.cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${link}<style nonce="${nonce}">
${css}
</style></head>
<body>${body}
<script nonce="${nonce}" src="${src}"></script></body></html>`;
}
