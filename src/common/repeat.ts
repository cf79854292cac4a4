/**
 * How often something repeats, in the words the seed documents use for `repeat` ("Do not
 * repeat") and the obvious others: Hourly, Daily, Weekly, Monthly, Quarterly, Yearly (Annually),
 * or "Every N hours|days|weeks|months|years".
 */
export interface Period {
  unit: 'hours' | 'days' | 'months';
  n: number;
}

const NAMED: Record<string, Period> = {
  hourly: { unit: 'hours', n: 1 },
  daily: { unit: 'days', n: 1 },
  weekly: { unit: 'days', n: 7 },
  monthly: { unit: 'months', n: 1 },
  quarterly: { unit: 'months', n: 3 },
  yearly: { unit: 'months', n: 12 },
  annually: { unit: 'months', n: 12 },
};

export const REPEAT_FORMS = 'Do not repeat, Hourly, Daily, Weekly, Monthly, Quarterly, Yearly, or "Every N hours|days|weeks|months|years" (N from 1 to 1000)';

/** The period `text` names; null for "Do not repeat"; undefined when it is not a repeat at all. */
export function periodOf(text: string): Period | null | undefined {
  const t = text.trim().toLowerCase().replace(/\s+/g, ' ');
  if (t === 'do not repeat' || t === 'never' || t === 'none') return null;
  if (NAMED[t]) return NAMED[t];
  const every = /^every ([0-9]{1,4}) (hour|day|week|month|year)s?$/.exec(t);
  if (!every) return undefined;
  const n = Number(every[1]);
  if (n < 1 || n > 1000) return undefined;
  const [unit, factor] = ({ hour: ['hours', 1], day: ['days', 1], week: ['days', 7], month: ['months', 1], year: ['months', 12] } as const)[every[2] as 'hour'];
  return { unit, n: n * factor };
}

/** `from` plus one period (months keep the day of month where it exists, else the month's last day). */
export function after(from: Date, period: Period): Date {
  if (period.unit === 'hours') return new Date(from.getTime() + period.n * 3_600_000);
  if (period.unit === 'days') return new Date(from.getTime() + period.n * 86_400_000);
  const d = new Date(from);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + period.n);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}
