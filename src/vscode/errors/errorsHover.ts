import * as vscode from 'vscode';
import { errorGroupsOfFunction } from '../../core/exceptions/functionErrorGroups';
import { occurrenceSentence } from '../../core/exceptions/errorWording';
import { escapeMarkdown } from '../lens/lensTitle';
import type { LensHoverSection } from '../lens/latencyLensProvider';
import type { ErrorGroupsService } from './errorGroupsService';

/** Groups listed in a hover; the Errors view has the rest. */
const MAX_IN_HOVER = 3;

/**
 * The "Errors" part of a lens line's hover: the function's top error groups (thrown inside it first, then those
 * recorded on the spans it makes), from the groups the Errors view shows.
 */
export function errorsHoverSection(service: ErrorGroupsService): LensHoverSection {
  return (document, spans) => {
    const groups = service.report?.groups ?? [];
    if (groups.length === 0 || spans.length === 0) return Promise.resolve(undefined);
    const uri = document.uri.toString();
    const found = errorGroupsOfFunction(groups, {
      isFile: (file) => vscode.Uri.file(file).toString() === uri,
      lines: spans.map((s) => ({ start: s.fn.range.start.line, end: s.fn.range.end.line })),
      spans: spans.flatMap((s) => (s.service && s.stats ? [{ service: s.service, operations: s.stats.operations }] : [])),
    });
    if (found.length === 0) return Promise.resolve(undefined);
    const lines = ['**Errors**', ''];
    for (const { group, thrownHere } of found.slice(0, MAX_IN_HOVER)) {
      const loc = group.location;
      const where = thrownHere && loc ? `, thrown at line ${loc.line}` : loc?.inWorkspace ? `, thrown at ${vscode.workspace.asRelativePath(loc.file)}:${loc.line}` : '';
      // Exception text is untrusted: quoted (one line, controls escaped) by occurrenceSentence, markdown escaped here.
      lines.push(`- ${escapeMarkdown(`${occurrenceSentence(group, service.window)}${where}`)}`);
    }
    if (found.length > MAX_IN_HOVER) lines.push('', `_${found.length - MAX_IN_HOVER} more in the Errors view._`);
    return Promise.resolve(lines.join('\n'));
  };
}
