import type { DatabaseSchema } from '../types/DatabaseSchema';

/**
 * How one family of models was trained to be asked: the schema's rendering, the wording around the
 * question, chat turns or raw completion, and the shape of the answer. A model is asked exactly as
 * it was trained (no train/serve skew); models tuned on Quarry's own exports get the `quarry` format.
 */
export interface PromptFormat {
  id: PromptFormatId;
  /** One line for menus and --help. */
  label: string;
  /** Where the wording comes from (a repository path, a model card). */
  source: string;
  /** The schema as this format shows it; the same database always gives the same text. */
  renderSchema(schema: DatabaseSchema): string;
  build(input: FormatInput): FormattedPrompt;
  answer: AnswerShape;
  /**
   * Few-shot examples from the user's own history: `default` where the model was not trained on
   * one fixed prompt (it is helped by them), `opt-in` where it was trained zero-shot on its own
   * prompt (OmniSQL, Arctic, Quarry's): examples then go in only when the user turns them on.
   */
  examples: 'default' | 'opt-in';
  /**
   * Follow-ups ("only for 2024"): how earlier (question, SQL) pairs become chat turns before the new
   * request. Only formats whose models hold a conversation have it; one trained on a single-turn
   * prompt (Quarry's, OmniSQL's, Arctic's) is asked the whole question instead.
   */
  conversation?: ConversationWording;
}

export interface ConversationWording {
  /** An earlier answer as the model's own turn, in its answer's shape (a ```sql block). */
  answer(sql: string): string;
  /** A later request as its user turn, with the correction lines when the answer to it failed. */
  followUp(request: string, correction?: FormatInput['correction']): string;
}

/** A (question, SQL) pair shown to the model before the question. */
export interface FewShotExample {
  question: string;
  sql: string;
}

export type PromptFormatId = 'quarry' | 'omnisql' | 'arctic' | 'xiyan' | 'sqlcoder' | 'premsql' | 'qwen-coder';

export interface FormatInput {
  schema: DatabaseSchema;
  /** renderSchema's text for `schema` (or for the part of it that fits the context). */
  schemaText: string;
  question: string;
  /** External knowledge for the question (BIRD's evidence), when there is any. */
  evidence?: string;
  /** The previous attempt and the database's verdict on it, when asking for a correction. */
  correction?: { sql: string; error: string; validNames: string };
  /** Examples to show before the question (none: the prompt is the one the model was trained on). */
  examples?: readonly FewShotExample[];
  /** A follow-up's conversation so far, oldest first: `question` is then the new request. Only for formats with `conversation`. */
  earlier?: readonly FewShotExample[];
}

export interface FormattedPrompt {
  /** For chat models: the system turn ('' when the format has none: the chat template's default applies). */
  system: string;
  /** For chat models: the user turn. */
  user: string;
  /** One completion prompt, ending where the answer begins: for models without a chat template, or formats trained on raw text. */
  completion: string;
  /** Trained on raw text: `completion` is used even when the model has a chat template. */
  rawCompletion: boolean;
  /** The start of the model's turn, written for it (Arctic's harness begins its answer so). */
  responsePrefix?: string;
  /** A follow-up's earlier turns, before `user`: the first holds the schema and the first question. */
  earlierTurns?: ChatTurn[];
}

/** One exchange of a conversation: what was asked, and what the model answered. */
export interface ChatTurn {
  user: string;
  assistant: string;
}

export interface AnswerShape {
  /** The model reasons in free text before its ```sql block: only the block is held to the grammar. */
  reasonsFirst: boolean;
  /** Where its thinking ends (`</think>`): a ```sql block before it is a draft. */
  thinkingEnds?: string;
  /** Tokens the answer may take (with `reasonsFirst`, the SQL block's share; the thinking has `thinkingTokens`). */
  maxTokens: number;
  thinkingTokens?: number;
  /** Where the answer ends besides the grammar's end or the model's end of text. */
  stop: string[];
}
