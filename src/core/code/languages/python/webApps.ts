// The Flask and FastAPI objects routes are registered on, and the prefixes they are mounted under:
// `app = Flask(__name__)`, `bp = Blueprint("users", __name__, url_prefix="/users")`,
// `app.register_blueprint(bp, url_prefix="/api")`; `app = FastAPI()`, `router = APIRouter(prefix="/users")`,
// `app.include_router(router, prefix="/api")`.
//
// The two frameworks join prefixes differently (read in their sources):
// - Flask (sansio/blueprints.py, BlueprintSetupState): the registration's `url_prefix` replaces the blueprint's own;
//   a nested blueprint's prefix is the parent's `rstrip("/") + "/" + lstrip("/")`; a rule joins the same way, and
//   an empty rule is the prefix itself.
// - FastAPI (routing.py): plain concatenation, include prefix + router prefix + path (both must start with "/").
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';
import type { PythonFile } from './pythonFile';
import type { PythonNames } from './pythonNames';
import { argumentOf, assignedName, calleeName, keywordArgument, parentOf } from './pythonSyntax';

export type WebFramework = 'flask' | 'fastapi';

export interface WebObject {
  readonly framework: WebFramework;
  /** An application (routes have no prefix) or a blueprint/router (mounted somewhere). */
  readonly isApp: boolean;
  /** The object's own prefix (Blueprint `url_prefix`, APIRouter `prefix`); undefined when it has none. */
  readonly ownPrefix: string | undefined;
  /** False when the object's own prefix is an expression this file cannot tell. */
  readonly ownPrefixKnown: boolean;
}

interface Mount {
  readonly parent: string;
  /** The registration's prefix; undefined when it gives none. */
  readonly prefix: string | undefined;
  readonly prefixKnown: boolean;
}

export interface Prefix {
  readonly prefix: string;
  /** False when some part of the prefix lies outside this file. */
  readonly known: boolean;
}

const constructors: Readonly<Record<string, { framework: WebFramework; isApp: boolean; prefixKeyword?: string }>> = {
  Flask: { framework: 'flask', isApp: true },
  Blueprint: { framework: 'flask', isApp: false, prefixKeyword: 'url_prefix' },
  FastAPI: { framework: 'fastapi', isApp: true },
  APIRouter: { framework: 'fastapi', isApp: false, prefixKeyword: 'prefix' },
};

export function flaskJoin(prefix: string, rule: string): string {
  return rule === '' ? prefix : `${prefix.replace(/\/+$/, '')}/${rule.replace(/^\/+/, '')}`;
}

export class WebApps {
  private readonly objects = new Map<string, WebObject>();
  private readonly mounts = new Map<string, Mount>();
  readonly importsFlask: boolean;
  readonly importsFastapi: boolean;

  constructor(
    file: PythonFile,
    private readonly names: PythonNames,
  ) {
    this.importsFlask = file.importsModule('flask');
    this.importsFastapi = file.importsModule('fastapi');
    if (!this.importsFlask && !this.importsFastapi) return;
    for (const { node } of file.anchors(/(Flask|Blueprint|FastAPI|APIRouter)[ \t]*\(/g, 'identifier', 1)) {
      const call = parentOf(node)?.type === 'call' ? parentOf(node) : parentOf(parentOf(node));
      if (call?.type !== 'call' || calleeName(call) !== node.text) continue;
      const spec = constructors[node.text]!;
      if ((spec.framework === 'flask' && !this.importsFlask) || (spec.framework === 'fastapi' && !this.importsFastapi)) continue;
      const name = assignedName(call);
      if (!name) continue;
      const prefixExpr = spec.prefixKeyword ? keywordArgument(call, spec.prefixKeyword) : undefined;
      const ownPrefix = prefixExpr ? names.staticString(prefixExpr) : undefined;
      this.objects.set(name, { framework: spec.framework, isApp: spec.isApp, ownPrefix, ownPrefixKnown: !prefixExpr || ownPrefix !== undefined });
    }
    for (const { node } of file.anchors(/(register_blueprint|include_router)[ \t]*\(/g, 'identifier', 1)) this.addMount(node);
  }

  private addMount(method: SyntaxNode): void {
    const attribute = parentOf(method);
    const call = parentOf(attribute);
    if (attribute?.type !== 'attribute' || call?.type !== 'call') return;
    const parent = attribute.childForFieldName('object')?.text.replace(/\s+/g, '');
    const child = argumentOf(call, 0, method.text === 'register_blueprint' ? 'blueprint' : 'router')?.text.replace(/\s+/g, '');
    if (!parent || !child) return;
    const prefixExpr = keywordArgument(call, method.text === 'register_blueprint' ? 'url_prefix' : 'prefix');
    const prefix = prefixExpr ? this.names.staticString(prefixExpr) : undefined;
    this.mounts.set(child, { parent, prefix, prefixKnown: !prefixExpr || prefix !== undefined });
  }

  /** What `receiver` (`app`, `bp`, `self.router`) is, when the file tells or its imports and name make it plain. */
  objectFor(receiver: string): WebObject | undefined {
    const known = this.objects.get(receiver);
    if (known) return known;
    const framework = this.importsFlask && !this.importsFastapi ? 'flask' : this.importsFastapi && !this.importsFlask ? 'fastapi' : undefined;
    if (!framework) return undefined;
    // Imported from the module that creates it: an application by its usual name, else a router mounted elsewhere.
    const isApp = /(^|\.)_?(app|application|api)$/i.test(receiver) && !this.mounts.has(receiver);
    return { framework, isApp, ownPrefix: undefined, ownPrefixKnown: true };
  }

  /** The prefix routes on `receiver` get, from its construction and the mounts of this file. */
  prefixOf(receiver: string, depth = 0): Prefix {
    const object = this.objectFor(receiver);
    if (!object || depth > 8) return { prefix: '', known: false };
    if (object.isApp) return { prefix: '', known: true };
    const mount = this.mounts.get(receiver);
    const own = object.ownPrefix;
    if (object.framework === 'flask') {
      if (!mount) return { prefix: own ?? '', known: false };
      const base = mount.prefix ?? own;
      const parent = this.prefixOf(mount.parent, depth + 1);
      const prefix = base === undefined ? parent.prefix : parent.prefix === '' ? base : flaskJoin(parent.prefix, base);
      return { prefix, known: parent.known && mount.prefixKnown && (mount.prefix !== undefined || object.ownPrefixKnown) };
    }
    if (!mount) return { prefix: own ?? '', known: false };
    const parent = this.prefixOf(mount.parent, depth + 1);
    return { prefix: parent.prefix + (mount.prefix ?? '') + (own ?? ''), known: parent.known && mount.prefixKnown && object.ownPrefixKnown };
  }
}
