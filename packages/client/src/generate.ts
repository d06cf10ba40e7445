// The generator behind src/schema.ts, shared by scripts/generate.ts and the test that fails when the committed
// file differs from a fresh generation. Development only: not exported to ATS back ends.
import { buildOpenApi } from '@ca/bff';
import openapiTS, { astToString } from 'openapi-typescript';

const HEADER =
  '// Generated from the BFF\'s /openapi.json by openapi-typescript. Do not edit: run\n' +
  '// `npx -y pnpm@10 --filter @ca/client generate` (a test fails when this file is out of date).\n\n';

export async function generateSchema(): Promise<string> {
  const doc = buildOpenApi('http://127.0.0.1:8787');
  const ast = await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0], { rootTypes: false, exportType: false });
  return HEADER + astToString(ast);
}
