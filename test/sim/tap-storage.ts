import { type Event } from '../../src/event/event';
import { type CommitBatch } from '../../src/storage/engine';
import { MemoryStorage } from '../../src/storage/memory-storage';

/** Memory storage that hands the events of local commits to the simulation while `capturing` is set. */
export class TapStorage extends MemoryStorage {
  capturing = false;
  captured: Event[] = [];

  override async commit(batch: CommitBatch): Promise<void> {
    await super.commit(batch);
    if (this.capturing) this.captured.push(...batch.events);
  }

  /** The events captured since the last call. */
  take(): Event[] {
    const out = this.captured;
    this.captured = [];
    return out;
  }
}
