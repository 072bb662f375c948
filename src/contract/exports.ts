import { errorResponses } from './common.ts';

/**
 * `GET /api/v1/exports/{signals,initiatives}.{csv,xlsx}`: the answer is the file itself (CSV or
 * XLSX bytes, not JSON); the contract names the error answers.
 */
export const exportRoute = { response: { ...errorResponses } } as const;
