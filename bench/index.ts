/* Runs one benchmark by name: `npm run bench -- core` (or several: `npm run bench -- core query`). */
import 'reflect-metadata';

const known = [
  'core',
  'query',
  'storage',
  'live',
  'dag',
  'sync',
  'peers-like',
  'scale',
  'indexeddb',
] as const;

async function main(): Promise<void> {
  // Names, without options and their values (`--clients 100`).
  const args = process.argv.slice(2);
  const asked = args.filter((a, i) => !a.startsWith('-') && !args[i - 1]?.startsWith('--'));
  const names = asked.length > 0 ? asked : [...known];
  for (const name of names) {
    if (!(known as readonly string[]).includes(name)) {
      console.error(`Unknown benchmark '${name}'. Known: ${known.join(', ')}`);
      process.exitCode = 2;
      return;
    }
    console.log(`\n=== bench ${name} ===`);
    const mod = (await import(`./${name}`)) as { run: () => Promise<void> };
    await mod.run();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
