import { Upload } from '../common/upload.js';

/** The request is not a well-formed GraphQL multipart request. */
export class MultipartError extends Error {}

/**
 * Parses a GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec):
 * an `operations` field (the JSON body), a `map` field (file field → object paths), then the
 * files. Returns the operations with an `Upload` at every mapped path. File sizes are checked by
 * the service that takes the file, so the error names the argument (e.g. `attachment`).
 */
export async function parseMultipartRequest(body: Buffer, contentType: string): Promise<Record<string, unknown>> {
  let form: FormData;
  try {
    form = await new Response(new Blob([new Uint8Array(body)]), { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new MultipartError('Malformed multipart/form-data body');
  }
  const operations = json(form.get('operations'), 'operations');
  if (!operations || typeof operations !== 'object' || Array.isArray(operations)) {
    throw new MultipartError('`operations` must be a JSON object (batched operations are not supported)');
  }
  const map = json(form.get('map'), 'map') ?? {};
  if (typeof map !== 'object' || Array.isArray(map)) throw new MultipartError('`map` must be a JSON object of file field → paths');

  for (const [key, paths] of Object.entries(map as Record<string, unknown>)) {
    const file = form.get(key);
    if (!(file instanceof File)) throw new MultipartError(`\`map\` names the file field "${key}", which the request does not carry`);
    if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string')) {
      throw new MultipartError(`\`map.${key}\` must be a non-empty list of paths`);
    }
    if (file.name.includes('\u0000') || file.type.includes('\u0000')) throw new MultipartError(`The file field "${key}" has a NUL character in its name or type`);
    const upload = new Upload(file.name || 'upload', file.type || 'application/octet-stream', Buffer.from(await file.arrayBuffer()));
    for (const path of paths as string[]) place(operations as Record<string, unknown>, path, upload);
  }
  return operations as Record<string, unknown>;
}

function json(value: FormDataEntryValue | null, name: string): unknown {
  if (value === null) return undefined;
  if (typeof value !== 'string') throw new MultipartError(`\`${name}\` must be a text field`);
  try {
    return JSON.parse(value);
  } catch {
    throw new MultipartError(`\`${name}\` is not valid JSON`);
  }
}

/**
 * Puts `value` at a dotted path (`variables.input.files.0`); the path must exist and hold null.
 * Only own properties are followed: `__proto__` or `constructor` would reach a prototype.
 */
function place(target: Record<string, unknown>, path: string, value: Upload) {
  const keys = path.split('.');
  let node: unknown = target;
  const own = (o: unknown, key: string) => !!o && typeof o === 'object' && key !== '__proto__' && Object.hasOwn(o, key);
  for (const key of keys.slice(0, -1)) {
    node = own(node, key) ? (node as Record<string, unknown>)[key] : undefined;
  }
  const last = keys.at(-1)!;
  if (!own(node, last) || (node as Record<string, unknown>)[last] !== null) {
    throw new MultipartError(`\`map\` path "${path}" does not name a null variable of the operation`);
  }
  (node as Record<string, unknown>)[last] = value;
}
