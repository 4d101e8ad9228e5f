import type { GenerateParams } from '../../protocol/modelServerMethods';

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** The prompt as chat messages, the begun answer as the assistant's last message for the server to go on from. */
export function chatMessages(params: GenerateParams): ChatMessage[] {
  return [
    ...(params.system ? [{ role: 'system' as const, content: params.system }] : []),
    ...(params.earlierTurns ?? []).flatMap((turn) => [
      { role: 'user' as const, content: turn.user },
      { role: 'assistant' as const, content: turn.assistant },
    ]),
    { role: 'user', content: params.user },
    ...(params.responsePrefix ? [{ role: 'assistant' as const, content: params.responsePrefix }] : []),
  ];
}
