import { renderSchemaDdl } from '../schema/renderSchemaDdl';
import { buildAskPrompt } from './buildAskPrompt';
import type { PromptFormat } from './PromptFormat';

/** Quarry's own prompt: what `quarry dataset build` exports, so a model tuned on an export is asked as it learned. */
export const quarryFormat: PromptFormat = {
  id: 'quarry',
  label: "Quarry's own (models fine-tuned on Quarry's dataset exports)",
  source: 'src/core/prompt/buildAskPrompt.ts',
  renderSchema: renderSchemaDdl,
  build: ({ schema, schemaText, question, evidence, correction, examples }) => ({
    ...buildAskPrompt({ dialect: schema.dialect, schemaDdl: schemaText, question, evidence, correction, examples }),
    rawCompletion: false,
  }),
  answer: { reasonsFirst: false, maxTokens: 400, stop: [] },
  // Quarry's sample model and models tuned on Quarry's exports were trained without examples.
  examples: 'opt-in',
};
