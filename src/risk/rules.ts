import type { BlocklistKind } from './blocklist.js';
import type { RiskSettings } from './risk-settings.js';

/** Risk rules are data: evaluated in this order; the first `reject` stops the evaluation. */
export type RiskAction = 'reject' | 'review';
export type RiskDecisionKind = 'approve' | 'review' | 'reject';
export type VelocitySubject = 'seller' | 'ip' | 'device';

export type RiskRule =
  | { id: string; kind: 'blocklist'; subjects: BlocklistKind[]; action: RiskAction }
  | { id: string; kind: 'duplicate_card'; action: RiskAction }
  | { id: string; kind: 'recognition_confidence'; min: number; action: RiskAction }
  | { id: string; kind: 'velocity'; subject: VelocitySubject; max: number; windowMs: number; action: RiskAction }
  | { id: string; kind: 'daily_amount'; scope: 'merchant' | 'seller'; limitFen: number; action: RiskAction };

export interface RiskReason {
  rule: string;
  /** Stable failure code (the diagnosis library knows each one). */
  code: string;
  action: RiskAction;
  detail: string;
}

/** The default rule set built from a merchant's settings; limits of 0 drop the rule. */
export function buildRules(s: RiskSettings): RiskRule[] {
  const rules: RiskRule[] = [
    { id: 'blocklist', kind: 'blocklist', subjects: ['merchant', 'seller', 'ip', 'device', 'card'], action: 'reject' },
    { id: 'duplicate_card', kind: 'duplicate_card', action: 'reject' },
    { id: 'recognition_confidence', kind: 'recognition_confidence', min: s.minRecognitionConfidence, action: 'review' },
  ];
  const v = s.velocity;
  if (v.perSeller > 0) rules.push({ id: 'velocity_seller', kind: 'velocity', subject: 'seller', max: v.perSeller, windowMs: v.windowMs, action: s.velocityAction });
  if (v.perIp > 0) rules.push({ id: 'velocity_ip', kind: 'velocity', subject: 'ip', max: v.perIp, windowMs: v.windowMs, action: s.velocityAction });
  if (v.perDevice > 0) rules.push({ id: 'velocity_device', kind: 'velocity', subject: 'device', max: v.perDevice, windowMs: v.windowMs, action: s.velocityAction });
  // Amount limits last: a reject earlier on must not consume quota.
  if (s.sellerDailyLimitFen > 0) rules.push({ id: 'daily_amount_seller', kind: 'daily_amount', scope: 'seller', limitFen: s.sellerDailyLimitFen, action: s.limitAction });
  if (s.merchantDailyLimitFen > 0) rules.push({ id: 'daily_amount_merchant', kind: 'daily_amount', scope: 'merchant', limitFen: s.merchantDailyLimitFen, action: s.limitAction });
  return rules;
}

/** Combines hits: any reject → reject, else any review → review, else approve. */
export function decide(reasons: RiskReason[]): RiskDecisionKind {
  if (reasons.some((r) => r.action === 'reject')) return 'reject';
  if (reasons.some((r) => r.action === 'review')) return 'review';
  return 'approve';
}
