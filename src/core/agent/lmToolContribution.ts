// package.json's `contributes.languageModelTools` entries for the agent tool set (VS Code needs them declared
// statically as well as registered at run time).
import { AGENT_TOOLS } from './agentTools';

export function lmToolContribution(): Record<string, unknown>[] {
  return AGENT_TOOLS.map((t) => ({
    name: t.name,
    displayName: `Span Lens: ${t.title}`,
    toolReferenceName: t.name.replace(/^spanlens_/, 'spanlens-').replace(/_/g, '-'),
    canBeReferencedInPrompt: true,
    icon: '$(pulse)',
    when: 'isWorkspaceTrusted',
    tags: ['traces', 'observability', 'spanlens'],
    userDescription: t.title,
    modelDescription: t.description,
    inputSchema: t.inputSchema,
  }));
}
