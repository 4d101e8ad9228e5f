import type { PromptFormatId } from '../prompt/PromptFormat';

/**
 * Curated models for Quarry: what each is, how it is asked, what its authors report, and where a
 * GGUF of it was seen. Nothing here is claimed that was not read at a named source: accuracies are
 * the authors' own (their benchmark, their harness), a download is listed only where its file list
 * was seen (`seenAt`), and no entry carries a checksum, since none was published beside the files.
 * A size is the listed file's, or where `seenAt` says so, the usual size of that architecture at that
 * quantization (no file list with sizes was seen); memory is an estimate (see estimatedMemoryBytes).
 */
export interface CatalogEntry {
  id: string;
  name: string;
  /** Who trained it, and the repository of the original weights. */
  authors: string;
  original: string;
  parameters: string;
  license: { name: string; commercialUse: boolean; note?: string };
  promptFormat: PromptFormatId;
  /** The context a good answer needs (reasoning models think for thousands of tokens). */
  contextTokens: number;
  /** The KV cache per token of context at f16 (2 × layers × KV heads × head size × 2 bytes), from the architecture. */
  kvBytesPerToken: number;
  reported: ReportedAccuracy[];
  /** A GGUF of it: the hf: reference Quarry resolves, its size, and where that file list was seen. */
  download: { reference: string; quantization: string; fileBytes: number; seenAt: string } | null;
  /** When there is no download: what to do instead. */
  note?: string;
}

export interface ReportedAccuracy {
  benchmark: string;
  /** Execution accuracy in percent, as the authors report it. */
  score: number;
  source: string;
}

const GB = 1e9;
/** Qwen2.5 7B: 28 layers, 4 KV heads of 128. */
const QWEN25_7B_KV = 2 * 28 * 4 * 128 * 2;

