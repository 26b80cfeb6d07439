import type { FastifyBaseLogger } from 'fastify';
import pino, { type ChildLoggerOptions, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/index.js';

/**
 * Redaction is a second line of defence: no code path logs a body or these headers, but if one
 * ever does, the secret is replaced before the line is written.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.current_password',
  '*.new_password',
  '*.refresh_token',
  '*.access_token',
  '*.token',
  '*.secret',
  // A Postgres constraint error's detail quotes the row it refused ("Failing row contains (…)"):
  // an outbox row holds a mail's link, so a failed insert would log its token.
  'err.detail',
];

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}

type Bindings = Record<string, unknown>;
type Method = (...args: unknown[]) => void;
type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * A request's logger that becomes a real pino child only when a line is written through it at
 * an enabled level. Fastify makes a child per request (for the request id binding), and a pino
 * child with redaction configured costs a bindings serialisation and a redaction pass: paid on
 * every request although at warn almost no request logs anything.
 */
class LazyChildLogger {
  #real: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
  ) {}

  get level(): string {
    return this.#real?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.#materialize().level = level;
  }

  fatal(...args: unknown[]): void {
    this.#write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.#write('error', args);
  }
  warn(...args: unknown[]): void {
    this.#write('warn', args);
  }
  info(...args: unknown[]): void {
    this.#write('info', args);
  }
  debug(...args: unknown[]): void {
    this.#write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.#write('trace', args);
  }
  silent(): void {}

  isLevelEnabled(level: string): boolean {
    return (this.#real ?? this.parent).isLevelEnabled(level);
  }

  child(bindings: Bindings, options?: Record<string, unknown>): Logger {
    return this.#materialize().child(bindings, options);
  }

  #write(level: LevelName, args: unknown[]): void {
    const target = this.#real ?? (this.parent.isLevelEnabled(level) ? this.#materialize() : undefined);
    if (target !== undefined) (target[level] as Method).apply(target, args);
  }

  #materialize(): Logger {
    this.#real ??= this.parent.child(this.bindings);
    return this.#real;
  }
}

/**
 * For Fastify's `setChildLoggerFactory` on an app whose logger is pino: lazy request children;
 * a route with its own level or serializers gets a real child at once.
 */
export function lazyChildLoggerFactory(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  if (Object.keys(options).length > 0) return logger.child(bindings, options);
  return new LazyChildLogger(logger as Logger, bindings) as unknown as FastifyBaseLogger;
}
