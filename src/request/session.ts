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
