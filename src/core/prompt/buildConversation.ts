import type { FormatInput, FormattedPrompt, PromptFormat } from './PromptFormat';

/**
 * A format's prompt for a question, or for a follow-up when `input.earlier` holds the conversation so
 * far: the first earlier question asked as a fresh one (schema, examples and all), each answer as the
 * model's turn, each later request as a short user turn, the new request last. Formats without
 * `conversation` are never asked this way (askQuestion refuses first).
 */
export function buildConversation(format: PromptFormat, input: FormatInput): FormattedPrompt {
  const [first, ...later] = input.earlier ?? [];
  const wording = format.conversation;
  if (!first || !wording) return format.build(input);
  const opening = format.build({ ...input, question: first.question, correction: undefined });
  const earlierTurns = [
    { user: opening.user, assistant: wording.answer(first.sql) },
    ...later.map((turn) => ({ user: wording.followUp(turn.question), assistant: wording.answer(turn.sql) })),
  ];
  const user = wording.followUp(input.question, input.correction);
  // Counted, never sent: a follow-up needs a chat template, so `completion` only sizes the prompt.
  const completion = [...earlierTurns.flatMap((turn) => [turn.user, turn.assistant]), user].join('\n\n');
  return { system: opening.system, user, completion, rawCompletion: false, ...(opening.responsePrefix ? { responsePrefix: opening.responsePrefix } : {}), earlierTurns };
}
