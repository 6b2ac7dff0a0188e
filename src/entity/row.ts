/** The row an AnkQL predicate is evaluated over: field values plus `id`. */
type Row = Readonly<Record<string, unknown>>;

/**
 * An entity's row: its values plus its id, the id written last so no field can stand in for it. The one
 * definition behind queries, policy filters, live queries and storage scans.
 */
export function entityRow(id: string, values: Readonly<Record<string, unknown>>): Row {
  return { ...values, id };
}
