/**
 * Where time comes from for everything that acts on a date (task expiry, escalation, schedules,
 * jobs). Injected through createApp, so tests move time forward instead of waiting for it.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until a test moves it. */
export class TestClock implements Clock {
  private at: number;

  constructor(start: Date | string = '2026-01-05T09:00:00.000Z') {
    this.at = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.at);
  }

  /** Moves time forward by `ms` (or a `{ days, hours, minutes }` span). */
  advance(span: number | { days?: number; hours?: number; minutes?: number; seconds?: number }): Date {
    const ms = typeof span === 'number' ? span : (((span.days ?? 0) * 24 + (span.hours ?? 0)) * 60 + (span.minutes ?? 0)) * 60_000 + (span.seconds ?? 0) * 1000;
    if (ms < 0) throw new Error('a test clock only moves forward');
    this.at += ms;
    return this.now();
  }

  set(at: Date | string): Date {
    this.at = new Date(at).getTime();
    return this.now();
  }
}
