import { createPublicKey, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Clock } from '../core/clock.js';
import type { CoreTables, MerchantsTable } from '../store/tables.js';
import type { Envelope } from '../security/envelope.js';
import { precompile } from '../store/precompiled.js';

export interface MerchantCredentials {
  merchantId: string;
  keyId: string;
  /** Shown once, at creation; stored only envelope-encrypted. */
  secret: string;
}

export interface MerchantKey {
  keyId: string;
  merchantId: string;
  algorithm: 'hmac-sha256' | 'rsa-sha256';
  secret?: string;
  publicKeyPem?: string;
}

export interface Merchant {
  id: string;
  name: string;
  status: string;
  settings: Record<string, unknown>;
  createdAt: string;
}

const toMerchant = (row: MerchantsTable): Merchant => ({
  id: row.id,
  name: row.name,
  status: row.status,
  settings: JSON.parse(row.settings) as Record<string, unknown>,
  createdAt: row.created_at,
});

/** How long a decrypted key stays in memory: signature checks are on every request's hot path. */
const KEY_CACHE_MS = 60_000;

export class MerchantService {
  private readonly keyCache = new Map<string, { key: MerchantKey | undefined; until: number }>();

  /** Every pipeline step reads the merchant's settings: compiled once. */
  private readonly merchantRow;

  constructor(private readonly deps: { db: Kysely<CoreTables>; envelope: Envelope; clock: Clock }) {
    this.merchantRow = precompile(deps.db, 1, ([id]) => deps.db.selectFrom('merchants').selectAll().where('id', '=', id!));
  }

  async create(input: { name: string; settings?: Record<string, unknown>; rsaPublicKeyPem?: string }): Promise<MerchantCredentials & { rsaKeyId?: string }> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 200) throw new AppError('invalid_merchant_name', 400, 'Bad request', { detail: 'the merchant name must be 1 to 200 characters' });
    if (input.rsaPublicKeyPem) {
      try {
        const key = createPublicKey(input.rsaPublicKeyPem);
        if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
      } catch {
        throw new AppError('invalid_public_key', 400, 'Bad request', { detail: 'the public key must be an RSA public key in PEM form' });
      }
    }
    const now = this.deps.clock.now().toISOString();
    const merchantId = newId('mch');
    const keyId = newId('key');
    const secret = randomBytes(32).toString('base64url');
    const rsaKeyId = input.rsaPublicKeyPem ? newId('key') : undefined;
    await this.deps.db.transaction().execute(async (trx) => {
      await trx.insertInto('merchants').values({ id: merchantId, name, status: 'active', settings: JSON.stringify(input.settings ?? {}), created_at: now }).execute();
      const sealed = await this.deps.envelope.encrypt(trx, Buffer.from(secret, 'utf8'), `merchant-key:${keyId}`);
      await trx
        .insertInto('merchant_keys')
        .values({ id: keyId, merchant_id: merchantId, algorithm: 'hmac-sha256', secret_ciphertext: `${sealed.dataKeyId}.${sealed.ciphertext}`, public_key_pem: null, status: 'active', created_at: now })
        .execute();
      if (rsaKeyId) {
        await trx
          .insertInto('merchant_keys')
          .values({ id: rsaKeyId, merchant_id: merchantId, algorithm: 'rsa-sha256', secret_ciphertext: null, public_key_pem: input.rsaPublicKeyPem!, status: 'active', created_at: now })
          .execute();
      }
    });
    return { merchantId, keyId, secret, ...(rsaKeyId ? { rsaKeyId } : {}) };
  }

  async get(merchantId: string): Promise<Merchant | undefined> {
    const [row] = await this.merchantRow(merchantId);
    return row ? toMerchant(row) : undefined;
  }

  async updateSettings(merchantId: string, patch: Record<string, unknown>): Promise<Merchant> {
    const current = await this.get(merchantId);
    if (!current) throw new AppError('merchant_not_found', 404, 'Not found', { detail: 'no such merchant' });
    const settings = { ...current.settings, ...patch };
    await this.deps.db.updateTable('merchants').set({ settings: JSON.stringify(settings) }).where('id', '=', merchantId).execute();
    return { ...current, settings };
  }

  /**
   * The merchant's active HMAC secret. Webhooks are signed with it, so a merchant verifies our calls
   * with the secret it already holds.
   */
  async hmacSecret(merchantId: string): Promise<string | undefined> {
    const row = await this.deps.db
      .selectFrom('merchant_keys')
      .select('id')
      .where('merchant_id', '=', merchantId)
      .where('algorithm', '=', 'hmac-sha256')
      .where('status', '=', 'active')
      .orderBy('created_at', 'asc')
      .executeTakeFirst();
    return row ? (await this.findKey(row.id))?.secret : undefined;
  }

  /** The active key for a signature check, decrypted; cached briefly (misses too, against key-id floods). */
  async findKey(keyId: string): Promise<MerchantKey | undefined> {
    const now = Date.now();
    const cached = this.keyCache.get(keyId);
    if (cached && cached.until > now) return cached.key;
    const row = await this.deps.db
      .selectFrom('merchant_keys')
      .innerJoin('merchants', 'merchants.id', 'merchant_keys.merchant_id')
      .select(['merchant_keys.id', 'merchant_keys.merchant_id', 'merchant_keys.algorithm', 'merchant_keys.secret_ciphertext', 'merchant_keys.public_key_pem'])
      .where('merchant_keys.id', '=', keyId)
      .where('merchant_keys.status', '=', 'active')
      .where('merchants.status', '=', 'active')
      .executeTakeFirst();
    let key: MerchantKey | undefined;
    if (row) {
      key = { keyId: row.id, merchantId: row.merchant_id, algorithm: row.algorithm as MerchantKey['algorithm'] };
      if (row.secret_ciphertext) {
        const dot = row.secret_ciphertext.indexOf('.');
        const plain = await this.deps.envelope.decrypt(
          this.deps.db,
          { dataKeyId: row.secret_ciphertext.slice(0, dot), ciphertext: row.secret_ciphertext.slice(dot + 1) },
          `merchant-key:${row.id}`,
        );
        key.secret = plain.toString('utf8');
      }
      if (row.public_key_pem) key.publicKeyPem = row.public_key_pem;
    }
    if (this.keyCache.size > 10_000) this.keyCache.clear();
    this.keyCache.set(keyId, { key, until: now + KEY_CACHE_MS });
    return key;
  }
}
