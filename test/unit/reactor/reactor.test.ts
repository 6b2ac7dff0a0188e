import { type Candidate } from '../../../src/reactor/change';
import { FakeEntity, predicate, testReactor } from './support';

function recorder(): {
  calls: string[][];
  handler: { changes: (c: readonly Candidate[]) => void; closed: () => void };
  closed: () => boolean;
} {
  const calls: string[][] = [];
  let closed = false;
  return {
    calls,
    handler: {
      changes: (c) => calls.push(c.map((x) => x.entity.id)),
      closed: () => {
        closed = true;
      },
    },
    closed: () => closed,
  };
}

describe('Reactor routing', () => {
  it('hands each watch all of its candidates of a batch in one call', () => {
    const { reactor, emit } = testReactor();
    const a = recorder();
    const b = recorder();
    reactor.watch('album', predicate('year = 2001'), a.handler);
    reactor.watch('album', predicate('year = 2002'), b.handler);
    emit(
      new FakeEntity('1', { year: 2001 }),
      new FakeEntity('2', { year: 2001 }),
      new FakeEntity('3', { year: 1 }),
    );
    expect(a.calls).toEqual([['1', '2']]);
    expect(b.calls).toEqual([]);
  });

  it('routes a change to the watches tracking the entity even when its new row does not match', () => {
    const { reactor, emit } = testReactor();
    const a = recorder();
    const w = reactor.watch('album', predicate('year = 2001'), a.handler);
    const e = new FakeEntity('1', { year: 2001 });
    w.track('1');
    emit(e.set({ year: 2002 }));
    expect(a.calls).toEqual([['1']]);
    w.untrack('1');
    emit(e.set({ year: 2003 }));
    expect(a.calls).toEqual([['1']]);
  });

  it('routes every change of the collection to a loading watch', () => {
    const { reactor, emit } = testReactor();
    const a = recorder();
    const w = reactor.watch('album', predicate('year = 2001'), a.handler);
    w.loading = true;
    emit(new FakeEntity('1', { year: 5 }), new FakeEntity('2', { year: 5 }, 'artist'));
    expect(a.calls).toEqual([['1']]);
  });

  it('reports a throwing handler and still serves the others', () => {
    const { reactor, emit, errors } = testReactor();
    const a = recorder();
    reactor.watch('album', predicate('true'), {
      changes: () => {
        throw new Error('boom');
      },
      closed: () => undefined,
    });
    reactor.watch('album', predicate('true'), a.handler);
    emit(new FakeEntity('1', {}));
    expect(errors.map((e) => e.message)).toEqual(['boom']);
    expect(a.calls).toEqual([['1']]);
  });

  it('stops routing to closed watches and closes every watch when it closes', () => {
    const { reactor, emit } = testReactor();
    const a = recorder();
    const b = recorder();
    reactor.watch('album', predicate('true'), a.handler).close();
    reactor.watch('album', predicate('true'), b.handler);
    emit(new FakeEntity('1', {}));
    expect(a.calls).toEqual([]);
    expect(reactor.size).toBe(1);
    reactor.close();
    expect(b.closed()).toBe(true);
    expect(reactor.size).toBe(0);
  });
});
