import { listAudit, type AuditQuery, type StoredAuditEntry } from '../store/audit-store.ts';
import type { AppContext } from './context.ts';

export type { AuditQuery, StoredAuditEntry } from '../store/audit-store.ts';

/**
 * The audit log read back, oldest first, filtered by person, item (or an item prefix ending in
 * `/`) and time, paged by `after`. Who may read it is the caller's to check (`audit.read`).
 */
export function readAuditLog(ctx: AppContext, query: AuditQuery): Promise<StoredAuditEntry[]> {
  return listAudit(ctx.db, query);
}
