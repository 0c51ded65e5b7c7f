/** The committed dataset's simulation parameters (datasets/quotes.csv was generated with these). */
export const DEFAULT_SIMULATION = { seed: 20240101, start: '2024-01-01', days: 731 } as const;
