/** Source span of an AST node: [start, end) offsets into the selection text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A literal value after parameter binding. */
export type Literal = string | number | boolean | null;

/** A dotted path: a field, or a path into a JSON field or through a reference (`meta.tags`, `label.name`). */
export type Path = readonly string[];

/** Comparison operators; `<>` is parsed as `!=`. */
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** A boolean predicate over one entity's values. `and`/`or` are n-ary so long chains stay shallow. */
export type Predicate =
  | { readonly kind: 'true'; readonly span: Span }
  | { readonly kind: 'false'; readonly span: Span }
  | { readonly kind: 'and'; readonly operands: readonly Predicate[]; readonly span: Span }
  | { readonly kind: 'or'; readonly operands: readonly Predicate[]; readonly span: Span }
  | { readonly kind: 'not'; readonly operand: Predicate; readonly span: Span }
  | {
      readonly kind: 'compare';
      readonly op: CompareOp;
      readonly path: Path;
      readonly value: Literal;
      readonly span: Span;
      /** Where the literal was written; `[value]`. */
      readonly valueSpans?: readonly Span[];
    }
  | {
      readonly kind: 'in';
      readonly path: Path;
      readonly values: readonly Literal[];
      readonly negated: boolean;
      readonly span: Span;
      /** Where each literal was written, parallel to `values`. */
      readonly valueSpans?: readonly Span[];
    }
  | {
      readonly kind: 'between';
      readonly path: Path;
      readonly low: Literal;
      readonly high: Literal;
      readonly span: Span;
      /** Where the literals were written; `[low, high]`. */
      readonly valueSpans?: readonly Span[];
    }
  | { readonly kind: 'isNull'; readonly path: Path; readonly negated: boolean; readonly span: Span };

/** One ORDER BY key. */
export interface OrderKey {
  readonly path: Path;
  readonly direction: 'asc' | 'desc';
  /** Where the key's path was written. */
  readonly span?: Span;
}

/** A parsed selection: predicate, ordering and limit. */
export interface Selection {
  readonly predicate: Predicate;
  readonly orderBy: readonly OrderKey[];
  readonly limit?: number;
  /** The text it was parsed from, so later errors (schema binding) can point into it. */
  readonly source?: string;
  /** Written with the `@schemaless` pragma: fields the model does not declare may be used. */
  readonly schemaless?: boolean;
}
