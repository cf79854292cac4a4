import { badInput } from '../errors.js';

/** The largest seed-shaped JSON value (a form, a schedule, a saved rule) the catalog stores. */
export const JSON_VALUE_LIMIT = 10_000;

/**
 * A JSON object given for a column that stores it as it is (a form, form values): an object,
 * at most JSON_VALUE_LIMIT characters once written. Throws BAD_USER_INPUT naming `field`.
 */
export function jsonObject(value: unknown, field: string): Record<string, unknown> | null {
  if (value == null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw badInput(field, `${field.split('.').pop()} must be a JSON object`);
  if (JSON.stringify(value).length > JSON_VALUE_LIMIT)
    throw badInput(field, `${field.split('.').pop()} may be at most ${JSON_VALUE_LIMIT.toLocaleString('en-US')} characters of JSON`);
  return value as Record<string, unknown>;
}

/**
 * A reconciliation schedule in the seed's shape (`{"repeat":"Do not repeat"}`): an object whose
 * `repeat` says how often reconciliation runs.
 */
export function reconSchedule(value: unknown, field: string): Record<string, unknown> | null {
  const schedule = jsonObject(value, field);
  if (schedule === null) return null;
  const repeat = schedule.repeat;
  if (typeof repeat !== 'string' || repeat.trim() === '' || repeat.length > 255) {
    throw badInput(`${field}.repeat`, 'A schedule needs `repeat`: how often reconciliation runs, e.g. "Do not repeat" (at most 255 characters)');
  }
  return schedule;
}
