import type { RequestHandler } from 'express';
import type { Metrics } from '../../core/metrics.js';

type Observer = { observe(seconds: number): void };
const MAX_SERIES = 1000;

/**
 * Latency by route template (never the raw path: ids would explode the label set) and status.
 * The labelled child of each series is kept: prom-client otherwise hashes the label object on
 * every observation, a measurable share of a fast request.
 */
export function httpMetrics(metrics: Metrics): RequestHandler {
  const series = new Map<string, Observer>();
  const observerFor = (method: string, route: string, status: string): Observer => {
    const key = `${method} ${status} ${route}`;
    let o = series.get(key);
    if (!o) {
      o = metrics.httpDuration.labels({ method, route, status });
      if (series.size < MAX_SERIES) series.set(key, o);
    }
    return o;
  };
  return (req, res, next) => {
    const start = performance.now();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      observerFor(req.method, route, String(res.statusCode)).observe((performance.now() - start) / 1000);
    });
    next();
  };
}
