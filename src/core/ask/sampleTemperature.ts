/** OmniSQL's and Arctic's harnesses sample at 0.8 when they vote. */
export const DEFAULT_SAMPLE_TEMPERATURE = 0.8;

/** Where a sampling temperature came from, for reports and logs. */
export type TemperatureSource = 'option' | 'model' | 'default';

/**
 * The temperature several samples are drawn at: the one asked for; else the model's own
 * recommendation, which llama.cpp's converter writes from its generation_config.json as
 * `general.sampling.temp` (the model's card, in its file); else 0.8.
 */
export function sampleTemperature(given: number | undefined, metadata: ReadonlyMap<string, unknown> | null): { value: number; source: TemperatureSource } {
  if (given) return { value: given, source: 'option' };
  const card = metadata?.get('general.sampling.temp');
  if (typeof card === 'number' && Number.isFinite(card) && card > 0) return { value: Math.round(card * 1e6) / 1e6, source: 'model' };
  return { value: DEFAULT_SAMPLE_TEMPERATURE, source: 'default' };
}
