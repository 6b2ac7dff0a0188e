/** The type-level view of a model class's fields: what `create`, `set`, `get` and `text` accept. */

type IfEquals<X, Y, A, B> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? A : B;

type WritableKeys<M> = {
  [K in keyof M]-?: IfEquals<{ [Q in K]: M[K] }, { -readonly [Q in K]: M[K] }, K, never>;
}[keyof M];

type DataKeys<M> = { [K in keyof M]-?: M[K] extends (...args: never[]) => unknown ? never : K }[keyof M];

/** The keys of M that are neither readonly (getters) nor methods, and are strings: its data fields. */
export type FieldKeys<M> = WritableKeys<M> & DataKeys<M> & string;

/** The fields of M that hold strings: the only ones a `@Text` field can be. */
export type TextKeys<M> = {
  [K in FieldKeys<M>]-?: NonNullable<M[K]> extends string ? K : never;
}[FieldKeys<M>];

/** The fields of M declared optional (`year?: number`). */
type OptionalKeys<M> = { [K in FieldKeys<M>]-?: object extends Pick<M, K> ? K : never }[FieldKeys<M>];

/**
 * Initial values for `create`: the model's data fields (no getters, no methods), those declared without `?`
 * required, the `?` ones optional.
 */
export type CreateData<M> = { [K in Exclude<FieldKeys<M>, OptionalKeys<M>>]: M[K] } & {
  [K in OptionalKeys<M>]?: M[K];
};

/** The arguments of `create` after the model: the data, optional only when every field is. */
export type CreateArgs<M> = object extends CreateData<M> ? [data?: CreateData<M>] : [data: CreateData<M>];
