import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Paths pino censors wherever they appear. Card PINs and numbers must never reach a log line, so
 * request bodies are never logged whole and these keys are removed at any depth we know of.
 */
export const REDACT_PATHS = [
  'cardPin', 'pin', 'cardNumber', 'secret', 'password', 'masterKey',
  '*.cardPin', '*.pin', '*.cardNumber', '*.secret', '*.password',
  '*.*.cardPin', '*.*.pin', '*.*.cardNumber', '*.*.secret',
  'req.headers.authorization', 'req.headers.cookie',
  'orders[*].cardPin', 'orders[*].cardNumber', 'body.orders[*].cardPin', 'body.orders[*].cardNumber',
];

/** Long digit runs that look like a card number or PIN (15 digits or more), masked in free text too. */
const DIGIT_RUN = /\d[\d\s-]{13,}\d/g;

export function scrubDigits(text: string): string {
  return text.replace(DIGIT_RUN, (m) => {
    const digits = m.replace(/\D/g, '');
    return digits.length >= 15 ? `****${digits.slice(-4)}` : m;
  });
}

export function createLogger(options: { level?: string; destination?: DestinationStream; name?: string } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'cardrecycle',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        // Free-text messages pass through the digit scrubber: a PIN pasted into an error text stays out.
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubDigits(a) : a)) as typeof args;
          method.apply(this, scrubbed);
        },
      },
      serializers: {
        err: (e: unknown) => {
          const s = pino.stdSerializers.err(e as Error);
          if (s?.message) s.message = scrubDigits(s.message);
          if (s?.stack) s.stack = scrubDigits(s.stack);
          return s;
        },
      },
    },
    options.destination,
  );
}
