import { estimatedMemoryBytes, formatGigabytes, MODEL_CATALOG, reportedSummary, type CatalogEntry } from '../core/models/modelCatalog';
import { parseCommandArgs } from './parseCommandArgs';
import { toJson } from './toJson';

export const MODELS_HELP = `Usage: quarry models [--json]

Lists the curated text-to-SQL models: size, memory needed, license, the prompt format each
was trained on, the accuracy its authors report (and where), and the reference to download it:
  quarry ask --model <download> … (or "Quarry: Select Model…" in the editor)

Sizes are the listed GGUF file's; memory is an estimate: the file, the KV cache for the
context the model needs, and about 0.5 GB for llama.cpp's buffers.

Options:
  --json       print the catalog as JSON (memoryBytes added to each entry)
  -h, --help   show this help`;

export async function modelsCommand(args: string[], write: (text: string) => void): Promise<void> {
  const { values } = parseCommandArgs('models', args, { json: { type: 'boolean' } });
  if (values.help) return write(MODELS_HELP);
  if (values.json) return write(toJson(MODEL_CATALOG.map((entry) => ({ ...entry, memoryBytes: estimatedMemoryBytes(entry) }))));
  write(MODEL_CATALOG.map(describeEntry).join('\n\n'));
}

function describeEntry(entry: CatalogEntry): string {
  const memory = estimatedMemoryBytes(entry);
  const size = entry.download && memory !== null
    ? `${formatGigabytes(entry.download.fileBytes)} (${entry.download.quantization}), about ${formatGigabytes(memory)} to run with a context of ${entry.contextTokens} tokens`
    : 'no GGUF listed';
  const license = `${entry.license.name}${entry.license.commercialUse ? '' : ', NOT for commercial use'}${entry.license.note ? ` (${entry.license.note})` : ''}`;
  return [
    `${entry.name}  ${entry.parameters} · ${license} · prompt format ${entry.promptFormat}`,
    `  ${size}`,
    `  reported: ${reportedSummary(entry)}${entry.reported.length ? ` (${[...new Set(entry.reported.map((r) => r.source))].join('; ')})` : ''}`,
    `  download: ${entry.download?.reference ?? `— ${entry.note ?? ''}`}`,
    ...(entry.download && entry.note ? [`  note: ${entry.note}`] : []),
  ].join('\n');
}
