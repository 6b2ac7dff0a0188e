import { CausalError } from '../errors/errors';
import { type Event } from '../event/event';
import { checkSameEntity } from '../event/lineage';
import { type ReplicaPort } from '../node/ports';

/**
 * A durable node holds every event, so a commit whose parents it lacks is refused whole (instead of parts of
 * it waiting in the staging area for parents that will not come), and so is one naming as parent an event of
 * another entity (CausalError).
 */
export async function checkParents(node: ReplicaPort, events: readonly Event[]): Promise<void> {
  const inBatch = new Map(events.map((e) => [e.id, e]));
  const wanted = new Map<string, Map<string, Event[]>>();
  for (const e of events) {
    let outside = false;
    for (const p of e.parents) {
      const sibling = inBatch.get(p);
      if (sibling) checkSameEntity(e, sibling);
      else outside = true;
    }
    if (!outside) continue;
    // The usual case: the parents are the entity's current head, whose events this node holds (it stores
    // an event before any head refers to it). No storage read needed.
    const held = await node.loadLocal(e.collection, e.entityId);
    const head = held?.head;
    for (const p of e.parents) {
      if (inBatch.has(p) || head?.includes(p)) continue;
      let byId = wanted.get(e.collection);
      if (!byId) wanted.set(e.collection, (byId = new Map<string, Event[]>()));
      const children = byId.get(p);
      if (children) children.push(e);
      else byId.set(p, [e]);
    }
  }
  for (const [collection, byId] of wanted) {
    await node.ensureCollection(node.metaOf(collection));
    const found = new Map<string, Event>();
    for (const e of await node.storage.getEvents(collection, [...byId.keys()])) found.set(e.id, e);
    const missing = [...byId.keys()].filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw CausalError.commitParentsMissing(missing);
    }
    for (const [id, children] of byId) for (const e of children) checkSameEntity(e, found.get(id) as Event);
  }
}
