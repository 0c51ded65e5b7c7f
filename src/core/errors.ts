/**
 * The one error base class (DESIGN convention 4). Everything thrown on purpose is an AppError with a
 * stable snake_case `code`; the API's error middleware maps it to application/problem+json and hides
 * anything else behind a generic 500. Expected business outcomes are returned values, not throws.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface AppErrorOptions {
  detail?: string;
  /** Extra machine-readable members merged into the problem document (never secrets). */
  extra?: Record<string, unknown>;
  logLevel?: LogLevel;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly extra: Record<string, unknown>;
  readonly logLevel: LogLevel;

  constructor(code: string, status: number, title: string, options: AppErrorOptions = {}) {
    super(options.detail ?? title, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.title = title;
    this.detail = options.detail ?? title;
    this.extra = options.extra ?? {};
    this.logLevel = options.logLevel ?? (status >= 500 ? 'error' : 'info');
  }
}

export const badRequest = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new AppError(code, 400, 'Bad request', { detail, extra });

export const notFound = (code: string, detail: string) => new AppError(code, 404, 'Not found', { detail });

export const conflict = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new AppError(code, 409, 'Conflict', { detail, extra });

export const unauthorized = (code: string, detail: string) =>
  new AppError(code, 401, 'Unauthorized', { detail, logLevel: 'warn' });

export const unprocessable = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new AppError(code, 422, 'Unprocessable content', { detail, extra });

export const unavailable = (code: string, detail: string) =>
  new AppError(code, 503, 'Service unavailable', { detail, logLevel: 'warn' });

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
