import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOpenApiDocument } from '../../src/api/openapi.js';
import { openApiContributors } from '../../src/runtime/openapi-contributors.js';

describe('OpenAPI document', () => {
  it('passes @redocly/cli lint with no errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cr-oas-'));
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(buildOpenApiDocument(openApiContributors())));
    const run = spawnSync('npx', ['redocly', 'lint', file, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
    const report = JSON.parse(run.stdout) as { totals: { errors: number; warnings: number }; problems: Array<{ message: string; severity: string }> };
    const errors = report.problems.filter((p) => p.severity === 'error').map((p) => p.message);
    expect(errors).toEqual([]);
    expect(run.status).toBe(0);
  }, 60_000);
});
