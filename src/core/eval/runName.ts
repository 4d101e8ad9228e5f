/**
 * What a run is called where a person picks it: the model (with its adapter) or the predictions
 * file, on the dataset. Reports name no run themselves unless renamed, so this is worked out from the
 * settings `quarry eval` and the editor record.
 */
export function runName(settings: Record<string, unknown>): string {
  const limit = typeof settings.limit === 'number' ? ` (first ${settings.limit})` : '';
  return `${predictorName(settings)} on ${datasetName(settings.dataset)}${limit}`;
}

function predictorName(settings: Record<string, unknown>): string {
  const model = settings.model as string | { endpoint?: string; name?: string | null; adapter?: { name: string; scale: number } | null } | undefined;
  const lora = settings.lora as { path: string; scale: number } | undefined;
  const adapter = lora ? { name: fileName(lora.path), scale: lora.scale } : typeof model === 'object' && model?.adapter ? model.adapter : null;
  const base = typeof model === 'string' ? fileName(model) : model ? (model.name ?? hostOf(model.endpoint)) : predictionsName(settings.predictions);
  return adapter ? `${base} + ${adapter.name}${adapter.scale !== 1 ? ` at ${adapter.scale}` : ''}` : base;
}

function predictionsName(predictions: unknown): string {
  if (Array.isArray(predictions)) return `${predictions.length} prediction files`;
  return typeof predictions === 'string' ? fileName(predictions) : 'a run';
}

function datasetName(dataset: unknown): string {
  const given = dataset as { spider?: string; bird?: string; split?: string; jsonl?: string } | undefined;
  if (given?.spider) return `Spider ${given.split ?? 'dev'}`;
  if (given?.bird) return `BIRD ${given.split ?? 'dev'}`;
  if (given?.jsonl) return fileName(given.jsonl);
  return 'a dataset';
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

function hostOf(endpoint: string | undefined): string {
  try {
    return endpoint ? new URL(endpoint).host : 'a server';
  } catch {
    return 'a server';
  }
}
