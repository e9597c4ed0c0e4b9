import * as vscode from 'vscode';
import type { LintOptions, RuleId, RuleSetting } from '../../core/code/codeIntel';
import { nearestManifestDependencies, nearestPackageJson } from './projectInfo';

const SEVERITIES = new Set(['off', 'hint', 'info', 'warning', 'error']);

/** Lint options for a document: rule severities from settings, tracer name and dependencies from its package.json. */
export async function lintOptionsFor(uri: vscode.Uri): Promise<LintOptions> {
  const c = vscode.workspace.getConfiguration('spanlens', uri);
  const configured = c.get<Record<string, unknown>>('lint.rules', {});
  const rules: Partial<Record<RuleId, RuleSetting>> = {};
  for (const [id, value] of Object.entries(configured ?? {})) {
    if (typeof value === 'string' && SEVERITIES.has(value)) rules[id as RuleId] = value as RuleSetting;
  }
  const template = c.get<string>('fixes.spanNameTemplate', '{name}');
  const manifest = await nearestManifestDependencies(uri);
  if (manifest) return { rules, ...(template ? { spanNameTemplate: template } : {}), project: { dependencies: manifest } };
  const pkg = await nearestPackageJson(uri);
  return {
    rules,
    ...(pkg?.name ? { tracerName: pkg.name } : {}),
    ...(template ? { spanNameTemplate: template } : {}),
    project: { dependencies: pkg?.dependencies ?? [] },
  };
}

export function lintEnabled(uri?: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration('spanlens', uri).get<boolean>('lint.enabled', true);
}
