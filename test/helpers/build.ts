import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'main.js');
const LOCK = join(ROOT, '.data', 'e2e-build.lock');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** dist/ is missing, or some file in src/ changed after it was built. */
function needsBuild(): boolean {
  if (!existsSync(MAIN)) return true;
  return newestSource(join(ROOT, 'src')) > statSync(MAIN).mtimeMs;
}

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/**
 * Makes sure dist/ holds the current build before a test starts `node dist/main.js`. The CI test command builds
 * first, so this is normally a no-op; test files running in parallel take a lock so only one of them builds and
 * no bot loads a file that tsc is rewriting.
 */
export async function ensureBuilt(): Promise<void> {
  if (!needsBuild()) return;
  mkdirSync(join(ROOT, '.data'), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another test file is building; a lock older than the longest build is left over from a killed run.
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > 180_000) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`could not take ${LOCK} to build`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    if (!needsBuild()) return;
    const { code, output } = await run('npm', ['run', 'build', '--silent']);
    if (code !== 0) throw new Error(`npm run build failed (exit ${code}):\n${output}`);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
