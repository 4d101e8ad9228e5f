import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { QuarryApi } from '../../src/extension/extension';
import type { DatabaseNode } from '../../src/extension/DatabasesTreeProvider';

export async function activateQuarry(): Promise<QuarryApi> {
  const extension = vscode.extensions.getExtension<QuarryApi>('quarry.quarry');
  if (!extension) throw new Error('the Quarry extension is not installed in this host');
  const api = await extension.activate();
  await api.ready;
  return api;
}

/** What a person sees in one row of the Databases view. */
export interface VisibleRow {
  label: string;
  description: string;
  icon: string;
}

export function visibleRow(api: QuarryApi, node: DatabaseNode): VisibleRow {
  const item = api.databasesTree.getTreeItem(node);
  const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
  const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : '';
  return { label, description: String(item.description ?? ''), icon };
}

export function rowsUnder(api: QuarryApi, node?: DatabaseNode): { node: DatabaseNode; row: VisibleRow }[] {
  return api.databasesTree.getChildren(node).map((child) => ({ node: child, row: visibleRow(api, child) }));
}

/**
 * What the side bar shows a person, read from the rendered page by the test host
 * (test/integration/codeServerHost.ts), which also saves a screenshot next to the file.
 */
export function sideBarText(file: string): Promise<string> {
  return captured('side-bar', file);
}

/** The text of every frame on the page, webviews included; optionally after clicking the first element matching a selector. */
export function allFramesText(file: string, click?: string): Promise<string> {
  return captured('frames', file, click);
}

/** A step at the keyboard, done by the test host in the browser: see driveUi in codeServerHost.ts. */
export interface UiStep {
  /** The element to wait for (`.quick-input-widget`, `.notifications-toasts`) … */
  selector: string;
  /** … until it shows this text (a quick pick's title, a notification's message). */
  text: string;
  /**
   * `paste`: text in one input event; `settle`: wait until the quick input is idle and its list
   * steady (never a fixed pause: those fail on a loaded machine); `click` / `dblclick`: the exact
   * text of something inside the element (a button, a tree row).
   */
  keys?: ({ type: string } | { paste: string } | { press: string } | { settle: true } | { click: string } | { dblclick: string })[];
}

/**
 * What the element showed before the keys were sent, its inputs' values after it as `[input] …`
 * lines; fails the test if it never showed the text.
 */
export async function atKeyboard(file: string, step: UiStep): Promise<string> {
  const shown = await hostAnswer(`quarry-test:ui ${file} ${JSON.stringify(step)}`, file, 120_000);
  if (shown.startsWith('ui step failed')) throw new Error(`"${step.text}" never showed in ${step.selector}: ${shown}`);
  return shown;
}

/** Steps inside a webview (the results grid), done by the test host: see driveWebview in codeServerHost.ts. */
export type WebviewStep = { selector: string } & ({ click: true; modifiers?: ('Shift' | 'Control')[] } | { dblclick: true } | { type: string } | { press: string } | { select: string });

/** The webview's text after the steps; fails the test if a step could not be done. */
export async function inWebview(file: string, steps: WebviewStep[]): Promise<string> {
  const shown = await hostAnswer(`quarry-test:webview ${file} ${JSON.stringify(steps)}`, file, 180_000);
  if (shown.startsWith('webview step failed')) throw new Error(shown);
  return shown;
}

function captured(kind: 'side-bar' | 'frames', file: string, click?: string): Promise<string> {
  return hostAnswer(`quarry-test:capture-${kind} ${file}${click ? ` click=${click}` : ''}`, file, 15_000);
}

/** The host reads the extension host's console: a request is a log line, its answer a file. */
async function hostAnswer(request: string, file: string, timeoutMs: number): Promise<string> {
  console.log(request);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`the test host did not answer "${request.slice(0, 80)}" within ${timeoutMs / 1000} s`);
}
