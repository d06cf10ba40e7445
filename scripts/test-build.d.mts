export function builtEntry(dir: string, name: "bff" | "ca"): Promise<string | null>;
export function ensureTestBuild(dir: string): Promise<void>;
export function useTestBuild(root: string): Promise<void>;
