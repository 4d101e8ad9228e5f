import { ollamaProtocol } from './ollamaProtocol';
import { openAiProtocol } from './openAiProtocol';
import type { RemoteApi } from './remoteApis';
import type { RemoteProtocol } from './RemoteProtocol';

/** The API each engine is spoken to in: one entry an engine, so a new engine cannot be left without one. */
export const REMOTE_PROTOCOLS: Record<RemoteApi, RemoteProtocol> = {
  vllm: openAiProtocol,
  'llama-server': openAiProtocol,
  sglang: openAiProtocol,
  openai: openAiProtocol,
  ollama: ollamaProtocol,
};
