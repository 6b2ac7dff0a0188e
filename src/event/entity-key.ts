/** The key of one entity in maps that span collections: collection and id joined by NUL, which neither holds. */
export function entityKey(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}
