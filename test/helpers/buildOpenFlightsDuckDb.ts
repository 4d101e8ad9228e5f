import { buildOpenFlightsDuckDb as build } from '../../scripts/buildOpenFlights';
import { OPENFLIGHTS_DIR } from './fixtures';

/** The OpenFlights DuckDB file the tests use: the repo's script, on ../shared's data. */
export function buildOpenFlightsDuckDb(target: string): Promise<void> {
  return build(target, OPENFLIGHTS_DIR);
}
