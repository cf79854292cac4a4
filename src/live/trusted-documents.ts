import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import { ConfigError } from '../config.js';

/** What a request may carry under Apollo's persisted-query protocol. */
export interface PersistedRequest {
  query?: unknown;
  extensions?: unknown;
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The allow-list of operations (TRUSTED_DOCUMENTS=on): a manifest `{ "<sha256>": "<document>" }`,
 * as the typed client's generator writes it (client/persisted-documents.json). A request names
 * its operation by `extensions.persistedQuery.sha256Hash` (Apollo's persisted-query protocol),
 * with or without the text; a request with only a text is accepted when that text is in the list.
 */
export class TrustedDocuments {
  private constructor(private readonly documents: ReadonlyMap<string, string>) {}

  static load(path: string): TrustedDocuments {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ConfigError(
        `TRUSTED_DOCUMENTS_MANIFEST must be a readable JSON file of { "<sha256>": "<document>" }, got ${JSON.stringify(path)} (${(error as Error).message.split('\n')[0]})`,
      );
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError('TRUSTED_DOCUMENTS_MANIFEST must hold a JSON object { "<sha256>": "<document>" }');
    const documents = new Map<string, string>();
    for (const [hash, text] of Object.entries(parsed)) {
      if (typeof text !== 'string' || sha256(text) !== hash)
        throw new ConfigError(`TRUSTED_DOCUMENTS_MANIFEST: the entry ${hash.slice(0, 16)}… is not the SHA-256 of its document`);
      documents.set(hash, text);
    }
    return new TrustedDocuments(documents);
  }

  get size(): number {
    return this.documents.size;
  }

  /** The registered text the request stands for; a refusal (PERSISTED_QUERY_NOT_IN_LIST) otherwise. */
  resolve(request: PersistedRequest): string {
    const hash = persistedHash(request.extensions);
    const text = typeof request.query === 'string' && request.query.length > 0 ? request.query : undefined;
    if (hash !== undefined) {
      const known = this.documents.get(hash);
      if (known !== undefined && (text === undefined || sha256(text) === hash)) return known;
    } else if (text !== undefined && this.documents.has(sha256(text))) {
      return text;
    }
    throw new GraphQLError(
      hash === undefined && text === undefined
        ? 'This server accepts only registered operations: send extensions.persistedQuery.sha256Hash of one'
        : 'This operation is not registered on this server (trusted documents): only the operations of the generated client are accepted',
      { extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST', http: { status: 400 } } },
    );
  }
}

/** `extensions.persistedQuery.sha256Hash`, when the request has one. */
export function persistedHash(extensions: unknown): string | undefined {
  const persisted = extensions && typeof extensions === 'object' ? (extensions as { persistedQuery?: unknown }).persistedQuery : undefined;
  const hash = persisted && typeof persisted === 'object' ? (persisted as { sha256Hash?: unknown }).sha256Hash : undefined;
  return typeof hash === 'string' ? hash.toLowerCase() : undefined;
}
