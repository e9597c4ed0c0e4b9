import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { goModuleName, gradleRootProjectName, pomArtifactId, pyprojectName } from '../../../../src/core/code/projectManifests';
import { resolveServiceName } from '../../../../src/core/code/serviceName';

const root = path.resolve('/ws');
function files(map: Record<string, string>): (p: string) => Promise<string | undefined> {
  const byPath = new Map(Object.entries(map).map(([k, v]) => [path.join(root, k), v]));
  return async (p) => byPath.get(path.resolve(p));
}

describe('project manifests as service names', () => {
  it('reads pyproject.toml: [project] or [tool.poetry] name, not names of other tables', () => {
    assert.equal(pyprojectName('[build-system]\nrequires = ["setuptools"]\n\n[project]\nname = "orders-api"  # the service\nversion = "1"\n'), 'orders-api');
    assert.equal(pyprojectName("[tool.poetry]\nname = 'billing'\n"), 'billing');
    assert.equal(pyprojectName('[tool.black]\nname = "nope"\n'), undefined);
    assert.equal(pyprojectName('[project.urls]\nname = "nope"\n'), undefined);
  });

  it('reads go.mod: the last path segment, skipping a major-version suffix and comments', () => {
    assert.equal(goModuleName('// shop\nmodule github.com/shop/inventory\n\ngo 1.22\n'), 'inventory');
    assert.equal(goModuleName('module github.com/shop/inventory/v2\n'), 'inventory');
    assert.equal(goModuleName('module "example.com/quoted"\n'), 'quoted');
    assert.equal(goModuleName('go 1.22\n'), undefined);
  });

  it("reads pom.xml: the project's own artifactId, not the parent's or a dependency's", () => {
    const pom = `<?xml version="1.0"?>
<project>
  <!-- <artifactId>commented</artifactId> -->
  <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId></parent>
  <groupId>com.shop</groupId>
  <dependencies><dependency><artifactId>opentelemetry-api</artifactId></dependency></dependencies>
  <artifactId>payments</artifactId>
</project>`;
    assert.equal(pomArtifactId(pom), 'payments');
    assert.equal(pomArtifactId('<project><artifactId>${svc.name}</artifactId></project>'), undefined);
    assert.equal(pomArtifactId('not xml'), undefined);
  });

  it('reads settings.gradle rootProject.name', () => {
    assert.equal(gradleRootProjectName("rootProject.name = 'shipping'\ninclude 'app'"), 'shipping');
    assert.equal(gradleRootProjectName('rootProject.name = "shipping-kts"'), 'shipping-kts');
  });

  it('names the service of a Python, Go or Java file after its nearest manifest, env files first', async () => {
    const readFile = files({
      'py/pyproject.toml': '[project]\nname = "recommendations"\n',
      'go/go.mod': 'module github.com/shop/inventory\n',
      'java/pom.xml': '<project><artifactId>payments</artifactId></project>',
      'java2/.env': 'OTEL_SERVICE_NAME=payments-env\n',
      'java2/pom.xml': '<project><artifactId>payments</artifactId></project>',
    });
    const of = async (file: string): Promise<[string | undefined, string]> => {
      const r = await resolveServiceName({ filePath: path.join(root, file), workspaceRoot: root, readFile });
      return [r.service, r.source];
    };
    assert.deepEqual(await of('py/app/views.py'), ['recommendations', 'project manifest']);
    assert.deepEqual(await of('go/cmd/server/main.go'), ['inventory', 'project manifest']);
    assert.deepEqual(await of('java/src/main/java/com/shop/Pay.java'), ['payments', 'project manifest']);
    assert.deepEqual(await of('java2/src/Pay.java'), ['payments-env', 'env']);
  });
});
