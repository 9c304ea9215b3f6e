import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the server child and `git rev-parse` run there, profile paths are relative to it. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where the benches write their JSON results and CPU profiles (git-ignored). */
export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
