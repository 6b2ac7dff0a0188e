import { type ModelClass, type ModelMeta } from '../../model/model-meta';
import { modelMeta } from '../../model/registry';
import { type Predicate, type Selection } from '../../query/ast';
import { SCHEMALESS_PRAGMA } from '../../query/parser';
import { printPredicate } from '../../query/printer';

type Leaf = Extract<Predicate, { path: readonly string[] }>;

/** Fetches the ids of a model's entities matching an AnkQL selection, as the caller may see them. */
export type FetchIds = (model: ModelClass, selection: string) => Promise<readonly { readonly id: string }[]>;

/**
 * Rewrites conditions through references (`label.name = 'Warp'`) into id sets (`label IN (…)`) by querying
 * the referenced collection with the rest of the path. Conditions on JSON paths are left alone.
 */
export async function resolveRefPaths(fetch: FetchIds, meta: ModelMeta, sel: Selection): Promise<Selection> {
  const rewrite = async (p: Predicate): Promise<Predicate> => {
    switch (p.kind) {
      case 'and':
      case 'or':
        return { ...p, operands: await Promise.all(p.operands.map(rewrite)) };
      case 'not':
        return { ...p, operand: await rewrite(p.operand) };
      case 'true':
      case 'false':
        return p;
      case 'compare':
      case 'in':
      case 'between':
      case 'isNull':
        return rewriteLeaf(fetch, meta, p, sel.schemaless === true);
    }
  };
  const hasRef = (p: Predicate): boolean => {
    switch (p.kind) {
      case 'and':
      case 'or':
        return p.operands.some(hasRef);
      case 'not':
        return hasRef(p.operand);
      case 'true':
      case 'false':
        return false;
      case 'compare':
      case 'in':
      case 'between':
      case 'isNull':
        return p.path.length > 1 && meta.fields.get(p.path[0] as string)?.type === 'ref';
    }
  };
  if (!hasRef(sel.predicate)) return sel;
  return { ...sel, predicate: await rewrite(sel.predicate) };
}

async function rewriteLeaf(
  fetch: FetchIds,
  meta: ModelMeta,
  p: Leaf,
  schemaless: boolean,
): Promise<Predicate> {
  const [head, ...rest] = p.path;
  const field = head === undefined ? undefined : meta.fields.get(head);
  if (!field?.ref || rest.length === 0 || p.kind === 'isNull') return p;
  const target = modelMeta(field.ref());
  const inner =
    (schemaless ? `${SCHEMALESS_PRAGMA} ` : '') + printPredicate({ ...p, path: rest } as Predicate);
  const views = await fetch(target.ctor as ModelClass, inner);
  return { kind: 'in', path: [field.name], values: views.map((v) => v.id), negated: false, span: p.span };
}
