/** One readiness check: resolves when its part can serve, throws (with a short reason) when not. */
export type ReadinessCheck = () => Promise<void>;

/** How long one check may take before it counts as failing: a probe must answer quickly. */
export const CHECK_TIMEOUT_MS = 2_000;

export interface ReadinessReport {
  ready: boolean;
  /** `ok`, or why the check failed. */
  checks: Record<string, string>;
  /** The names of the failing checks. */
  failing: string[];
}

class CheckTimeout extends Error {}

/**
 * What /ready asks: the gateway's own checks (database, migrations) plus any another part
 * registers (a job runner: "running"). All run at once, each within CHECK_TIMEOUT_MS.
 */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  /** Adds (or replaces) a named check. */
  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  unregister(name: string): void {
    this.checks.delete(name);
  }

  async report(): Promise<ReadinessReport> {
    const results = await Promise.all([...this.checks].map(async ([name, check]) => [name, await outcome(check)] as const));
    const checks = Object.fromEntries(results);
    const failing = results.filter(([, result]) => result !== 'ok').map(([name]) => name);
    return { ready: failing.length === 0, checks, failing };
  }
}

async function outcome(check: ReadinessCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout()), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch (error) {
    return error instanceof CheckTimeout ? `no answer within ${CHECK_TIMEOUT_MS} ms` : reason(error);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A failure as a probe may show it: the error's code (ECONNREFUSED, 57P01, …) or the first line
 * of its message, never a stack or the SQL a driver appends.
 */
function reason(error: unknown): string {
  const e = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof e.code === 'string' && /^[A-Z0-9_]{2,40}$/.test(e.code)) return `failed (${e.code})`;
  const first = String(e.message ?? error)
    .split('\n')[0]
    .replace(/^.* - (?=[a-z])/, '')
    .slice(0, 200);
  return `failed: ${first}`;
}
