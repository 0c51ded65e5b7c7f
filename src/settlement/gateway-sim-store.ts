/**
 * Where the payout-gateway simulator keeps its transfers. In memory for unit tests; in the
 * database (tables `sim_gateway_*`) for the dev profile, so that every process of a deployment
 * (serve and its workers) sees one gateway: a transfer made through one process is the same
 * transfer (same out_biz_no, same money movement) for all the others, and the bill lists each once.
 */
import { generateRsaKeyPair, type RsaKeyPair } from './alipay-sign.js';
import { sdb, type SDb, type SimGatewayTransfersTable } from './tables.js';
import { numeric, sharedPrecompile } from '../store/precompiled.js';
import type { Db } from '../store/database.js';

export interface SimTransfer {
  outBizNo: string;
  gatewayOrderId: string;
  amountFen: number;
  payee: string;
  status: 'SUCCESS' | 'FAIL' | 'DEALING';
  transDate: string;
  notifyUrl?: string;
}

export interface SimTransferStore {
  find(outBizNo: string): Promise<SimTransfer | undefined>;
  /** Stores `t` unless the out_biz_no exists; returns what is stored and whether it is new (atomic). */
  create(t: SimTransfer): Promise<{ transfer: SimTransfer; created: boolean }>;
  /** DEALING transfers become SUCCESS; returns them. */
  finishDealing(): Promise<SimTransfer[]>;
  /** Successful transfers whose transfer date (CST) starts with `date`, oldest first. */
  executedOn(date: string): Promise<SimTransfer[]>;
}

export class MemorySimTransferStore implements SimTransferStore {
  private readonly transfers = new Map<string, SimTransfer>();

  async find(outBizNo: string): Promise<SimTransfer | undefined> {
    return this.transfers.get(outBizNo);
  }

  async create(t: SimTransfer): Promise<{ transfer: SimTransfer; created: boolean }> {
    const existing = this.transfers.get(t.outBizNo);
    if (existing) return { transfer: existing, created: false };
    this.transfers.set(t.outBizNo, t);
    return { transfer: t, created: true };
  }

  async finishDealing(): Promise<SimTransfer[]> {
    const done: SimTransfer[] = [];
    for (const t of this.transfers.values()) {
      if (t.status !== 'DEALING') continue;
      t.status = 'SUCCESS';
      done.push(t);
    }
    return done;
  }

  async executedOn(date: string): Promise<SimTransfer[]> {
    return [...this.transfers.values()].filter((t) => t.status === 'SUCCESS' && t.transDate.startsWith(date));
  }
}

const toTransfer = (r: SimGatewayTransfersTable): SimTransfer => ({
  outBizNo: r.out_biz_no,
  gatewayOrderId: r.gateway_order_id,
  amountFen: Number(r.amount_fen),
  payee: r.payee,
  status: r.status as SimTransfer['status'],
  transDate: r.trans_date,
  ...(r.notify_url ? { notifyUrl: r.notify_url } : {}),
});

/** The dev profile's shared gateway state: out_biz_no is the primary key, as Alipay's idempotency key. */
export class DbSimTransferStore implements SimTransferStore {
  constructor(private readonly db: Db) {}

  private get t() {
    return sdb(this.db);
  }

  async find(outBizNo: string): Promise<SimTransfer | undefined> {
    const row = await this.t.selectFrom('sim_gateway_transfers').selectAll().where('out_biz_no', '=', outBizNo).executeTakeFirst();
    return row ? toTransfer(row) : undefined;
  }

  async create(t: SimTransfer): Promise<{ transfer: SimTransfer; created: boolean }> {
    const res = await insertTransfer.run(this.t, t.outBizNo, t.gatewayOrderId, t.amountFen, t.payee, t.status, t.transDate, t.notifyUrl ?? null, new Date().toISOString());
    if (Number(res.numAffectedRows ?? 0) === 1) return { transfer: t, created: true };
    const existing = await this.find(t.outBizNo);
    if (!existing) throw new Error(`simulator transfer ${t.outBizNo} vanished`);
    return { transfer: existing, created: false };
  }

  async finishDealing(): Promise<SimTransfer[]> {
    const rows = await this.t.updateTable('sim_gateway_transfers').set({ status: 'SUCCESS' }).where('status', '=', 'DEALING').returningAll().execute();
    return rows.map(toTransfer);
  }

  async executedOn(date: string): Promise<SimTransfer[]> {
    const rows = await this.t.selectFrom('sim_gateway_transfers').selectAll().where('status', '=', 'SUCCESS')
      .where('trans_date', '>=', date).where('trans_date', '<', `${date}\uffff`).orderBy('created_at').execute();
    return rows.map(toTransfer);
  }
}

/**
 * The dev key pairs, generated once per database and shared by its processes: `app` (ours: we
 * sign requests with it, the simulator verifies) and `gateway` (the simulator's: it signs answers
 * and notifies, we verify). Dev profile only; production keys come from the environment.
 */
export async function sharedDevKeys(db: Db): Promise<{ app: RsaKeyPair; gateway: RsaKeyPair }> {
  const t = sdb(db);
  const load = async (name: 'app' | 'gateway'): Promise<RsaKeyPair> => {
    const found = await t.selectFrom('sim_gateway_keys').selectAll().where('name', '=', name).executeTakeFirst();
    if (found) return { privateKeyPem: found.private_key_pem, publicKeyPem: found.public_key_pem };
    const fresh = generateRsaKeyPair();
    await t.insertInto('sim_gateway_keys')
      .values({ name, private_key_pem: fresh.privateKeyPem, public_key_pem: fresh.publicKeyPem, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    // Another process may have won the race: everyone uses the stored pair.
    const stored = await t.selectFrom('sim_gateway_keys').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
    return { privateKeyPem: stored.private_key_pem, publicKeyPem: stored.public_key_pem };
  };
  return { app: await load('app'), gateway: await load('gateway') };
}

// One transfer per payout: compiled once.
const insertTransfer = sharedPrecompile<never, SDb>(8, (db, [outBizNo, gatewayOrderId, amount, payee, status, transDate, notifyUrl, createdAt]) =>
  db.insertInto('sim_gateway_transfers')
    .values({ out_biz_no: outBizNo!, gateway_order_id: gatewayOrderId!, amount_fen: numeric(amount), payee: payee!, status: status!, trans_date: transDate!, notify_url: notifyUrl!, created_at: createdAt! })
    .onConflict((oc) => oc.column('out_biz_no').doNothing()));
