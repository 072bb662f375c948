import type { z } from 'zod';
import type { DecideResult } from '../app/decisions.ts';
import type { IncidentView } from '../app/incidents.ts';
import type { GatePassed, GateView, PortfolioView } from '../app/stage-gates.ts';
import type { NotificationPreferenceView } from '../app/notifications/notification-preferences.ts';
import type { InboxSignal as AppInboxSignal } from '../app/signal-inbox.ts';
import type { MAX_NOTE_LENGTH as APP_MAX_NOTE_LENGTH } from '../app/validate-value.ts';
import type { ValidateValueResult } from '../app/validate-value.ts';
import type { StoredAuditEntry } from '../store/audit-store.ts';
import type { DecisionEvent } from '../store/decision-store.ts';
import type { SignalSync } from '../store/signal-store.ts';
import type { auditEntry } from './audit.ts';
import { sameType } from './common.ts';
import type { decideAnswer, decisionEvent } from './decisions.ts';
import type { MAX_NOTE_LENGTH, validateValueAnswer } from './money.ts';
import type { decideGateRoute, gateView, portfolioView } from './gates.ts';
import type { incident } from './incidents.ts';
import type { notificationPreference } from './notification-preferences.ts';
import type { inboxSignal } from './signals.ts';
import type { signalSync } from './state.ts';

/**
 * Compile-time proofs that the contract's shapes are the very types the use-cases take and
 * return (src/app, src/store). Kept apart from the schemas so that the web app, which imports
 * the contract's types, does not type-check the server's modules.
 */

sameType<z.infer<typeof inboxSignal>, AppInboxSignal>(true);
sameType<z.infer<typeof decisionEvent>, DecisionEvent>(true);
sameType<z.infer<typeof decideAnswer>, DecideResult>(true);
sameType<z.infer<typeof validateValueAnswer>, ValidateValueResult>(true);
sameType<typeof MAX_NOTE_LENGTH, typeof APP_MAX_NOTE_LENGTH>(true);
sameType<z.infer<typeof incident>, IncidentView>(true);
sameType<z.infer<typeof auditEntry>, StoredAuditEntry>(true);
sameType<z.infer<typeof notificationPreference>, NotificationPreferenceView>(true);
sameType<z.infer<typeof gateView>, GateView>(true);
sameType<z.infer<typeof portfolioView>, PortfolioView>(true);
sameType<z.infer<(typeof decideGateRoute.response)[201]>, GatePassed>(true);
sameType<z.infer<typeof signalSync>, SignalSync>(true);
