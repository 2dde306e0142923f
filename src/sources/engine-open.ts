import type { Engine } from './duckdb-engine.ts';

/**
 * The columnar engine (DuckDB), opened on first use: its native module costs about 0.1 s to
 * load, which reads of CSV files alone need not pay.
 */
export class EngineHandle {
  private opened: Promise<Engine> | undefined;

  get(): Promise<Engine> {
    this.opened ??= import('./duckdb-engine.ts').then(({ Engine: DuckDbEngine }) => DuckDbEngine.open());
    return this.opened;
  }

  async close(): Promise<void> {
    if (this.opened) (await this.opened).close();
  }
}
