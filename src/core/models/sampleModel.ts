import { join } from 'node:path';

/**
 * Quarry's own small model (models/quarry-mini-sql.gguf, trained by `npm run train:model`): what
 * the CLI, the demo and the extension use when no model is chosen. It knows SQL for the bundled
 * sample databases, not the user's, and says so wherever it is offered.
 */
export const SAMPLE_MODEL = {
  /** The value of quarry.model.source that names it (its path changes with each install). */
  source: 'sample',
  fileName: 'quarry-mini-sql.gguf',
  label: 'the sample model',
  description: 'knows SQL for the sample databases, not yours',
} as const;

/** The sample model's file in an installed Quarry (the folder above dist/). */
export function sampleModelPath(packageRoot: string): string {
  return join(packageRoot, 'models', SAMPLE_MODEL.fileName);
}
