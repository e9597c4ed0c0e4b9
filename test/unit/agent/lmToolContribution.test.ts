import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lmToolContribution } from '../../../src/core/agent/lmToolContribution';
import { repoRoot } from '../../support/fixtures';

describe('package.json: contributes.languageModelTools', () => {
  it('declares every agent tool with the schema and description it runs with, only in trusted workspaces (regenerate: node -r tsx/cjs scripts/lm-tools-contribution.ts)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { contributes: { languageModelTools?: unknown } };
    assert.deepEqual(pkg.contributes.languageModelTools, JSON.parse(JSON.stringify(lmToolContribution())));
    for (const t of lmToolContribution()) assert.equal(t['when'], 'isWorkspaceTrusted');
  });
});
