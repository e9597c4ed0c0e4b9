// missing-propagation: in a file that creates spans by hand, an outgoing call that does not inject the trace
// context starts a new trace on the other side. Quiet when an auto-instrumentation covering the client is installed
// (it injects for you).
import { ts } from 'ts-morph';
import { outgoingPropagationEdits } from '../../fixes/propagationFixes';
import { findOutgoingSites, isPropagated, type OutgoingKind } from '../../fixes/propagationSites';
import type { RawFinding, Rule } from '../ruleTypes';

/** Instrumentation packages that inject context for a kind of call on their own. */
const autoInjectors: Readonly<Record<OutgoingKind, readonly string[]>> = {
  fetch: ['@opentelemetry/instrumentation-undici'],
  axios: ['@opentelemetry/instrumentation-http'],
  http: ['@opentelemetry/instrumentation-http'],
  kafkajs: ['@opentelemetry/instrumentation-kafkajs'],
  amqplib: ['@opentelemetry/instrumentation-amqplib'],
  grpc: ['@opentelemetry/instrumentation-grpc'],
};

const describe: Readonly<Record<OutgoingKind, string>> = {
  fetch: 'fetch request',
  axios: 'axios request',
  http: 'http request',
  kafkajs: 'Kafka message',
  amqplib: 'AMQP message',
  grpc: 'gRPC metadata',
};

export const missingPropagation: Rule = (rc) => {
  const out: RawFinding[] = [];
  if (rc.sites.spanStarts.length === 0 && !rc.sites.usesOtel) return out;
  const deps = new Set(rc.options.project.dependencies ?? []);
  if (deps.has('@opentelemetry/auto-instrumentations-node')) return out;
  const sf = rc.ctx.sourceFile;
  for (const site of findOutgoingSites(sf)) {
    if (autoInjectors[site.kind].some((p) => deps.has(p))) continue;
    if (isPropagated(site)) continue;
    const node = site.node;
    const start = node.getStart(sf);
    const headEnd = ts.isCallExpression(node) ? node.expression.end : node.end;
    out.push({
      rule: 'missing-propagation',
      start,
      end: headEnd,
      message: `This ${describe[site.kind]} does not carry the trace context, so the receiving service starts a new trace. Inject it with propagation.inject(context.active(), headers).`,
      fixes: [
        {
          id: 'propagate',
          title: `Inject trace context into this ${describe[site.kind]}`,
          kind: 'quickfix',
          safe: true,
          edits: () => outgoingPropagationEdits(rc.ctx, site, { tracerName: rc.options.tracerName, spanNameTemplate: rc.options.spanNameTemplate }, rc.claimedNames),
        },
      ],
    });
  }
  return out;
};
