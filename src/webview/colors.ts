// Service colours: a stable palette indexed by the service's position in the payload, tuned per theme kind so
// bars stay legible on light, dark and high-contrast backgrounds.

export type ThemeKind = 'light' | 'dark' | 'hc-dark' | 'hc-light';

/** Hues picked to stay apart from each other; beyond them, hues continue on the golden angle. */
const HUES = [210, 28, 140, 285, 355, 185, 48, 320, 95, 245, 12, 165, 265, 70, 200, 335];

export function serviceHue(index: number): number {
  if (index < HUES.length) return HUES[index]!;
  return (HUES[index % HUES.length]! + 137.508 * Math.floor(index / HUES.length)) % 360;
}

export function serviceColor(index: number, theme: ThemeKind): string {
  const h = Math.round(serviceHue(index));
  switch (theme) {
    case 'light':
      return `hsl(${h} 62% 44%)`;
    case 'dark':
      return `hsl(${h} 58% 58%)`;
    case 'hc-dark':
      return `hsl(${h} 90% 70%)`;
    case 'hc-light':
      return `hsl(${h} 90% 30%)`;
  }
}

/** VS Code puts the theme kind on <body> as a class; the exported page follows the OS setting. */
export function detectTheme(): ThemeKind {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'hc-light';
  if (c.contains('vscode-high-contrast')) return 'hc-dark';
  if (c.contains('vscode-dark')) return 'dark';
  if (c.contains('vscode-light')) return 'light';
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Reads a CSS custom property of <body> (for canvas drawing, which cannot use var()). */
export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}
