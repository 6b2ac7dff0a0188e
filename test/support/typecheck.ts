import { dirname, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '../..');

/**
 * Type-checks files against the project's tsconfig in one program: `virtual` maps absolute paths to source
 * text that exists only in memory (doc examples), `files` are real files. Returns every error, formatted.
 */
export function typeErrors(virtual: ReadonlyMap<string, string>, files: readonly string[] = []): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    resolve(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('tsconfig.json could not be read');
  const options: ts.CompilerOptions = { ...config.options, noEmit: true, incremental: false };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (f) => virtual.get(resolve(f)) ?? readFile(f);
  host.fileExists = (f) => virtual.has(resolve(f)) || fileExists(f);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, onError, create) => {
    const text = virtual.get(resolve(f));
    return text !== undefined
      ? ts.createSourceFile(f, text, lang, true)
      : getSourceFile(f, lang, onError, create);
  };
  host.directoryExists = (d) =>
    ts.sys.directoryExists(d) || [...virtual.keys()].some((k) => dirname(k) === resolve(d));
  const program = ts.createProgram({ rootNames: [...virtual.keys(), ...files], options, host });
  const checked = new Set([...virtual.keys(), ...files.map((f) => resolve(f))]);
  return program
    .getSourceFiles()
    .filter((sf) => checked.has(resolve(sf.fileName)))
    .flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)])
    .map((d) => {
      const where =
        d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const at = d.file ? `${d.file.fileName}:${(where?.line ?? 0) + 1}` : '';
      return `${at}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}
