import * as vscode from 'vscode';
import { writeAtomically } from '../core/files/writeAtomically';

const PNG_DATA_URL = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/;

/**
 * A panel's chart, as the PNG its webview drew, to a file the user picks (written whole or not at
 * all). Null when they cancelled; an error when what came is not a PNG data URL.
 */
export async function saveChartPng(dataUrl: string, name: string): Promise<string | null> {
  const base64 = PNG_DATA_URL.exec(dataUrl)?.[1];
  if (!base64) throw new Error('the chart did not arrive as a PNG picture');
  const fileName = `${name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'chart'}.png`;
  const target = await vscode.window.showSaveDialog({
    title: 'Save Chart as PNG',
    defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd()), fileName),
    filters: { 'PNG image': ['png'] },
  });
  if (!target) return null;
  writeAtomically(target.fsPath, Buffer.from(base64, 'base64'));
  void vscode.window.setStatusBarMessage(`Quarry: chart saved to ${target.fsPath}`, 5000);
  return target.fsPath;
}
