import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TraceSource } from './traceSource';
import { SpanLensError } from '../errors';
import { FileTraceSource } from './fileSource';
import { JaegerSource, type JaegerSourceOptions } from './jaeger/jaegerSource';
import { ZipkinSource, looksLikeZipkinUrl, pathSaysZipkin } from './zipkin/zipkinSource';
import { DetectedHttpSource } from './detectedHttpSource';

export const DEFAULT_JAEGER_URL = 'http://localhost:16686';

export interface OpenSourceOptions {
  readonly timeoutMs: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly bearerToken?: string;
  readonly maxResponseBytes?: number;
  readonly allowInsecureTls?: boolean;
  /** Base for relative file paths (default: the process's working directory). */
  readonly cwd?: string;
}

/** `$SPANLENS_SOURCE` when set and not blank, else the local Jaeger all-in-one's query URL. */
export function defaultSourceSpec(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const fromEnv = env['SPANLENS_SOURCE']?.trim();
  return fromEnv ? fromEnv : DEFAULT_JAEGER_URL;
}

/**
 * Opens a trace source from what a user typed: an http(s) URL is a Jaeger query service or a Zipkin server (told
 * apart by their APIs, see DetectedHttpSource), an existing file a trace
 * file (Jaeger JSON, OTLP JSON or Zipkin JSON). Anything else is a 'bad-input' error that says which was expected.
 */
export function openTraceSource(spec: string, options: OpenSourceOptions): TraceSource {
  const text = spec.trim();
  if (/^https?:\/\//i.test(text)) return openHttpSource(text, options);
  if (text === '') throw new SpanLensError('bad-input', 'No trace source given: use a Jaeger URL such as http://localhost:16686 or the path of a trace file.');
  const file = path.resolve(options.cwd ?? process.cwd(), text);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    const hint = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? 'Only http:// and https:// URLs are supported. ' : '';
    throw new SpanLensError(
      'bad-input',
      `"${spec}" is neither a Jaeger URL nor an existing trace file. ${hint}Use a URL such as http://localhost:16686 or the path of a Jaeger, OTLP or Zipkin JSON file.`,
      { file },
    );
  }
  if (!stat.isFile()) {
    throw new SpanLensError('bad-input', `"${spec}" is a directory, not a trace file. Give the path of a Jaeger, OTLP or Zipkin JSON file.`, { file });
  }
  return new FileTraceSource({ paths: [file] });
}

function openHttpSource(url: string, options: OpenSourceOptions): TraceSource {
  return openHttpTraceSource({
    baseUrl: url,
    timeoutMs: options.timeoutMs,
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.bearerToken ? { bearerToken: options.bearerToken } : {}),
    ...(options.maxResponseBytes !== undefined ? { maxResponseBytes: options.maxResponseBytes } : {}),
    ...(options.allowInsecureTls !== undefined ? { allowInsecureTls: options.allowInsecureTls } : {}),
  });
}

/** Zipkin when the URL's path says so (`/zipkin`, `/api/v2`), else whichever of Jaeger and Zipkin its API shows. */
export function openHttpTraceSource(http: JaegerSourceOptions): TraceSource {
  const url = http.baseUrl;
  if (pathSaysZipkin(url)) return new ZipkinSource(http);
  const jaeger = new JaegerSource(http);
  const zipkin = new ZipkinSource(http);
  return looksLikeZipkinUrl(url) ? new DetectedHttpSource(zipkin, jaeger) : new DetectedHttpSource(jaeger, zipkin);
}
