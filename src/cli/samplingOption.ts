import { integerOption } from './parseCommandArgs';
import { UsageError } from './UsageError';

export const SAMPLING_ARGS = {
  temperature: { type: 'string' },
  'top-p': { type: 'string' },
  seed: { type: 'string' },
} as const;

export const SAMPLING_HELP = `  --temperature T       0 (default) takes the likeliest token; above 0 samples
  --top-p P             with sampling, only the likeliest tokens whose probabilities add up to P (0–1)
  --seed N              fixes the sampling, for reproducible runs`;

export interface Sampling {
  temperature: number;
  topP: number | undefined;
  seed: number | undefined;
}

export function samplingOption(command: string, values: { temperature?: string; 'top-p'?: string; seed?: string }): Sampling {
  return {
    temperature: values.temperature === undefined ? 0 : numberBetween(command, 'temperature', values.temperature, 0, 2),
    topP: values['top-p'] === undefined ? undefined : numberBetween(command, 'top-p', values['top-p'], 0, 1),
    seed: integerOption(command, 'seed', values.seed, 0),
  };
}

function numberBetween(command: string, name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`${command}: --${name} must be a number from ${min} to ${max}, got '${text}'`);
  }
  return value;
}
