import { describe, expect, it } from '@jest/globals';
import { generateSm2KeyPair, sm2Sign, sm2Verify } from '@guangfo/gm-crypto';
import {
  fromTransportMessage,
  type SignedEvent,
  signingInput,
  sourceCity,
  toTransportMessage,
  type UnsignedEvent,
} from './signed-event.js';

const unsigned: UnsignedEvent<{ b: number; a: string }> = {
  specversion: '1.0',
  id: '7a1c6d2e-3c1b-4f7e-9d59-1c2b3a4d5e6f',
  source: '/guangfo/440100/platform',
  type: 'gov.guangfo.platform.node-announced.v1',
  subject: 'city-node/440100',
  time: '2026-11-27T08:00:00.000Z',
  datacontenttype: 'application/json',
  tocity: '440600',
  correlationid: 'corr-1',
  sigkeyid: 'gz-1',
  data: { b: 1, a: '广州' },
};

describe('signed CloudEvents over the Kafka binary binding', () => {
  it('round-trips through the transport message with the signature intact', () => {
    const keys = generateSm2KeyPair();
    const event: SignedEvent = { ...unsigned, sig: sm2Sign(signingInput(unsigned), keys.privateKey) };
    const msg = toTransportMessage(event);
    expect(msg.key).toBe('city-node/440100');
    expect(msg.headers).toMatchObject({ ce_id: unsigned.id, ce_type: unsigned.type, ce_tocity: '440600', ce_sigkeyid: 'gz-1' });
    const back = fromTransportMessage(msg);
    expect(back).toEqual(event);
    expect(sm2Verify(signingInput(back), back.sig!, keys.publicKey)).toBe(true);
  });

  it('signs every attribute: changing the addressee breaks the signature', () => {
    const keys = generateSm2KeyPair();
    const event: SignedEvent = { ...unsigned, sig: sm2Sign(signingInput(unsigned), keys.privateKey) };
    expect(sm2Verify(signingInput({ ...event, tocity: '441200' }), event.sig!, keys.publicKey)).toBe(false);
    expect(sm2Verify(signingInput({ ...event, data: { b: 2, a: '广州' } }), event.sig!, keys.publicKey)).toBe(false);
  });

  it('maps datacontenttype to content-type only (the Kafka binding), and parses it back from there', () => {
    const keys = generateSm2KeyPair();
    const event: SignedEvent = { ...unsigned, sig: sm2Sign(signingInput(unsigned), keys.privateKey) };
    const msg = toTransportMessage(event);
    expect(msg.headers['content-type']).toBe('application/json');
    expect(msg.headers).not.toHaveProperty('ce_datacontenttype');
    expect(fromTransportMessage(msg).datacontenttype).toBe('application/json');
    // Messages of older nodes carried both headers: still read.
    expect(fromTransportMessage({ ...msg, headers: { ...msg.headers, ce_datacontenttype: 'application/json' } })).toEqual(event);
  });

  it('parses a message as Kafka hands it: key, value and header values as bytes', () => {
    const keys = generateSm2KeyPair();
    const event: SignedEvent = { ...unsigned, sig: sm2Sign(signingInput(unsigned), keys.privateKey) };
    const msg = toTransportMessage(event);
    const bytes = {
      key: Buffer.from(msg.key),
      value: Buffer.from(msg.value),
      headers: Object.fromEntries(Object.entries(msg.headers).map(([k, v]) => [k, Buffer.from(v)])),
    };
    expect(fromTransportMessage(bytes)).toEqual(event);
    // A repeated CloudEvents header is ambiguous: not an event.
    expect(() => fromTransportMessage({ ...bytes, headers: { ...bytes.headers, ce_type: [Buffer.from('a'), Buffer.from('b')] } })).toThrow(
      /repeated/,
    );
  });

  it('rejects a message that is not a CloudEvent', () => {
    expect(() => fromTransportMessage({ key: 'k', headers: {}, value: '{"a":1}' })).toThrow();
  });

  it('reads the city from the source', () => {
    expect(sourceCity('/guangfo/440600/affairs')).toBe('440600');
    expect(sourceCity('/evil/440600')).toBeUndefined();
  });
});
