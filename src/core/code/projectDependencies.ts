// The dependencies a non-Node project declares, by name, for the lint rules that stay quiet when an instrumentation
// library is installed (it injects trace context itself): requirements*.txt and pyproject.toml for Python, pom.xml
// for Java. Lenient readers of the text; nothing is evaluated.

/** The manifests looked for, nearest first, for a file of each language. */
export const dependencyManifests: Readonly<Record<string, readonly string[]>> = {
  python: ['requirements.txt', 'requirements-dev.txt', 'pyproject.toml'],
  java: ['pom.xml', 'build.gradle', 'build.gradle.kts'],
};

/** `opentelemetry-instrumentation-requests==0.50b0` → `opentelemetry-instrumentation-requests` (names lower-cased). */
function requirementName(spec: string): string | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec);
  return m ? m[1]!.toLowerCase().replace(/_/g, '-') : undefined;
}

export function requirementsTxtDependencies(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('-'))
    .flatMap((l) => requirementName(l) ?? []);
}

/** PEP 621 `dependencies = [...]` and optional groups, and `[tool.poetry.dependencies]` tables. */
export function pyprojectDependencies(text: string): string[] {
  const out: string[] = [];
  let section = '';
  let inArray = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header && !inArray) {
      section = header[1]!;
      continue;
    }
    if (/^(tool\.poetry\.(dev-)?dependencies|tool\.poetry\.group\.[^.]+\.dependencies)$/.test(section)) {
      const key = /^([A-Za-z0-9._-]+)\s*=/.exec(line)?.[1];
      if (key && key.toLowerCase() !== 'python') out.push(key.toLowerCase());
      continue;
    }
    if (section === 'project' || section === 'project.optional-dependencies' || section === 'dependency-groups') {
      if (/^[A-Za-z0-9._-]*\s*=\s*\[/.test(line)) inArray = !line.includes(']');
      for (const m of line.matchAll(/["']([^"']+)["']/g)) {
        if (inArray || /^(dependencies|[A-Za-z0-9._-]+)\s*=\s*\[/.test(line)) {
          const name = requirementName(m[1]!);
          if (name) out.push(name);
        }
      }
      if (inArray && line.includes(']') && !/^[A-Za-z0-9._-]*\s*=\s*\[/.test(line)) inArray = false;
    }
  }
  return out;
}

/** `<artifactId>` of every `<dependency>` in a pom.xml, and the `group:artifact` coordinates of a Gradle build. */
export function jvmDependencies(text: string): string[] {
  const out: string[] = [];
  // <artifactItem>: what the build downloads besides its dependencies (the Java agent, for one).
  for (const m of text.matchAll(/<(?:dependency|artifactItem)>([\s\S]*?)<\/(?:dependency|artifactItem)>/g)) {
    const artifact = /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(m[1]!)?.[1];
    if (artifact) out.push(artifact);
  }
  for (const m of text.matchAll(/["']([\w.-]+):([\w.-]+)(?::[^"']*)?["']/g)) out.push(m[2]!);
  return out;
}

export function dependenciesOf(manifest: string, text: string): string[] {
  if (/^requirements.*\.txt$/.test(manifest)) return requirementsTxtDependencies(text);
  if (manifest === 'pyproject.toml') return pyprojectDependencies(text);
  return jvmDependencies(text);
}
