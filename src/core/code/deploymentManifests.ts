// Service names that deployment files give a folder: `ENV OTEL_SERVICE_NAME=orders` in a Dockerfile (the
// folder it builds), and docker-compose services whose `build` context is a folder and whose `environment` sets
// `OTEL_SERVICE_NAME` (or `service.name` in `OTEL_RESOURCE_ATTRIBUTES`). Read line by line: the keys we need sit
// at predictable places, and a YAML library is not worth shipping for them.
import * as path from 'node:path';
import { serviceNameFromEnv } from './envFiles';

export const dockerfileNames: readonly string[] = ['Dockerfile'];
export const composeFileNames: readonly string[] = ['docker-compose.yml', 'docker-compose.yaml', 'compose.yml', 'compose.yaml'];

/** `ENV OTEL_SERVICE_NAME=orders`, `ENV OTEL_SERVICE_NAME orders`, several pairs on one ENV line. */
export function serviceNameFromDockerfile(text: string): string | undefined {
  const env = new Map<string, string>();
  for (const raw of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const m = /^\s*ENV\s+(.+)$/i.exec(raw);
    if (!m) continue;
    const rest = m[1]!.trim();
    const legacy = /^([A-Za-z_][\w.]*)\s+([^=]*)$/.exec(rest);
    if (legacy && !rest.includes('=')) {
      env.set(legacy[1]!, unquote(legacy[2]!.trim()));
      continue;
    }
    for (const pair of rest.matchAll(/([A-Za-z_][\w.]*)=("[^"]*"|'[^']*'|\S*)/g)) env.set(pair[1]!, unquote(pair[2]!));
  }
  return serviceNameFromEnv(env);
}

function unquote(v: string): string {
  return (v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")) ? v.slice(1, -1) : v;
}

export interface ComposeService {
  readonly name: string;
  /** Absolute build context folder, when the service is built from the repo. */
  readonly context?: string;
  readonly service?: string;
}

/** The services of a compose file with their build context and OTEL service name. */
export function composeServices(text: string, composeFile: string): ComposeService[] {
  const lines = text.split(/\r?\n/);
  const out: ComposeService[] = [];
  let inServices = false;
  let serviceIndent = -1;
  let current: { name: string; context?: string; env: Map<string, string> } | undefined;
  let block: 'build' | 'environment' | undefined;
  let blockIndent = -1;
  const flush = (): void => {
    if (!current) return;
    const service = serviceNameFromEnv(current.env);
    out.push({ name: current.name, ...(current.context ? { context: current.context } : {}), ...(service ? { service } : {}) });
    current = undefined;
  };
  const dir = path.dirname(composeFile);
  for (const raw of lines) {
    const line = raw.replace(/\s+#.*$/, '');
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    const t = line.trim();
    if (indent === 0) {
      flush();
      inServices = t === 'services:';
      serviceIndent = -1;
      continue;
    }
    if (!inServices) continue;
    if (serviceIndent < 0) serviceIndent = indent;
    if (indent === serviceIndent) {
      flush();
      const m = /^["']?([\w.-]+)["']?:\s*$/.exec(t);
      current = m ? { name: m[1]!, env: new Map() } : undefined;
      block = undefined;
      continue;
    }
    if (!current) continue;
    if (block && indent <= blockIndent) block = undefined;
    if (!block) {
      const kv = /^(build|environment):\s*(.*)$/.exec(t);
      if (!kv) continue;
      if (kv[1] === 'build' && kv[2]) current.context = path.resolve(dir, unquote(kv[2].trim()));
      else if (!kv[2]) {
        block = kv[1] as 'build' | 'environment';
        blockIndent = indent;
      }
      continue;
    }
    if (block === 'build') {
      const m = /^context:\s*(.+)$/.exec(t);
      if (m) current.context = path.resolve(dir, unquote(m[1]!.trim()));
    } else {
      const m = /^-?\s*["']?([A-Za-z_][\w.]*)["']?\s*[:=]\s*(.*)$/.exec(t);
      if (m) current.env.set(m[1]!, unquote(m[2]!.trim()));
    }
  }
  flush();
  return out;
}
