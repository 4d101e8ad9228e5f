import { askQuestion, type AskOptions, type AskResult } from '../core/ask/askQuestion';
import type { ConnectionStore } from './ConnectionStore';
import type { ModelManager } from './ModelManager';
import type { PromptContextSources } from './PromptContextSources';
import type { QuarrySettings } from './settings';
import type { ShowProgress } from './withCancellableProgress';

/**
 * A question asked as the editor asks it (Ask in English, Fix with Quarry): the model loaded, the
 * connection looked up again (loading can take minutes while settings reopen connections), the
 * settings' format, grammar and corrections, retrieval from the prompt context, progress shown.
 */
export async function askInEditor(
  sources: { store: ConnectionStore; models: ModelManager; promptContext: PromptContextSources; settings: QuarrySettings },
  path: string,
  question: string,
  progress: { report: ShowProgress; signal: AbortSignal },
  more: Pick<AskOptions, 'failed' | 'earlier'> = {},
): Promise<AskResult> {
  const { store, models, promptContext, settings } = sources;
  await models.ensureLoaded(progress.report, progress.signal);
  const live = await store.live(path);
  const answer = await askQuestion(live.db!, live.schema!, models.engine, question, {
    ...more,
    context: promptContext.forAsk(path, live.db!, live.schema!, settings),
    promptFormat: settings.promptFormat,
    grammar: settings.grammar,
    corrections: settings.corrections,
    timeoutMs: settings.queryTimeoutMs,
    maxRows: 1,
    signal: progress.signal,
    onStage: (stage) => progress.report(`${stage}…`),
  });
  promptContext.remember({ connection: path, question, context: answer.context, tableCount: live.schema!.tables.length });
  return answer;
}
