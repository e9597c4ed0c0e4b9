// Writes package.json's contributes.languageModelTools from the agent tool set (src/core/agent/agentTools.ts), so
// the declared names, descriptions and schemas are the ones the tools validate with. Edits the text in place (the
// rest of package.json keeps its formatting and escapes).
// Usage: node -r tsx/cjs scripts/lm-tools-contribution.ts   (test/unit/agent/lmToolContribution.test.ts checks it)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lmToolContribution } from '../src/core/agent/lmToolContribution';

const file = path.join(__dirname, '..', 'package.json');
let text = fs.readFileSync(file, 'utf8');
const block = `"languageModelTools": ${JSON.stringify(lmToolContribution(), null, 2).replace(/\n/g, '\n    ')}`;
const start = text.indexOf('"languageModelTools": [');
if (start >= 0) {
  const end = text.indexOf('\n    ]', start) + '\n    ]'.length;
  text = text.slice(0, start) + block + text.slice(end);
} else {
  const end = text.indexOf('\n  },\n  "scripts"');
  if (end < 0) throw new Error('package.json: the end of "contributes" was not found');
  text = `${text.slice(0, end)},\n    ${block}${text.slice(end)}`;
}
JSON.parse(text);
fs.writeFileSync(file, text);
