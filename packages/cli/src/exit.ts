// What every command shares: its output sink, its exit codes and the error that means "wrong command line". Kept apart
// from the commands so `ca help` and a mistyped command answer without loading the BFF (main.ts loads a command's
// module only to run it).

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

/** Exit codes: 0 fine, 1 a probe or call failed, 2 the config or the command line is wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export class UsageError extends Error {}
