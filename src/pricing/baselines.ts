/**
 * The baselines every model is judged against, as one-step-ahead predictors that see only the
 * history they are given (`prices[0..t]`, predicting t+1).
 */
export type OneStepPredictor = (prices: readonly number[], t: number) => number;

export const naive: OneStepPredictor = (p, t) => p[t];

/** Same weekday last week: the value 7 steps before the target. */
export const seasonalNaive: OneStepPredictor = (p, t) => (t >= 6 ? p[t - 6] : p[t]);

export const EWMA_ALPHA = 0.3;
export const EWMA_SPAN = 60;

/** Exponentially weighted average of the last EWMA_SPAN observations (older weights are negligible). */
export const ewma: OneStepPredictor = (p, t) => {
  const from = Math.max(0, t - EWMA_SPAN + 1);
  let level = p[from];
  for (let i = from + 1; i <= t; i++) level = EWMA_ALPHA * p[i] + (1 - EWMA_ALPHA) * level;
  return level;
};

export const BASELINES = { naive, seasonalNaive, ewma } as const;
export type BaselineName = keyof typeof BASELINES;
