export function testFilesMatching(root: string, dir: string, pattern: RegExp): string[];
export function useTestTemplate(root: string): Promise<void>;
