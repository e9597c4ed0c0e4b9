// Project names from the manifests of each language's build tool, as service-name candidates: a service is often
// named after its project. Each reader takes the file's text and returns the name, or undefined; they are lenient
// (a manifest we cannot read names nothing) and never evaluate anything.

export interface ProjectManifest {
  /** The file name looked for in each folder. */
  readonly fileName: string;
  readonly read: (text: string) => string | undefined;
}

/** `[project] name = "orders"` (PEP 621) or `[tool.poetry] name = "orders"`. */
export function pyprojectName(text: string): string | undefined {
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    if (section !== 'project' && section !== 'tool.poetry') continue;
    const m = /^name\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(line);
    const name = (m?.[1] ?? m?.[2])?.trim();
    if (name) return name;
  }
  return undefined;
}

/** `module github.com/shop/orders` → `orders` (a major-version suffix `/v2` is skipped). */
export function goModuleName(text: string): string | undefined {
  const m = /^\s*module\s+("?)([^\s"]+)\1/m.exec(text.replace(/\/\/.*$/gm, ''));
  if (!m) return undefined;
  const segments = m[2]!.split('/').filter((s) => s !== '');
  let last = segments.pop();
  if (last && /^v\d+$/.test(last) && segments.length > 0) last = segments.pop();
  return last || undefined;
}

/** The project's own `<artifactId>` (not its parent's, nor a dependency's). */
export function pomArtifactId(text: string): string | undefined {
  const withoutComments = text.replace(/<!--[\s\S]*?-->/g, '');
  const project = /<project\b[^>]*>([\s\S]*)<\/project>/.exec(withoutComments)?.[1];
  if (!project) return undefined;
  // Drop nested blocks that carry artifactIds of other projects, then the first remaining one is the project's.
  const own = project.replace(/<(parent|dependencies|dependencyManagement|build|profiles|reporting|pluginRepositories|repositories|modules)\b[\s\S]*?<\/\1>/g, '');
  const name = /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(own)?.[1];
  return name && !name.includes('${') ? name : undefined;
}

/** `rootProject.name = 'orders'` in settings.gradle(.kts). */
export function gradleRootProjectName(text: string): string | undefined {
  const m = /rootProject\.name\s*=\s*(?:"([^"]+)"|'([^']+)')/.exec(text);
  return (m?.[1] ?? m?.[2])?.trim() || undefined;
}

/** Checked in this order in each folder, after package.json. */
export const projectManifests: readonly ProjectManifest[] = [
  { fileName: 'pyproject.toml', read: pyprojectName },
  { fileName: 'go.mod', read: goModuleName },
  { fileName: 'pom.xml', read: pomArtifactId },
  { fileName: 'settings.gradle', read: gradleRootProjectName },
  { fileName: 'settings.gradle.kts', read: gradleRootProjectName },
];
