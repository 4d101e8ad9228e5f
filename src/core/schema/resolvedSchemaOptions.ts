import { DEFAULT_SAMPLE_VALUES } from '../defaults';
import type { SchemaOptions } from '../types/DatabaseSchema';

export const DEFAULT_MAX_VALUE_LENGTH = 60;

export function resolvedSchemaOptions(options: SchemaOptions = {}): Required<SchemaOptions> {
  return {
    sampleValues: Math.max(0, Math.floor(options.sampleValues ?? DEFAULT_SAMPLE_VALUES)),
    maxValueLength: Math.max(8, Math.floor(options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH)),
    exactCounts: options.exactCounts ?? false,
  };
}
