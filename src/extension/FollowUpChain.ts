import * as vscode from 'vscode';
import type { FewShotExample } from '../core/prompt/PromptFormat';
import { COMMANDS } from './commandIds';

/** Where a chain's newest answer sits, so a follow-up can replace it or go below it. */
export interface PlacedAnswer {
  uri: string;
  range: vscode.Range;
  text: string;
}

/** Whether a follow-up chain is going (menus show Ask a Follow-up then). */
export const FOLLOW_UP_CONTEXT = 'quarry.followUpActive';

/**
 * The conversation Ask a Follow-up continues: each Ask in English starts one (a visible start: the
 * status bar names its first question), each follow-up adds a turn, Reset Follow-ups (or a click
 * on the status bar) ends it.
 */
export class FollowUpChain implements vscode.Disposable {
  private chain: { connection: string; turns: FewShotExample[]; last: PlacedAnswer | null } | null = null;
  private readonly statusItem = vscode.window.createStatusBarItem('quarry.followUp', vscode.StatusBarAlignment.Right, 99);

  constructor() {
    this.statusItem.name = 'Quarry Follow-ups';
    this.statusItem.command = COMMANDS.resetFollowUps;
  }

  get current(): { connection: string; turns: readonly FewShotExample[]; last: PlacedAnswer | null } | null {
    return this.chain;
  }

  /** An Ask's answer: a new chain, whatever came before. */
  start(connection: string, question: string, sql: string, last: PlacedAnswer | null): void {
    this.chain = { connection, turns: [{ question, sql }], last };
    this.show();
  }

  /** A follow-up's answer: one more turn. */
  extend(question: string, sql: string, last: PlacedAnswer | null): void {
    if (!this.chain) return;
    this.chain.turns.push({ question, sql });
    this.chain.last = last;
    this.show();
  }

  reset(): boolean {
    const had = !!this.chain;
    this.chain = null;
    this.show();
    return had;
  }

  dispose(): void {
    this.statusItem.dispose();
  }

  private show(): void {
    void vscode.commands.executeCommand('setContext', FOLLOW_UP_CONTEXT, !!this.chain);
    if (!this.chain) return this.statusItem.hide();
    const first = this.chain.turns[0]!.question;
    const short = first.length > 32 ? `${first.slice(0, 31)}…` : first;
    const more = this.chain.turns.length - 1;
    this.statusItem.text = `$(comment-discussion) ${short}${more ? ` +${more}` : ''}`;
    this.statusItem.tooltip = `Quarry: follow-ups continue from "${first}" (${this.chain.turns.length} ${this.chain.turns.length === 1 ? 'answer' : 'answers'} so far). Click to reset: the next Ask starts afresh.`;
    this.statusItem.show();
  }
}
