/** A request our endpoints refuse: answered with `status` (4xx) and this message; nothing is emitted. */
export class ClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Headers the answer must carry (for example `Allow` with a 405). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}
