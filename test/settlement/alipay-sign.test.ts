import fc from 'fast-check';
import { AlipaySdk } from 'alipay-sdk';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import {
  alipayTimeToIso, alipayTimestamp, fenToYuanString, responseSignContent, signContent, signNotify, signRequest, signedResponseBody,
  rsa2Verify, verifyNotify, verifyRequest, yuanStringToFen, rsa2Sign, rsa2SignAsync, signRequestAsync, signNotifyAsync, signedResponseBodyAsync,
} from '../../src/settlement/alipay-sign.js';
import { AlipayGateway, parseStatementCsv } from '../../src/settlement/alipay-gateway.js';
import { GatewaySimulator } from '../../src/settlement/gateway-simulator.js';
import { APP_ID, testKeys } from './harness.js';

describe('Alipay RSA2 signing', () => {
  const { app, gateway } = testKeys();

  it('signs off the event loop with exactly the synchronous signature (PKCS#1 v1.5 is deterministic)', async () => {
    for (const text of ['', 'a=1&b=2', '中文 out_biz_no=cr_ord_1&trans_amount=12.30']) expect(await rsa2SignAsync(text, app.privateKeyPem)).toBe(rsa2Sign(text, app.privateKeyPem));
    const params = { app_id: APP_ID, method: 'alipay.fund.trans.uni.transfer', sign_type: 'RSA2', biz_content: '{"out_biz_no":"cr_1"}' };
    expect(await signRequestAsync(params, app.privateKeyPem)).toEqual(signRequest(params, app.privateKeyPem));
    expect(await signNotifyAsync(params, app.privateKeyPem)).toEqual(signNotify(params, app.privateKeyPem));
    expect(await signedResponseBodyAsync('k_response', { code: '10000' }, gateway.privateKeyPem)).toBe(signedResponseBody('k_response', { code: '10000' }, gateway.privateKeyPem));
  });

  it('signs the sorted k=v string without sign and empty values', () => {
    expect(signContent({ b: '2', a: '1', sign: 'x', c: '' })).toBe('a=1&b=2');
    expect(signContent({ b: '2', a: '1', sign_type: 'RSA2' }, ['sign', 'sign_type'])).toBe('a=1&b=2');
  });

  it('our request signature verifies with alipay-sdk (checkNotifySign, RSA2 over sorted params)', () => {
    // The SDK's checkNotifySign verifies "params signed by the holder of alipayPublicKey": give it our app key.
    const sdk = new AlipaySdk({ appId: APP_ID, privateKey: app.privateKeyPem, alipayPublicKey: app.publicKeyPem, keyType: 'PKCS8' });
    const params = signRequest({
      app_id: APP_ID, method: 'alipay.fund.trans.uni.transfer', format: 'JSON', charset: 'utf-8', sign_type: 'RSA2',
      timestamp: '2026-03-10 12:00:00', version: '1.0', notify_url: 'http://127.0.0.1/v1/gateway/alipay/notify',
      biz_content: JSON.stringify({ out_biz_no: 'cr_ord_1', trans_amount: '99.50', product_code: 'TRANS_ACCOUNT_NO_PWD', biz_scene: 'DIRECT_TRANSFER', order_title: '回收 卡', payee_info: { identity: 'a@b.cn', identity_type: 'ALIPAY_LOGON_ID' } }),
    }, app.privateKeyPem);
    expect(sdk.checkNotifySignV2(params)).toBe(true);
    expect(sdk.checkNotifySignV2({ ...params, biz_content: params.biz_content!.replace('99.50', '99.51') })).toBe(false);
  });

  it('the simulator notify verifies with alipay-sdk and with us; tampering is refused', () => {
    const sdk = new AlipaySdk({ appId: APP_ID, privateKey: app.privateKeyPem, alipayPublicKey: gateway.publicKeyPem, keyType: 'PKCS8' });
    const notify = signNotify({ notify_id: 'n1', app_id: APP_ID, msg_method: 'alipay.fund.trans.order.changed', sign_type: 'RSA2', charset: 'utf-8', version: '1.1', biz_content: '{"out_biz_no":"cr_x","status":"SUCCESS","trans_amount":"1.00"}' }, gateway.privateKeyPem);
    expect(sdk.checkNotifySignV2(notify)).toBe(true);
    expect(verifyNotify(notify, gateway.publicKeyPem)).toBe(true);
    expect(verifyNotify({ ...notify, biz_content: notify.biz_content!.replace('1.00', '9.00') }, gateway.publicKeyPem)).toBe(false);
    expect(verifyNotify(notify, app.publicKeyPem)).toBe(false); // someone else's key
  });

  it('signs and verifies any parameter set (property); any changed value breaks it', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z_]{1,12}$/), fc.string({ minLength: 1, maxLength: 30 }), { minKeys: 1, maxKeys: 6 }), fc.nat(), (dict, pick) => {
        const params = { ...dict, sign_type: 'RSA2' };
        delete (params as Record<string, string>).sign;
        const signed = signRequest(params, app.privateKeyPem);
        expect(verifyRequest(signed, app.publicKeyPem)).toBe(true);
        const keys = Object.keys(params);
        const k = keys[pick % keys.length]!;
        expect(verifyRequest({ ...signed, [k]: `${params[k as keyof typeof params]}x` }, app.publicKeyPem)).toBe(false);
      }),
      { numRuns: 30 },
    );
  });

  it('cuts the signed response text out of the raw body', () => {
    const body = signedResponseBody('alipay_x_response', { code: '10000', msg: 'Success', out_biz_no: 'a,"sign"' }, gateway.privateKeyPem);
    const content = responseSignContent(body, 'alipay_x_response')!;
    expect(JSON.parse(content)).toEqual({ code: '10000', msg: 'Success', out_biz_no: 'a,"sign"' });
    expect(rsa2Verify(content, JSON.parse(body).sign, gateway.publicKeyPem)).toBe(true);
  });

  it('converts yuan strings and fen exactly, and CST timestamps', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e12 }), (fen) => {
      expect(yuanStringToFen(fenToYuanString(fen))).toBe(fen);
    }));
    expect(fenToYuanString(5)).toBe('0.05');
    expect(yuanStringToFen('12.3')).toBe(1230);
    expect(() => yuanStringToFen('1.234')).toThrow();
    expect(() => yuanStringToFen('-1')).toThrow();
    expect(alipayTimestamp(new Date('2026-03-10T16:30:00Z'))).toBe('2026-03-11 00:30:00');
    expect(alipayTimeToIso('2026-03-11 00:30:00')).toBe('2026-03-10T16:30:00.000Z');
  });
});

