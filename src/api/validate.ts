import type { z } from 'zod';
import { AppError } from '../core/errors.js';

/**
 * Parses with a zod schema; a failure becomes a 400 problem listing each field's path and message.
 * Unknown fields get their own code. zod's messages name types and rules, never the input values.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params' = 'body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message, code: i.code }));
  const unknown = result.error.issues.find((i) => i.code === 'unrecognized_keys');
  if (unknown && 'keys' in unknown) {
    throw new AppError('unknown_field', 400, 'Bad request', {
      detail: `unknown field(s) in ${where}: ${(unknown.keys as string[]).map((k) => k.slice(0, 40)).join(', ')}`,
      extra: { errors: issues },
    });
  }
  const first = issues[0];
  throw new AppError('validation_failed', 400, 'Bad request', { detail: first ? `${first.path}: ${first.message}` : 'invalid input', extra: { errors: issues } });
}
