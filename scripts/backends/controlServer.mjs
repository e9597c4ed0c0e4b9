// A small HTTP endpoint on 127.0.0.1 through which tests stop and restart the real backends the runner owns (the
// fault tests: "Jaeger stopped while VS Code is open", "started again, empty"). POST /stop {name}, POST /start {name};
// a restart reuses the same ports, so the URLs the tests hold stay valid.
import { createServer } from 'node:http';

/**
 * @param {{ backends: Map<string, { stop: () => Promise<void> }>, restart: (name: string) => Promise<unknown> }} options
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startBackendControl({ backends, restart }) {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > 4096) req.destroy();
    });
    req.on('end', () => {
      handle(req.url ?? '/', body).then(
        (result) => reply(res, 200, result),
        (error) => reply(res, 400, { error: error instanceof Error ? error.message : String(error) }),
      );
    });
  });
  const handle = async (url, body) => {
    const { name } = body ? JSON.parse(body) : {};
    if (typeof name !== 'string' || !backends.has(name)) throw new Error(`unknown backend ${JSON.stringify(name)}; running: ${[...backends.keys()].join(', ')}`);
    if (url === '/stop') {
      await backends.get(name).stop();
      return { stopped: name };
    }
    if (url === '/start') {
      await backends.get(name).stop();
      await restart(name);
      return { started: name };
    }
    throw new Error(`unknown control path ${url}`);
  };
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function reply(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
