// The AWS Encryption SDK for JavaScript with a KMS keyring over Trent: the envelope format AWS's own
// customers use, produced and consumed against Trent's GenerateDataKey, Encrypt and Decrypt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KMS, KMSClient, CreateKeyCommand } from '@aws-sdk/client-kms';
import {
  buildClient, CommitmentPolicy, KmsKeyringNode, NodeCachingMaterialsManager, getLocalCryptographicMaterialsCache,
} from '@aws-crypto/client-node';
import { endpoint, region, accountId, credentials } from './env.mjs';

const { encrypt, decrypt, encryptStream, decryptStream } =
  buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const kms = new KMSClient({ endpoint, region, credentials });
// The keyrings call the aggregated KMS client's methods. Every keyring reaches Trent, whatever Region its key ARN names (one endpoint serves them all).
const clientProvider = (keyRegion) => new KMS({ endpoint, region: keyRegion || region, credentials });

async function newKey() {
  return (await kms.send(new CreateKeyCommand({ Description: 'encryption sdk' }))).KeyMetadata.Arn;
}

test('a message round-trips with its encryption context', async () => {
  const keyring = new KmsKeyringNode({ clientProvider, generatorKeyId: await newKey() });
  const context = { tenant: 'acme', purpose: 'test' };
  const plaintext = randomBytes(10_000);
  const { result } = await encrypt(keyring, plaintext, { encryptionContext: context });
  const { plaintext: back, messageHeader } = await decrypt(keyring, result);
  assert.deepEqual(back, plaintext);
  assert.equal(messageHeader.encryptionContext.tenant, 'acme');
  assert.equal(messageHeader.encryptedDataKeys[0].providerId, 'aws-kms');
});

test('a 50 MB stream encrypts and decrypts in frames', async () => {
  const keyring = new KmsKeyringNode({ clientProvider, generatorKeyId: await newKey() });
  const size = 50 * 1024 * 1024;
  const chunk = randomBytes(1024 * 1024);
  const source = () => Readable.from((function* () { for (let i = 0; i < size / chunk.length; i++) yield chunk; })());
  const expected = createHash('sha256');
  for (let i = 0; i < size / chunk.length; i++) expected.update(chunk);

  const encrypted = [];
  await pipeline(source(), encryptStream(keyring, { encryptionContext: { stream: 'yes' } }), async function* (stream) {
    for await (const part of stream) encrypted.push(part);
  });
  const actual = createHash('sha256');
  let length = 0;
  await pipeline(Readable.from(encrypted), decryptStream(keyring), async function* (stream) {
    for await (const part of stream) { actual.update(part); length += part.length; }
  });
  assert.equal(length, size);
  assert.equal(actual.digest('hex'), expected.digest('hex'));
});

test('a message for two keys decrypts with either one alone', async () => {
  const [first, second] = [await newKey(), await newKey()];
  const both = new KmsKeyringNode({ clientProvider, generatorKeyId: first, keyIds: [second] });
  const { result } = await encrypt(both, Buffer.from('two keys'));
  for (const only of [first, second]) {
    const { plaintext } = await decrypt(new KmsKeyringNode({ clientProvider, keyIds: [only] }), result);
    assert.equal(plaintext.toString(), 'two keys');
  }
});

test('a discovery keyring decrypts, and its filter holds it to the account', async () => {
  const keyring = new KmsKeyringNode({ clientProvider, generatorKeyId: await newKey() });
  const { result } = await encrypt(keyring, Buffer.from('discovered'));
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  const discovery = new KmsKeyringNode({ clientProvider, discovery: true, discoveryFilter: { accountIDs: [accountId], partition } });
  assert.equal((await decrypt(discovery, result)).plaintext.toString(), 'discovered');
  const elsewhere = new KmsKeyringNode({ clientProvider, discovery: true, discoveryFilter: { accountIDs: ['999999999999'], partition } });
  await assert.rejects(decrypt(elsewhere, result));
});

test('a keyring of another key is refused', async () => {
  const { result } = await encrypt(new KmsKeyringNode({ clientProvider, generatorKeyId: await newKey() }), Buffer.from('secret'));
  await assert.rejects(decrypt(new KmsKeyringNode({ clientProvider, keyIds: [await newKey()] }), result));
});

test('the caching materials manager reuses one data key for many messages', async () => {
  const keyring = new KmsKeyringNode({ clientProvider: cached(), generatorKeyId: await newKey() });
  const cmm = new NodeCachingMaterialsManager({
    backingMaterials: keyring, cache: getLocalCryptographicMaterialsCache(10), maxAge: 60_000, maxMessagesEncrypted: 10,
  });
  const before = generated;
  const messages = [];
  for (let i = 0; i < 5; i++) {
    messages.push((await encrypt(cmm, Buffer.from(`message ${i}`), { encryptionContext: { batch: '1' } })).result);
  }
  assert.equal(generated - before, 1, 'one GenerateDataKey for five messages');
  for (let i = 0; i < 5; i++) {
    assert.equal((await decrypt(keyring, messages[i])).plaintext.toString(), `message ${i}`);
  }
});

// A client provider that counts GenerateDataKey calls through Trent.
let generated = 0;
function cached() {
  const client = new KMS({ endpoint, region, credentials });
  client.middlewareStack.add((next, context) => (args) => {
    if (context.commandName === 'GenerateDataKeyCommand') generated++;
    return next(args);
  }, { step: 'initialize' });
  return () => client;
}
