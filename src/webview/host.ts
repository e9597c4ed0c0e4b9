// The webview's side of src/shared/protocol.ts: posting to the VS Code host, receiving checked messages, and the
// persisted panel state. In the exported HTML page there is no host and `connected` is false.
import { decodeHostMessage, isHostToViewMessage, isViewerState, type HostToViewMessage, type ViewerState, type ViewToHostMessage } from '../shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  // Provided by VS Code inside webviews (and by tests that fake a host).
  function acquireVsCodeApi(): VsCodeApi;
}

export interface HostBridge {
  readonly connected: boolean;
  post(message: ViewToHostMessage): void;
  getState(): ViewerState | undefined;
  setState(state: ViewerState): void;
  onMessage(handler: (message: HostToViewMessage) => void): void;
}

export function connectHost(): HostBridge {
  const api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  if (!api) {
    return { connected: false, post: () => undefined, getState: () => undefined, setState: () => undefined, onMessage: () => undefined };
  }
  return {
    connected: true,
    post: (message) => api.postMessage(message),
    getState: () => {
      const s = api.getState();
      return isViewerState(s) ? s : undefined;
    },
    setState: (state) => api.setState(state),
    onMessage: (handler) => {
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        const data = decodeHostMessage(event.data);
        if (isHostToViewMessage(data)) handler(data);
        else {
          const type = typeof data === 'object' && data !== null ? String((data as { type?: unknown }).type) : typeof data;
          api.postMessage({ type: 'log', level: 'warn', message: `trace viewer dropped an invalid message (type ${type.slice(0, 40)})` } satisfies ViewToHostMessage);
        }
      });
    },
  };
}