export const MODEL_CATALOG: readonly CatalogEntry[] = [
  {
    id: 'omnisql-7b',
    name: 'OmniSQL-7B',
    authors: 'Renmin University (RUCKBReasoning)',
    original: 'hf:seeklhy/OmniSQL-7B',
    parameters: '7.6B',
    license: { name: 'Apache-2.0', commercialUse: true },
    promptFormat: 'omnisql',
    contextTokens: 8192,
    kvBytesPerToken: QWEN25_7B_KV,
    reported: [
      { benchmark: 'Spider dev', score: 81.2, source: 'RUCKBReasoning/OmniSQL README (greedy decoding)' },
      { benchmark: 'Spider test', score: 87.9, source: 'RUCKBReasoning/OmniSQL README (greedy decoding)' },
      { benchmark: 'BIRD dev', score: 63.9, source: 'RUCKBReasoning/OmniSQL README (greedy decoding)' },
    ],
    download: {
      reference: 'hf:mradermacher/OmniSQL-7B-GGUF:Q4_K_M',
      quantization: 'Q4_K_M',
      fileBytes: 4.68 * GB,
      seenAt: 'github.com/ollama/ollama/issues/10355 (hf.co/mradermacher/OmniSQL-7B-GGUF:Q4_K_M); size as for every Qwen2.5-7B Q4_K_M',
    },
  },
  {
    id: 'arctic-text2sql-r1-7b',
    name: 'Arctic-Text2SQL-R1-7B',
    authors: 'Snowflake',
    original: 'hf:Snowflake/Arctic-Text2SQL-R1-7B',
    parameters: '7.6B',
    license: { name: 'Apache-2.0', commercialUse: true },
    promptFormat: 'arctic',
    contextTokens: 8192,
    kvBytesPerToken: QWEN25_7B_KV,
    reported: [
      { benchmark: 'BIRD dev', score: 68.9, source: 'Snowflake/Arctic-Text2SQL-R1-7B model card' },
      { benchmark: 'Spider test', score: 88.8, source: 'Snowflake/Arctic-Text2SQL-R1-7B model card' },
    ],
    download: {
      reference: 'hf:mradermacher/Arctic-Text2SQL-R1-7B-GGUF:Q4_K_M',
      quantization: 'Q4_K_M',
      fileBytes: 4.68 * GB,
      seenAt: 'huggingface.co/models?search=Arctic-Text2SQL-R1 7B GGUF; size as for every Qwen2.5-7B Q4_K_M',
    },
  },
  {
    id: 'xiyansql-qwencoder-32b',
    name: 'XiYanSQL-QwenCoder-32B-2412',
    authors: 'Alibaba (XGenerationLab)',
    original: 'hf:XGenerationLab/XiYanSQL-QwenCoder-32B-2412',
    parameters: '32.8B',
    license: { name: 'Apache-2.0', commercialUse: true },
    promptFormat: 'xiyan',
    contextTokens: 8192,
    // Qwen2.5 32B: 64 layers, 8 KV heads of 128.
    kvBytesPerToken: 2 * 64 * 8 * 128 * 2,
    reported: [
      { benchmark: 'BIRD test', score: 69.03, source: 'XGenerationLab/XiYanSQL-QwenCoder README' },
      { benchmark: 'BIRD dev (M-Schema)', score: 67.01, source: 'XGenerationLab/XiYanSQL-QwenCoder README' },
    ],
    download: {
      reference: 'hf:mradermacher/XiYanSQL-QwenCoder-32B-2412-GGUF:Q4_K_M',
      quantization: 'Q4_K_M',
      fileBytes: 19.9 * GB,
      seenAt: 'huggingface.co/XGenerationLab (liked: mradermacher/XiYanSQL-QwenCoder-32B-2412-GGUF); size as for every Qwen2.5-32B Q4_K_M',
    },
  },
  {
    id: 'xiyansql-qwencoder-7b',
    name: 'XiYanSQL-QwenCoder-7B-2502',
    authors: 'Alibaba (XGenerationLab)',
    original: 'hf:XGenerationLab/XiYanSQL-QwenCoder-7B-2502',
    parameters: '7.6B',
    license: { name: 'Apache-2.0', commercialUse: true },
    promptFormat: 'xiyan',
    contextTokens: 4096,
    kvBytesPerToken: QWEN25_7B_KV,
    reported: [
      { benchmark: 'BIRD dev (M-Schema)', score: 59.78, source: 'XGenerationLab/XiYanSQL-QwenCoder README' },
      { benchmark: 'BIRD dev (DDL)', score: 56.58, source: 'XGenerationLab/XiYanSQL-QwenCoder README' },
      { benchmark: 'Spider test (M-Schema)', score: 84.86, source: 'XGenerationLab/XiYanSQL-QwenCoder README' },
    ],
    download: null,
    note: "no GGUF of it was seen: convert the original with llama.cpp's convert_hf_to_gguf.py, then choose the file",
  },
  {
    id: 'sqlcoder-7b-2',
    name: 'SQLCoder-7B-2',
    authors: 'Defog',
    original: 'hf:defog/sqlcoder-7b-2',
    parameters: '6.7B',
    license: { name: 'CC-BY-SA-4.0', commercialUse: true, note: 'share-alike: derivatives carry the same license' },
    promptFormat: 'sqlcoder',
    contextTokens: 4096,
    // Code Llama 7B: 32 layers, 32 KV heads of 128.
    kvBytesPerToken: 2 * 32 * 32 * 128 * 2,
    reported: [],
    download: {
      reference: 'hf:defog/sqlcoder-7b-2/sqlcoder-7b-q5_k_m.gguf',
      quantization: 'Q5_K_M',
      fileBytes: 4.78 * GB,
      seenAt: "defog/sqlcoder-7b-2's own files (the official GGUF); size as for every Code Llama 7B Q5_K_M",
    },
    note: 'its card reports Defog\u2019s own sql-eval benchmark, not Spider or BIRD',
  },
  {
    id: 'prem-1b-sql',
    name: 'Prem-1B-SQL',
    authors: 'Prem AI',
    original: 'hf:premai-io/prem-1B-SQL',
    parameters: '1.3B',
    license: { name: 'Apache-2.0', commercialUse: true, note: 'the card\u2019s metadata says Apache-2.0, its text MIT' },
    promptFormat: 'premsql',
    contextTokens: 4096,
    // DeepSeek-Coder 1.3B: 24 layers, 16 KV heads of 128.
    kvBytesPerToken: 2 * 24 * 16 * 128 * 2,
    reported: [
      { benchmark: 'BIRD dev', score: 46, source: 'premai-io/prem-1B-SQL model card' },
      { benchmark: 'BIRD test', score: 51.54, source: 'premai-io/prem-1B-SQL model card' },
      { benchmark: 'Spider', score: 85, source: 'premai-io/prem-1B-SQL model card' },
    ],
    download: {
      reference: 'hf:mradermacher/prem-1B-SQL-GGUF:Q4_K_M',
      quantization: 'Q4_K_M',
      fileBytes: 0.873 * GB,
      seenAt: 'huggingface.co/mradermacher/prem-1B-SQL-GGUF file list',
    },
  },
  {
    id: 'qwen2.5-coder-1.5b-instruct',
    name: 'Qwen2.5-Coder-1.5B-Instruct',
    authors: 'Alibaba (Qwen)',
    original: 'hf:Qwen/Qwen2.5-Coder-1.5B-Instruct',
    parameters: '1.5B',
    license: { name: 'Apache-2.0', commercialUse: true },
    promptFormat: 'qwen-coder',
    contextTokens: 4096,
    // Qwen2.5 1.5B: 28 layers, 2 KV heads of 128.
    kvBytesPerToken: 2 * 28 * 2 * 128 * 2,
    reported: [],
    download: {
      reference: 'hf:mradermacher/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q4_K_M',
      quantization: 'Q4_K_M',
      fileBytes: 0.986 * GB,
      seenAt: 'huggingface.co/mradermacher/Qwen2.5-Coder-1.5B-Instruct-GGUF file list',
    },
    note: 'a general coder model, not tuned for text-to-SQL: a baseline, and a base for fine-tuning on Quarry\u2019s exports',
  },
  {
    id: 'qwen2.5-coder-7b-instruct',
    name: 'Qwen2.5-Coder-7B-Instruct',
    authors: 'Alibaba (Qwen)',
    original: 'hf:Qwen/Qwen2.5-Coder-7B-Instruct',
    parameters: '7.6B',
    license: { name: 'Apache-2.0', commercialUse: true },
    promptFormat: 'qwen-coder',
    contextTokens: 4096,
    kvBytesPerToken: QWEN25_7B_KV,
    reported: [],
    download: {
      reference: 'hf:lmstudio-community/Qwen2.5-Coder-7B-Instruct-GGUF:Q4_K_M',
      quantization: 'Q4_K_M',
      fileBytes: 4.68 * GB,
      seenAt: 'huggingface.co/lmstudio-community/Qwen2.5-Coder-7B-Instruct-GGUF file list',
    },
    note: 'a general coder model, not tuned for text-to-SQL',
  },
];

/** Room llama.cpp takes beyond the weights and the KV cache (compute buffers, scratch), roughly. */
const RUNTIME_OVERHEAD_BYTES = 0.5 * GB;

/** Memory to run an entry at its context: the weights, the KV cache for that context, and llama.cpp's buffers. An estimate. */
export function estimatedMemoryBytes(entry: CatalogEntry, contextTokens = entry.contextTokens): number | null {
  if (!entry.download) return null;
  return entry.download.fileBytes + entry.kvBytesPerToken * contextTokens + RUNTIME_OVERHEAD_BYTES;
}

export function formatGigabytes(bytes: number): string {
  return bytes >= 10 * GB ? `${(bytes / GB).toFixed(0)} GB` : `${(bytes / GB).toFixed(1)} GB`;
}

/** One line of what the authors report: "BIRD dev 63.9 · Spider test 87.9", or why there is none. */
export function reportedSummary(entry: CatalogEntry): string {
  return entry.reported.length ? entry.reported.map((r) => `${r.benchmark} ${r.score}`).join(' · ') : 'none recorded here';
}
