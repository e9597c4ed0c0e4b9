// Worker-thread entry (dist/viewerWorker.js): fetching, parsing, payload building and analysis of the traces the
// viewer shows run here, never on the extension host's main thread, which every extension shares.
import { parentPort } from 'node:worker_threads';
import { ViewerWorkerDispatcher } from './viewerWorkerJobs';
import type { ViewerWorkerRequest } from './viewerWorkerProtocol';

const dispatcher = new ViewerWorkerDispatcher();

parentPort?.on('message', (request: ViewerWorkerRequest) => {
  void dispatcher
    .handle(request)
    .then((answer) => {
      if (answer) parentPort?.postMessage(answer.response, answer.transfer);
    })
    // handle() turns job failures into answers; this is a failure to post one (e.g. an uncloneable result).
    .catch((e: unknown) => parentPort?.postMessage({ id: request.id, ok: false, error: { message: e instanceof Error ? e.message : String(e) } }));
});
