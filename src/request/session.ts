import { createHash } from 'node:crypto';

/**
 * Replaces a session key by a stable, non-reversible token, as Open edX's
 * `substitute_session_key` does: SHAKE-128 fed the secret key and then the session
 * key, 16 bytes of output written as 32 lowercase hex characters.
 *
 * @param secretKey - the application secret (Django's `SECRET_KEY`).
 * @param sessionKey - the session id; a falsy one (no session) gives `''`.
 * @returns the hex token, or `''` when there is no session key.
 */
export function hashSessionKey(secretKey: string, sessionKey: string | null | undefined): string {
  if (!sessionKey) return '';
  return createHash('shake128', { outputLength: 16 }).update(secretKey).update(sessionKey).digest('hex');
}

const CACHE_LIMIT = 10_000;
let cachedSecret: string | undefined;
const cache = new Map<string, string>();

/**
 * {@link hashSessionKey} with the hashes of recent session keys remembered (up to
 * 10,000, oldest forgotten first): a session makes many requests, and hashing costs
 * more than the rest of the request context together.
 */
export function hashSessionKeyCached(secretKey: string, sessionKey: string | null | undefined): string {
  if (!sessionKey) return '';
  if (secretKey !== cachedSecret) {
    cachedSecret = secretKey;
    cache.clear();
  }
  let hashed = cache.get(sessionKey);
  if (hashed === undefined) {
    hashed = hashSessionKey(secretKey, sessionKey);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(sessionKey, hashed);
  }
  return hashed;
}
