import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Trace } from '../../model/trace';
import { parseOtlpJson, toOtlpTracesData } from '../../model/otlpJson';
import { describeError } from '../../errors';
import type { TraceStore } from './traceStore';

const FORMAT = 'spanlens-receiver-snapshot';
const VERSION = 1;
/** Traces per OTLP TracesData document: resources are written once per document, so bigger is more compact. */
const TRACES_PER_DOCUMENT = 500;
const WRITE_CHUNK_CHARS = 1 << 20;

/**
 * The on-disk form is `{format, version, savedAt, tracesData: [TracesData, ...]}`: the traces in OTLP/JSON, written
 * and read by the model's own serializer and parser (one conversion path; span warnings travel in Jaeger's
 * `@jaeger@warnings` attribute), in eviction order so a reload keeps the same order.
 */
export async function writeSnapshot(store: TraceStore, file: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const handle = await fs.promises.open(tmp, 'w');
  try {
    let buffer = `{"format":"${FORMAT}","version":${VERSION},"savedAt":${JSON.stringify(new Date().toISOString())},"tracesData":[`;
    let first = true;
    let batch: Trace[] = [];
    const flushBatch = async (): Promise<void> => {
      if (batch.length === 0) return;
      buffer += `${first ? '' : ','}${JSON.stringify(toOtlpTracesData(batch))}`;
      first = false;
      batch = [];
      if (buffer.length >= WRITE_CHUNK_CHARS) {
        await writeAll(handle, buffer);
        buffer = '';
      }
    };
    for (const { traceId, spans } of store.spansByTrace()) {
      batch.push({ traceId, spans, warnings: [] });
      if (batch.length >= TRACES_PER_DOCUMENT) await flushBatch();
    }
    await flushBatch();
    buffer += ']}';
    await writeAll(handle, buffer);
    await handle.sync();
  } catch (e) {
    await handle.close();
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    // Atomic on the same file system: a crash leaves either the old snapshot or the new one, never half of one.
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  await syncDirectory(path.dirname(file));
}

/**
 * Writes all of `text`. FileHandle.write may write less than asked without failing (at a file-size limit, say,
 * the first write stops at the limit and only the next one fails): a short write must never pass for a whole one.
 */
async function writeAll(handle: fs.promises.FileHandle, text: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    if (bytesWritten <= 0) throw new Error(`writing stopped after ${offset} of ${bytes.length} bytes`);
    offset += bytesWritten;
  }
}

/** Makes the rename itself durable (POSIX); directories cannot be opened for this on Windows, where it is skipped. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort: the snapshot is complete either way.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Removes temporary files a writer left beside the snapshot when it was killed mid-write (`<file>.<pid>.<ms>.tmp`),
 * unless that writer still runs.
 */
export async function removeStaleTemporaries(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const match = /^(\d+)\.\d+\.tmp$/.exec(name.startsWith(prefix) ? name.slice(prefix.length) : '');
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && isRunning(pid)) continue;
    await fs.promises.rm(path.join(dir, name), { force: true }).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

export type SnapshotReadResult =
  | { readonly kind: 'loaded'; readonly traces: Trace[]; readonly spanCount: number }
  | { readonly kind: 'missing' }
  | { readonly kind: 'corrupt'; readonly message: string };

/** Reads a snapshot; a file that is not one of ours, or damaged in any way, comes back as `corrupt`, never thrown. */
export async function readSnapshot(file: string): Promise<SnapshotReadResult> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'corrupt', message: `cannot read ${file}: ${describeError(e)}` };
  }
  try {
    const json = JSON.parse(text) as unknown;
    if (typeof json !== 'object' || json === null || (json as Record<string, unknown>)['format'] !== FORMAT) {
      throw new Error('it is not a snapshot file');
    }
    const { version, tracesData } = json as Record<string, unknown>;
    if (version !== VERSION) throw new Error(`its version ${String(version)} is not ${VERSION}`);
    if (!Array.isArray(tracesData)) throw new Error('it has no tracesData list');
    const traces = parseOtlpJson(tracesData, file);
    return { kind: 'loaded', traces, spanCount: traces.reduce((n, t) => n + t.spans.length, 0) };
  } catch (e) {
    return { kind: 'corrupt', message: `${file} is not a readable Span Lens receiver snapshot (${describeError(e)})` };
  }
}