describe('AlipayGateway against the simulator', () => {
  const { app, gateway: gw } = testKeys();
  const clock = new ManualClock(Date.UTC(2026, 2, 10, 4));
  const sim = new GatewaySimulator({ appId: APP_ID, appPublicKeyPem: app.publicKeyPem, clock, keys: gw });
  const adapter = new AlipayGateway({ appId: APP_ID, appPrivateKeyPem: app.privateKeyPem, gatewayPublicKeyPem: gw.publicKeyPem, gatewayUrl: sim.gatewayUrl, transport: sim.transport, clock });

  it('transfers once per out_biz_no, queries, and lists the bill', async () => {
    const req = { outBizNo: 'cr_ord_a', amountFen: 12_345, payee: { identity: 'p@x.cn', identityType: 'ALIPAY_LOGON_ID' as const }, title: 't' };
    const a = await adapter.transfer(req);
    const b = await adapter.transfer(req);
    expect(a.kind).toBe('succeeded');
    expect(b).toEqual(a);
    expect(sim.transferCount('cr_ord_a')).toBe(1);
    expect(await adapter.transfer({ ...req, amountFen: 1 })).toMatchObject({ kind: 'failed', code: 'ORDER_DATA_CONFLICT' });
    expect(await adapter.query('cr_ord_a')).toMatchObject({ kind: 'succeeded' });
    expect(await adapter.query('cr_none')).toEqual({ kind: 'not_found' });
    expect(await adapter.statement('2026-03-10')).toEqual([expect.objectContaining({ outBizNo: 'cr_ord_a', amountFen: 12_345, status: 'SUCCESS' })]);
    expect(await adapter.transfer({ ...req, outBizNo: 'cr_ord_b', payee: { identity: 'nonexist@x.cn', identityType: 'ALIPAY_LOGON_ID' } })).toMatchObject({ kind: 'failed', code: 'PAYEE_NOT_EXIST' });
  });

  it('treats system errors as pending and lost answers as thrown (never as failures)', async () => {
    const req = { outBizNo: 'cr_ord_c', amountFen: 100, payee: { identity: 'p@x.cn', identityType: 'ALIPAY_LOGON_ID' as const }, title: 't' };
    sim.injectFaults('system_error', 'lost_response');
    expect(await adapter.transfer(req)).toMatchObject({ kind: 'pending' });
    await expect(adapter.transfer(req)).rejects.toThrow(/HTTP 502/);
    expect(sim.transferCount('cr_ord_c')).toBe(1);
    expect((await adapter.transfer(req)).kind).toBe('succeeded');
  });

  it('rejects answers signed by another key and requests signed by another app key', async () => {
    const forged = new AlipayGateway({ appId: APP_ID, appPrivateKeyPem: gw.privateKeyPem, gatewayPublicKeyPem: gw.publicKeyPem, gatewayUrl: sim.gatewayUrl, transport: sim.transport, clock });
    expect(await forged.transfer({ outBizNo: 'cr_ord_f', amountFen: 100, payee: { identity: 'p@x.cn', identityType: 'ALIPAY_LOGON_ID' }, title: 't' })).toMatchObject({ kind: 'failed', code: 'isv.invalid-signature' });
    expect(sim.transferCount('cr_ord_f')).toBe(0);
    const distrustful = new AlipayGateway({ appId: APP_ID, appPrivateKeyPem: app.privateKeyPem, gatewayPublicKeyPem: app.publicKeyPem, gatewayUrl: sim.gatewayUrl, transport: sim.transport, clock });
    await expect(distrustful.query('cr_ord_a')).rejects.toThrow(/bad response signature/);
  });

  it('parses bills strictly', () => {
    expect(() => parseStatementCsv('nope\n')).toThrow();
    expect(parseStatementCsv('out_biz_no,order_id,amount,status,pay_date\ncr_1,g1,1.50,SUCCESS,2026-03-10 12:00:00\n')).toEqual([
      { outBizNo: 'cr_1', gatewayOrderId: 'g1', amountFen: 150, status: 'SUCCESS', paidAt: '2026-03-10 12:00:00' },
    ]);
  });
});
