import { shutdownTelemetry } from './instrument'; // first: instruments http and express before they load
import express from 'express';
import { trace } from '@opentelemetry/api';
import { CATALOG, PORTS, RESERVE_QUERY_MS } from './lib/config';
import { serve } from './lib/serve';
import { sleep } from './lib/sleep';

const tracer = trace.getTracer('shop-inventory', '1.0.0');
const app = express();
app.use(express.json());

const onHand = new Map(CATALOG.map((p) => [p.sku, 1_000_000]));
const auditLog: unknown[] = [];

app.get('/stock', async (_req, res) => {
  const items = await tracer.startActiveSpan('inventory.lookup', async (span) => {
    try {
      span.setAttribute('inventory.sku_count', CATALOG.length);
      await sleep(2); // the stock table read
      return CATALOG.map((p) => ({ ...p, onHand: onHand.get(p.sku) ?? 0 }));
    } finally {
      span.end();
    }
  });
  res.json(items);
});

app.post('/reserve', async (req, res) => {
  const { sku, quantity } = req.body as { sku: string; quantity: number };
  const reserved = await tracer.startActiveSpan('inventory.reserve', async (span) => {
    try {
      span.setAttributes({ 'inventory.sku': sku, 'inventory.quantity': quantity });
      await sleep(RESERVE_QUERY_MS); // one database round trip per reservation
      const left = (onHand.get(sku) ?? 0) - quantity;
      if (left < 0) return false;
      onHand.set(sku, left);
      return true;
    } finally {
      span.end();
    }
  });
  res.status(reserved ? 200 : 409).json({ sku, reserved });
});

app.post('/audit', (req, res) => {
  auditLog.push(req.body);
  if (auditLog.length > 1000) auditLog.shift();
  res.status(202).json({ accepted: true });
});

serve(app, { name: 'inventory', port: PORTS.inventory, shutdownTelemetry });
