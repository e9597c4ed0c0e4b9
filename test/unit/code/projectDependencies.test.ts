// Dependency names from Python and JVM manifests, for the lint rules that defer to installed instrumentation.
import * as assert from 'node:assert/strict';
import { dependenciesOf, jvmDependencies, pyprojectDependencies, requirementsTxtDependencies } from '../../../src/core/code/projectDependencies';

describe('project dependencies from manifests', () => {
  it('reads requirements.txt: pins, extras, markers, comments and options', () => {
    const text = '# app\nflask==3.1.0\nopentelemetry_instrumentation_requests>=0.50b0 ; python_version > "3.8"\nrequests[socks]\n-r base.txt\n--index-url https://x\n\n';
    assert.deepEqual(requirementsTxtDependencies(text), ['flask', 'opentelemetry-instrumentation-requests', 'requests']);
  });

  it('reads pyproject.toml: PEP 621 dependencies and optional groups, and Poetry tables', () => {
    const pep621 = '[project]\nname = "orders"\ndependencies = [\n  "flask>=3",\n  "opentelemetry-distro",  # auto\n]\n\n[project.optional-dependencies]\ndev = ["pytest"]\n\n[tool.ruff]\nline-length = 100\n';
    assert.deepEqual(pyprojectDependencies(pep621), ['flask', 'opentelemetry-distro', 'pytest']);
    const poetry = '[tool.poetry.dependencies]\npython = "^3.11"\nhttpx = "^0.27"\nopentelemetry-instrumentation-httpx = { version = "*" }\n';
    assert.deepEqual(pyprojectDependencies(poetry), ['httpx', 'opentelemetry-instrumentation-httpx']);
  });

  it('reads pom.xml artifacts and Gradle coordinates', () => {
    const pom = '<project><dependencies><dependency><groupId>io.opentelemetry.instrumentation</groupId><artifactId>opentelemetry-instrumentation-annotations</artifactId></dependency></dependencies></project>';
    assert.deepEqual(jvmDependencies(pom), ['opentelemetry-instrumentation-annotations']);
    assert.deepEqual(dependenciesOf('build.gradle', "implementation 'io.opentelemetry:opentelemetry-api:1.47.0'"), ['opentelemetry-api']);
  });
});
