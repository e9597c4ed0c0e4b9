import { shutdownTelemetry } from './instrument'; // first: instruments http and express before they load
import express from 'express';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { PORTS, serviceUrl } from './lib/config';
import { requestJson } from './lib/httpJson';
import { serve } from './lib/serve';

const tracer = trace.getTracer('shop-gateway', '1.0.0');
const app = express();
app.use(express.json());

app.get('/products', async (_req, res) => {
  const reply = await tracer.startActiveSpan('catalog.list', async (span) => {
    try {
      return await requestJson('GET', `${serviceUrl('inventory')}/stock`);
    } finally {
      span.end();
    }
  });
  res.status(reply.status).json(reply.body);
});

app.post('/checkout', async (req, res) => {
  const reply = await tracer.startActiveSpan('checkout.submit', async (span) => {
    try {
      const answer = await requestJson('POST', `${serviceUrl('orders')}/orders`, req.body);
      if (answer.status >= 400) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: `orders answered ${answer.status}` });
      }
      return answer;
    } finally {
      span.end();
    }
  });
  res.status(reply.status).json(reply.body);
});

app.get('/report', async (_req, res) => {
  const reply = await requestJson('GET', `${serviceUrl('orders')}/orders/report`);
  res.status(reply.status).json(reply.body);
});

serve(app, { name: 'gateway', port: PORTS.gateway, shutdownTelemetry });
