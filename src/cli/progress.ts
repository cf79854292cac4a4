import { performance } from 'node:perf_hooks';

/** Where the bar is drawn: stderr in the CLI, a fake stream in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

const WIDTH = 24;
/** Redraws per second on a terminal: enough to look live, few enough to cost nothing. */
const REDRAW_MS = 100;

/** One line of the bar: `users  [#######.....]  5000/10000  50%  41,000/s`. */
export function formatProgress(stage: string, done: number, total: number, elapsedMs: number): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(fraction * WIDTH);
  const rate = elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : 0;
  const width = String(total).length;
  return [
    stage.padEnd(16),
    `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}]`,
    `${String(done).padStart(width)}/${total}`,
    `${Math.floor(fraction * 100)}%`.padStart(4),
    `${rate.toLocaleString('en-US')}/s`,
  ].join('  ');
}

/**
 * A progress bar over named stages. On a terminal it redraws one line in place (`\r`);
 * anywhere else (a pipe, a CI log) it prints one finished line per stage, so logs stay readable.
 */
export class ProgressBar {
  private stage?: { name: string; started: number; done: number; total: number; drawnAt: number };

  constructor(
    private readonly out: ProgressStream = process.stderr,
    private readonly now: () => number = () => performance.now(),
  ) {}

  update(name: string, done: number, total: number): void {
    const t = this.now();
    if (this.stage?.name !== name) {
      this.finish();
      this.stage = { name, started: t, done, total, drawnAt: -Infinity };
    }
    const stage = this.stage!;
    stage.done = done;
    stage.total = total;
    if (this.out.isTTY && (done >= total || t - stage.drawnAt >= REDRAW_MS)) {
      stage.drawnAt = t;
      this.out.write(`\r${this.line()}\x1b[K`);
    }
  }

  /** Ends the current stage's line (called by the next stage, and once at the end). */
  finish(): void {
    if (!this.stage) return;
    this.out.write(this.out.isTTY ? `\r${this.line()}\x1b[K\n` : `${this.line()}\n`);
    this.stage = undefined;
  }

  private line(): string {
    const { name, started, done, total } = this.stage!;
    return formatProgress(name, done, total, this.now() - started);
  }
}
