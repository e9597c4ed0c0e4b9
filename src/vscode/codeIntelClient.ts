import * as vscode from 'vscode';
import { Worker } from 'node:worker_threads';
import type * as CodeIntel from '../core/code/codeIntel';
import type { CodeIntelRequest, CodeIntelResponse } from '../core/code/codeIntelWorker';

type Api = typeof CodeIntel;
type Method = { [K in keyof Api]: Api[K] extends (...args: never[]) => unknown ? K : never }[keyof Api];

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * Talks to the code-intelligence worker thread. The worker (and with it ts-morph and TypeScript) starts on the
 * first request, never at activation; a crashed worker is replaced on the next request.
 */
export class CodeIntelClient implements vscode.Disposable {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Calls `method` of src/core/code/codeIntel.ts in the worker. A cancelled token rejects at once. */
  call<K extends Method>(method: K, args: Parameters<Api[K]>, token?: vscode.CancellationToken): Promise<Awaited<ReturnType<Api[K]>>> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (token?.isCancellationRequested) {
        reject(new vscode.CancellationError());
        return;
      }
      const sub = token?.onCancellationRequested(() => {
        this.pending.delete(id);
        reject(new vscode.CancellationError());
      });
      this.pending.set(id, {
        resolve: (v) => {
          sub?.dispose();
          resolve(v as Awaited<ReturnType<Api[K]>>);
        },
        reject: (e) => {
          sub?.dispose();
          reject(e);
        },
      });
      worker.postMessage({ id, method, args } satisfies CodeIntelRequest);
    });
  }

  get started(): boolean {
    return this.worker !== undefined;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const file = vscode.Uri.joinPath(this.extensionUri, 'dist', 'codeIntelWorker.js').fsPath;
    const worker = new Worker(file);
    this.log.info('Code intelligence worker started');
    worker.on('message', (msg: CodeIntelResponse) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
    });
    const fail = (error: Error): void => {
      this.log.error(`Code intelligence worker stopped: ${error.message}`);
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`worker exited with code ${code}`));
      else if (this.worker === worker) this.worker = undefined;
    });
    // The worker must not keep the extension host alive at shutdown.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  dispose(): void {
    const w = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(new vscode.CancellationError());
    this.pending.clear();
    void w?.terminate();
  }
}
