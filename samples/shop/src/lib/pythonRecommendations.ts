/**
 * How start-all runs the Python recommendations service (samples/shop/python/recommendations, installed by
 * scripts/samples/python.mjs into a venv under .spanlens-cache/): `<venv>/bin/python app.py`, or why it cannot
 * (no python3, not installed).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExternalCommand } from './javaPayments';

export function pythonRecommendationsCommand(shopRoot: string): ExternalCommand | { readonly skip: string } {
  const app = path.join(shopRoot, 'python', 'recommendations', 'app.py');
  const python = path.join(shopRoot, '..', '..', '.spanlens-cache', 'samples', 'python-recommendations', process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
  if (spawnSync('python3', ['--version'], { stdio: 'ignore', timeout: 30_000 }).status !== 0) return { skip: 'no python3 on the PATH' };
  if (!fs.existsSync(python)) return { skip: 'not installed (npm run build:sample installs it with pip)' };
  // OTLP/HTTP protobuf is the Python exporter's encoding; the shop sends traces only.
  return { command: python, args: [app], env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none', PYTHONUNBUFFERED: '1' } };
}
