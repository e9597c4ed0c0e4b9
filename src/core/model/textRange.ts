// Editor-neutral text positions, so core code can describe places and edits without importing 'vscode'.
// The host converts them 1:1 to vscode.Position / vscode.Range / vscode.TextEdit.

/** A place in a text document: 0-based line, 0-based UTF-16 character offset within the line. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

/** A span of text from `start` (inclusive) to `end` (exclusive). */
export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** Replace the text in `range` with `newText` (an empty range inserts). */
export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}
