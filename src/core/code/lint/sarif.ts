// Lint results as SARIF 2.1.0, the format code-scanning services (GitHub, Azure DevOps, GitLab) read: one run of the
// Span Lens tool, every rule described once, one result per finding with its file (relative to the folder the
// paths are given against) and 1-based line and column.
import type { Severity } from './lintTypes';

export interface SarifRow {
  /** Workspace-relative path with forward slashes. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
}

export interface SarifRuleInfo {
  readonly id: string;
  readonly description: string;
  readonly defaultSeverity: Severity | 'off';
}

const level = (s: Severity | 'off'): 'error' | 'warning' | 'note' | 'none' => (s === 'error' ? 'error' : s === 'warning' ? 'warning' : s === 'off' ? 'none' : 'note');

export function toSarif(rows: readonly SarifRow[], rules: readonly SarifRuleInfo[], toolVersion: string): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Span Lens',
            version: toolVersion,
            rules: rules.map((r) => ({ id: r.id, shortDescription: { text: r.description }, defaultConfiguration: { level: level(r.defaultSeverity) } })),
          },
        },
        results: rows.map((r) => ({
          ruleId: r.rule,
          level: level(r.severity),
          message: { text: r.message },
          locations: [{ physicalLocation: { artifactLocation: { uri: r.file.replace(/\\/g, '/') }, region: { startLine: r.line, startColumn: r.column } } }],
        })),
      },
    ],
  };
}
