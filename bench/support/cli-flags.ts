/** Prints the usage and exits 0 when --help was given. */
export function exitWithUsageIf(help: boolean | undefined, usage: string): void {
  if (!help) return;
  process.stdout.write(usage);
  process.exit(0);
}

/** A flag's value as an integer ≥ `min`; throws (appending `usage`, if given) otherwise. */
export function integerFlag(name: string, value: string, min: number, usage?: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} must be an integer ≥ ${min}, not ${value}${usage ? `\n\n${usage}` : ''}`);
  return n;
}
