// The viewer's browser bundle built in memory with the same esbuild settings as scripts/build.mjs, so tests never
// depend on (or write to) dist/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { ViewerAssets } from '../../../src/core/export/htmlExport';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

let cached: Promise<ViewerAssets> | undefined;

export function viewerAssets(): Promise<ViewerAssets> {
  cached ??= (async (): Promise<ViewerAssets> => {
    const result = await esbuild.build({
      absWorkingDir: repoRoot,
      entryPoints: ['src/webview/main.ts'],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const script = result.outputFiles[0]!.text;
    const css = fs.readFileSync(path.join(repoRoot, 'media', 'viewer.css'), 'utf8');
    return { script, css };
  })();
  return cached;
}
