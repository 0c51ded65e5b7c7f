/** Job names of the verification pipeline. Data: `{ orderId, round?, retry? }`. */
export const VERIFY_JOB = 'order.verify';
/** The downgraded batch run of the `batch` carrier-timeout policy: one at a time, later. */
export const VERIFY_BATCH_JOB = 'order.verify.batch';

export interface VerifyJobData {
  orderId: string;
  /** Carrier round to run (0 first; higher after a second verification or re-verification). */
  round?: number;
  /** How many times a carrier outage re-queued this order already. */
  retry?: number;
}
