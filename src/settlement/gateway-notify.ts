/**
 * Alipay's async notify: verified by the gateway's RSA2 signature (not merchant-signed), applied
 * idempotently, answered with the literal `success` (anything else makes Alipay retry for ~25 h).
 */
import type { Logger } from '../core/logger.js';
import type { AlipayParams } from './alipay-sign.js';
import type { PayoutGateway } from './alipay-gateway.js';
import type { SettlementService } from './settlement-service.js';

export type NotifyAnswer = 'success' | 'fail';

export async function handleAlipayNotify(
  deps: { gateway: PayoutGateway; service: SettlementService; logger?: Logger },
  params: AlipayParams,
): Promise<NotifyAnswer> {
  const notice = deps.gateway.parseNotify(params);
  if (!notice) {
    deps.logger?.warn({ notifyId: params.notify_id }, 'gateway notify with a bad signature or app id');
    return 'fail';
  }
  const outcome = await deps.service.handleNotice(notice);
  deps.logger?.info({ outBizNo: notice.outBizNo, outcome: outcome.kind }, 'gateway notify applied');
  // A notify for an out_biz_no we never issued cannot become valid by retrying: acknowledge it.
  return 'success';
}
