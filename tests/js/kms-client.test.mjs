// The AWS SDK for JavaScript v3 against Trent: key lifecycle, typed exceptions, and asymmetric signatures
// checked by node:crypto rather than by Trent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify, createHash } from 'node:crypto';
import {
  KMSClient, CreateKeyCommand, DescribeKeyCommand, EncryptCommand, DecryptCommand, CreateAliasCommand,
  ListAliasesCommand, DisableKeyCommand, EnableKeyCommand, ScheduleKeyDeletionCommand, SignCommand, VerifyCommand,
  GetPublicKeyCommand, NotFoundException, DisabledException, KMSInvalidStateException, InvalidCiphertextException,
} from '@aws-sdk/client-kms';
import { endpoint, region, accountId, credentials } from './env.mjs';

const kms = new KMSClient({ endpoint, region, credentials });

test('a key lives through its lifecycle with AWS ARNs of the client Region', async () => {
  const created = await kms.send(new CreateKeyCommand({ Description: 'js lifecycle' }));
  const key = created.KeyMetadata;
  assert.equal(key.Arn, `arn:${region.startsWith('cn-') ? 'aws-cn' : 'aws'}:kms:${region}:${accountId}:key/${key.KeyId}`);
  assert.equal(key.KeyState, 'Enabled');

  const alias = `alias/js-${Date.now()}`;
  await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyId }));
  const aliases = await kms.send(new ListAliasesCommand({ KeyId: key.KeyId }));
  assert.deepEqual(aliases.Aliases.map((a) => a.AliasName), [alias]);

  const { CiphertextBlob } = await kms.send(new EncryptCommand({
    KeyId: alias, Plaintext: Buffer.from('from javascript'), EncryptionContext: { app: 'js' },
  }));
  const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { app: 'js' } }));
  assert.equal(Buffer.from(decrypted.Plaintext).toString(), 'from javascript');
  assert.equal(decrypted.KeyId, key.Arn);

  await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
  await assert.rejects(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })), DisabledException);
  await kms.send(new EnableKeyCommand({ KeyId: key.KeyId }));
  const scheduled = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
  assert.equal(scheduled.KeyState, 'PendingDeletion');
  await assert.rejects(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })), KMSInvalidStateException);
});

test('errors arrive as the SDK typed exceptions with AWS messages', async () => {
  const missing = '11111111-2222-3333-4444-555555555555';
  await assert.rejects(kms.send(new DescribeKeyCommand({ KeyId: missing })), (error) => {
    assert.ok(error instanceof NotFoundException, `got ${error.name}`);
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.match(error.message, new RegExp(`Key 'arn:aws[-a-z]*:kms:${region}:${accountId}:key/${missing}' does not exist`));
    return true;
  });
  await assert.rejects(kms.send(new DecryptCommand({ CiphertextBlob: Buffer.alloc(80, 2) })), InvalidCiphertextException);
});

for (const [keySpec, algorithm, hash] of [
  ['ECC_NIST_P256', 'ECDSA_SHA_256', 'sha256'],
  ['RSA_2048', 'RSASSA_PSS_SHA_256', 'sha256'],
  ['RSA_3072', 'RSASSA_PKCS1_V1_5_SHA_384', 'sha384'],
]) {
  test(`${keySpec} ${algorithm} signatures verify with node:crypto`, async () => {
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ KeySpec: keySpec, KeyUsage: 'SIGN_VERIFY' }));
    const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: KeyMetadata.KeyId }));
    const publicKey = createPublicKey({ key: Buffer.from(PublicKey), format: 'der', type: 'spki' });
    const message = Buffer.from(`release ${keySpec}`);
    const { Signature } = await kms.send(new SignCommand({
      KeyId: KeyMetadata.KeyId, Message: message, MessageType: 'RAW', SigningAlgorithm: algorithm,
    }));
    const options = algorithm.includes('PSS')
      ? { key: publicKey, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 }
      : { key: publicKey };
    assert.ok(verify(hash, message, options, Buffer.from(Signature)), 'node:crypto rejects the signature');
    assert.ok(!verify(hash, Buffer.from('another message'), options, Buffer.from(Signature)));

    // The DIGEST form signs a digest made here.
    const digest = createHash(hash).update(message).digest();
    const signed = await kms.send(new SignCommand({
      KeyId: KeyMetadata.KeyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: algorithm,
    }));
    assert.ok(verify(hash, message, options, Buffer.from(signed.Signature)));
    const checked = await kms.send(new VerifyCommand({
      KeyId: KeyMetadata.KeyId, Message: message, MessageType: 'RAW', SigningAlgorithm: algorithm, Signature: signed.Signature,
    }));
    assert.equal(checked.SignatureValid, true);
  });
}
