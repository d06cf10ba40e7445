// Credentials the ingest bench configures on its BFF and then presents on every delivery.
export const PSI_CLIENT = { clientId: 'psi-bench', clientSecret: 'psi-bench-client-secret-0123456789' };
export const METTL_HOOK = { webhookUser: 'mettl-bench', webhookPassword: 'mettl-bench-hook-password-42' };
