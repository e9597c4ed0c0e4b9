// propagator-not-configured: the project depends on the B3 propagator, but its tracing setup never installs it,
// so B3 headers from other services are ignored and none are sent.
import { addPropagatorSetupEdits, configuresB3, findTracingSetup } from '../../fixes/propagatorSetup';
import type { RawFinding, Rule } from '../ruleTypes';

export const b3PropagatorPackage = '@opentelemetry/propagator-b3';

export const propagatorNotConfigured: Rule = (rc) => {
  const out: RawFinding[] = [];
  if (!(rc.options.project.dependencies ?? []).includes(b3PropagatorPackage)) return out;
  const sf = rc.ctx.sourceFile;
  const site = findTracingSetup(sf);
  if (!site || configuresB3(sf)) return out;
  out.push({
    rule: 'propagator-not-configured',
    start: site.anchor.getStart(sf),
    end: site.anchor.getStart(sf) + site.anchor.getText(sf).split('\n')[0]!.length,
    message: `The project depends on ${b3PropagatorPackage}, but this tracing setup keeps the default W3C propagator only: B3 headers are neither read nor sent. Configure a composite W3C + B3 propagator.`,
    fixes: [
      {
        id: 'add-propagator-setup',
        title: 'Add a W3C + B3 propagator to the tracing setup',
        kind: 'quickfix',
        safe: true,
        edits: () => addPropagatorSetupEdits(rc.ctx, site, rc.options.tracerName),
      },
    ],
  });
  return out;
};
