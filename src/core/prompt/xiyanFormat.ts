import { DIALECT_PROFILES } from '../dialects/dialectProfiles';
import { renderMSchema } from '../schema/renderMSchema';
import { correctionLines } from './buildAskPrompt';
import { fewShotBlock } from './fewShotBlock';
import type { PromptFormat } from './PromptFormat';

/**
 * XiYanSQL-QwenCoder's prompt (XGenerationLab/XiYanSQL-QwenCoder README.md, nl2sqlite_template_cn):
 * one user turn, in Chinese as published, the question before and after the schema and evidence,
 * ending with an opened ```sql fence that the model's SQL completes. The schema is M-Schema, which
 * the README recommends and scores a few points above DDL (7B on BIRD dev: 59.78% vs 56.58%).
 */
export const xiyanFormat: PromptFormat = {
  id: 'xiyan',
  label: 'XiYanSQL-QwenCoder (its Chinese template, answer in an opened ```sql block)',
  source: 'XGenerationLab/XiYanSQL-QwenCoder: README.md',
  renderSchema: renderMSchema,
  build: ({ schema, schemaText, question, evidence, correction, examples }) => {
    const shots = fewShotBlock(examples);
    const dialect = DIALECT_PROFILES[schema.dialect].label;
    const asked = question.trim();
    const prompt = `你是一名${dialect}专家，现在需要阅读并理解下面的【数据库schema】描述，以及可能用到的【参考信息】，并运用${dialect}知识生成sql语句回答【用户问题】。
【用户问题】
${asked}

【数据库schema】
${schemaText.trimEnd()}

【参考信息】
${evidence?.trim() ?? ''}
${shots ? `\n${shots}\n` : ''}
【用户问题】
${asked}

\`\`\`sql`;
    // A correction is Quarry's own addition, before the fence the answer completes.
    const user = correction ? prompt.replace(/\n\n```sql$/, `\n\n${correctionLines(correction).join('\n')}\n\n\`\`\`sql`) : prompt;
    return { system: '', user, completion: `${user}\n`, rawCompletion: false };
  },
  answer: { reasonsFirst: false, maxTokens: 1024, stop: ['```'] },
  examples: 'opt-in',
};
