import { liveBoard } from '../../../samples/live-board/main';

describe('samples/live-board', () => {
  it('prints a ChangeSet per change and ends with the top three by plays', async () => {
    const lines: string[] = [];
    const run = await liveBoard(30, (l) => lines.push(l));
    expect(run.changeSets[0]).toMatch(/^ChangeSet\(initial, 0 changes, 0 items\)/);
    expect(run.changeSets.some((c) => c.includes('\n  + ') && c.includes('\n  - '))).toBe(true);
    expect(run.finalBoard).toHaveLength(3);
    const plays = run.finalBoard.map((l) => Number(l.split(' ').at(-1)));
    expect(plays).toEqual([...plays].sort((a, b) => b - a));
    expect(lines).toContain('\nFinal board:');
  });
});
