// The error groups that concern one function, for the hover of its lens: those thrown inside it (the group's
// workspace frame lies in the function's lines) and those recorded on the spans it makes (same service, one of the
// operations its lens counts). Thrown-inside groups come first: they are the function's own bugs.
import type { ErrorGroup } from './errorGroups';

export interface FunctionScope {
  /** True when `file` (a group's workspace path) is the function's file. */
  readonly isFile: (file: string) => boolean;
  /** The function's lines, 0-based and inclusive (a Range's start and end lines); several for a line of many spans. */
  readonly lines: readonly { readonly start: number; readonly end: number }[];
  /** The spans it makes: the service each resolved to and the operations its lens counts. */
  readonly spans: readonly { readonly service: string; readonly operations: readonly string[] }[];
}

export interface FunctionErrorGroup {
  readonly group: ErrorGroup;
  /** Thrown inside the function (else only recorded on its spans). */
  readonly thrownHere: boolean;
}

/** Matching groups, thrown-inside first, each list in the groups' own order (most traces first). */
export function errorGroupsOfFunction(groups: readonly ErrorGroup[], scope: FunctionScope): FunctionErrorGroup[] {
  const inside = (g: ErrorGroup): boolean => {
    const loc = g.location;
    if (!loc?.inWorkspace || !scope.isFile(loc.file)) return false;
    const line = loc.line - 1;
    return scope.lines.some((r) => line >= r.start && line <= r.end);
  };
  const keys = new Set(scope.spans.flatMap((s) => s.operations.map((op) => `${s.service}\u0000${op}`)));
  const onSpans = (g: ErrorGroup): boolean => g.operations.some((o) => keys.has(`${o.service}\u0000${o.operation}`));
  const thrown: FunctionErrorGroup[] = [];
  const recorded: FunctionErrorGroup[] = [];
  for (const group of groups) {
    if (inside(group)) thrown.push({ group, thrownHere: true });
    else if (onSpans(group)) recorded.push({ group, thrownHere: false });
  }
  return [...thrown, ...recorded];
}
