/**
 * Loads an optional peer dependency (`redis`, `nats`) on first use, so that the rest
 * of the package works without it. Throws an error that names the package to install.
 *
 * @param name - the package name, as `npm install` wants it.
 * @param user - who needs it, for the message (`'RedisStreamTransport'`).
 */
export function requireOptional<T>(name: string, user: string): T {
  try {
    return require(name) as T;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const missing = code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
    if (missing && String((error as Error).message).includes(`'${name}'`)) {
      throw new Error(`${user} needs the '${name}' package, which is not installed: run \`npm install ${name}\``);
    }
    throw error;
  }
}
