// Worker-thread entry (dist/codeIntelWorker.js): runs the TypeScript parse and every ts-morph transform off the
// extension host's main thread, which all extensions share, so a 100 ms parse never freezes the editor.
import { parentPort } from 'node:worker_threads';
import * as api from './codeIntel';

export interface CodeIntelRequest {
  readonly id: number;
  readonly method: string;
  readonly args: readonly unknown[];
}

export type CodeIntelResponse =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

const methods = api as unknown as Record<string, unknown>;

parentPort?.on('message', (request: CodeIntelRequest) => {
  void (async (): Promise<CodeIntelResponse> => {
    const fn = methods[request.method];
    if (typeof fn !== 'function') return { id: request.id, ok: false, error: `code intelligence has no method '${request.method}'` };
    try {
      const result: unknown = await (fn as (...a: unknown[]) => unknown)(...request.args);
      return { id: request.id, ok: true, result };
    } catch (e) {
      return { id: request.id, ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  })().then((response) => parentPort?.postMessage(response));
});
