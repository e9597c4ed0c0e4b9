import express from 'express';
import { PORTS } from './lib/config';
import { serve } from './lib/serve';

/**
 * A tiny in-memory message broker: POST /publish {headers, body}, GET /poll (204 when empty), GET /stats.
 * Like most brokers it emits no spans of its own; producers and consumers carry the trace context in the
 * message headers.
 */
interface Message {
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

const app = express();
app.use(express.json());
const messages: Message[] = [];
let published = 0;
let delivered = 0;
const MAX_DEPTH = 10_000;

app.post('/publish', (req, res) => {
  const { headers, body } = req.body as Partial<Message>;
  if (messages.length >= MAX_DEPTH) {
    res.status(503).json({ error: 'queue full' });
    return;
  }
  messages.push({ headers: headers ?? {}, body });
  published++;
  res.status(202).json({ depth: messages.length });
});

app.get('/poll', (_req, res) => {
  const message = messages.shift();
  if (!message) {
    res.status(204).end();
    return;
  }
  delivered++;
  res.json(message);
});

app.get('/stats', (_req, res) => {
  res.json({ depth: messages.length, published, delivered });
});

serve(app, { name: 'queue', port: PORTS.queue });
