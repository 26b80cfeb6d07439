/**
 * The root of every error Bulwark throws on purpose. `code` is a stable machine string (never
 * reused for another meaning); `status` is the HTTP status the one error mapper answers with.
 * `message` is for logs and may be more specific than what a client sees; `detail` is the only
 * text a client ever sees, so it must never contain a token, password, secret or key material.
 */
export abstract class BulwarkError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  readonly detail: string | undefined;

  /** Fastify's and Express's default error handlers read `statusCode`: apps that embed the
   *  guard without Bulwark's error mapper still answer 401/403, never 500. */
  get statusCode(): number {
    return this.status;
  }

  constructor(message: string, options?: { detail?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.detail = options?.detail;
  }
}
