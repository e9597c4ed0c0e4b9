// Which frame of a stack is the user's: the innermost one that is not a library frame and that resolves to a file of
// the workspace, through the lenses' path mapping (spanlens.pathMappings, else the longest unique shared path tail)
// and, for built JavaScript, its source map. The I/O (finding and reading files) is the caller's: the extension asks
// VS Code, the CLI the file system.
import * as path from 'node:path';
import type { PathMapping } from '../code/pathMapping';
import { applyPathMappings, resolveRecordedPath } from '../code/pathMapping';
import { isLibraryFrame } from './libraryFrames';
import { SourceMap, sourceMapReferenceOf } from './sourceMap';
import type { ParsedStack, StackFrame } from './stackTypes';

export interface WorkspaceFiles {
  /** Workspace files with this base name (any folder, dependencies and build output excluded), absolute paths. */
  filesNamed(baseName: string): Promise<readonly string[]>;
  /** A file's text, or undefined when it cannot be read (also for files outside the workspace: a local build). */
  readFile(file: string): Promise<string | undefined>;
  readonly mappings: readonly PathMapping[];
}

/** A frame placed in the workspace. */
export interface WorkspaceFrame {
  /** Absolute workspace path. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly function: string;
  /** The frame as the stack recorded it (before mapping and source maps). */
  readonly recorded: StackFrame;
  /** How the file was found. */
  readonly via: 'mapped' | 'suffix' | 'source-map';
}

/** Frames tried per stack before giving up: the user's frame is near the top or not there at all. */
const MAX_FRAMES_TRIED = 40;
const JS_FILE = /\.[cm]?js$/i;

/** Resolves frames to workspace files, caching per recorded file and reading each source map once. */
export class WorkspaceFrameResolver {
  private readonly byFile = new Map<string, Promise<{ file: string; via: 'mapped' | 'suffix' } | undefined>>();
  private readonly maps = new Map<string, Promise<SourceMap | undefined>>();

  constructor(private readonly files: WorkspaceFiles) {}

  /** The innermost user frame of the exception, else of its causes in order; undefined when none is in the workspace. */
  async topFrame(stack: ParsedStack): Promise<WorkspaceFrame | undefined> {
    for (const exception of [stack.exception, ...stack.causes]) {
      let tried = 0;
      for (const frame of exception.frames) {
        if (isLibraryFrame(frame, stack.runtime)) continue;
        if (++tried > MAX_FRAMES_TRIED) break;
        const hit = await this.resolveFrame(frame);
        if (hit) return hit;
      }
    }
    return undefined;
  }

  /** One frame → its workspace file and line (through a source map for built JavaScript), or undefined. */
  async resolveFrame(frame: StackFrame): Promise<WorkspaceFrame | undefined> {
    if (JS_FILE.test(frame.file)) {
      const original = await this.throughSourceMap(frame);
      if (original) {
        const placed = await this.resolveFile(original.source);
        if (placed) return { file: placed.file, line: original.line, function: frame.function, recorded: frame, via: 'source-map' };
      }
    }
    const placed = await this.resolveFile(frame.file);
    // A built .js without a map must not land on the .ts of the same name: its line numbers are the build's.
    if (!placed || (JS_FILE.test(frame.file) && !JS_FILE.test(placed.file))) return undefined;
    return { file: placed.file, line: frame.line, function: frame.function, recorded: frame, via: placed.via };
  }

  private resolveFile(recorded: string): Promise<{ file: string; via: 'mapped' | 'suffix' } | undefined> {
    let pending = this.byFile.get(recorded);
    if (!pending) {
      pending = (async () => {
        const base = path.posix.basename(recorded.replace(/\\/g, '/'));
        const candidates = [...(await this.files.filesNamed(base))];
        // A .js recorded from a build may be a .ts in the workspace (suffix matching ignores code extensions).
        if (JS_FILE.test(base)) candidates.push(...(await this.files.filesNamed(base.replace(JS_FILE, '.ts'))));
        const r = resolveRecordedPath(recorded, candidates, this.files.mappings);
        if (r.kind === 'mapped') return { file: r.file, via: 'mapped' as const };
        if (r.kind === 'suffix') return { file: r.file, via: 'suffix' as const };
        return undefined;
      })();
      this.byFile.set(recorded, pending);
    }
    return pending;
  }

  /**
   * The original position of a built-JavaScript frame: the map is looked for beside the recorded file (this machine
   * built and ran it) and beside its workspace counterpart (a mapping, or the same file name in the workspace).
   */
  private async throughSourceMap(frame: StackFrame): Promise<{ source: string; line: number } | undefined> {
    const jsFiles = new Set<string>([frame.file]);
    const mapped = applyPathMappings(frame.file, this.files.mappings);
    if (mapped) jsFiles.add(mapped.file);
    const placed = await this.resolveFile(frame.file);
    if (placed && JS_FILE.test(placed.file)) jsFiles.add(placed.file);
    for (const js of jsFiles) {
      const map = await this.mapOf(js);
      const pos = map?.originalPositionFor(frame.line, frame.column ?? 1);
      if (pos) return { source: pos.source, line: pos.line };
    }
    return undefined;
  }

  private mapOf(jsFile: string): Promise<SourceMap | undefined> {
    let pending = this.maps.get(jsFile);
    if (!pending) {
      pending = (async () => {
        const js = await this.files.readFile(jsFile);
        if (js === undefined) return undefined;
        const ref = sourceMapReferenceOf(js, jsFile);
        if ('inline' in ref) return SourceMap.parse(ref.inline, jsFile);
        const text = await this.files.readFile(ref.file);
        return text === undefined ? undefined : SourceMap.parse(text, ref.file);
      })().catch(() => undefined);
      this.maps.set(jsFile, pending);
    }
    return pending;
  }
}
