"""boto3, the AWS SDK for Python, against Trent with nothing but the standard variables: AWS_ENDPOINT_URL (no
endpoint_url in the code), the credentials and the Region. A key's lifecycle, encryption with a context,
an asymmetric signature and its verification, and typed exceptions."""
import boto3

kms = boto3.client("kms")  # endpoint, credentials and Region all from the environment
assert kms.meta.endpoint_url.startswith("http://127.0.0.1:"), kms.meta.endpoint_url

# Lifecycle: create, alias, describe, disable, enable, schedule and cancel deletion.
key = kms.create_key(Description="boto3", Tags=[{"TagKey": "client", "TagValue": "boto3"}])["KeyMetadata"]
key_id = key["KeyId"]
assert key["KeyState"] == "Enabled" and key["KeySpec"] == "SYMMETRIC_DEFAULT", key
kms.create_alias(AliasName="alias/boto3", TargetKeyId=key_id)
assert kms.describe_key(KeyId="alias/boto3")["KeyMetadata"]["Arn"] == key["Arn"]
kms.disable_key(KeyId=key_id)
assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"
kms.enable_key(KeyId=key_id)
assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "client", "TagValue": "boto3"}]

# Encrypt and decrypt with an encryption context; the wrong context is refused with its own exception.
context = {"tenant": "t1", "purpose": "boto3"}
blob = kms.encrypt(KeyId="alias/boto3", Plaintext=b"hello from boto3", EncryptionContext=context)["CiphertextBlob"]
opened = kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)
assert opened["Plaintext"] == b"hello from boto3" and opened["KeyId"] == key["Arn"], opened
try:
    kms.decrypt(CiphertextBlob=blob, EncryptionContext={"tenant": "t2", "purpose": "boto3"})
except kms.exceptions.InvalidCiphertextException:
    pass
else:
    raise AssertionError("a ciphertext opened under the wrong encryption context")

data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext=context)
assert len(data_key["Plaintext"]) == 32
assert kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"], EncryptionContext=context)["Plaintext"] == data_key["Plaintext"]

# Sign and verify with an ECC key; a changed message does not verify.
signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
signature = kms.sign(KeyId=signing, Message=b"release 1.0", MessageType="RAW", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
assert kms.verify(KeyId=signing, Message=b"release 1.0", MessageType="RAW", Signature=signature,
                  SigningAlgorithm="ECDSA_SHA_256")["SignatureValid"] is True
try:
    kms.verify(KeyId=signing, Message=b"release 1.1", MessageType="RAW", Signature=signature, SigningAlgorithm="ECDSA_SHA_256")
except kms.exceptions.KMSInvalidSignatureException:
    pass
else:
    raise AssertionError("a signature verified over another message")

# Typed exceptions: what boto3 users catch.
try:
    kms.describe_key(KeyId="alias/no-such-alias")
except kms.exceptions.NotFoundException as error:
    assert error.response["Error"]["Code"] == "NotFoundException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
else:
    raise AssertionError("an unknown alias was found")
try:
    kms.create_alias(AliasName="alias/boto3", TargetKeyId=key_id)
except kms.exceptions.AlreadyExistsException:
    pass
else:
    raise AssertionError("an alias was created twice")

deletion = kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
assert deletion["KeyState"] == "PendingDeletion", deletion
try:
    kms.encrypt(KeyId=key_id, Plaintext=b"x")
except kms.exceptions.KMSInvalidStateException:
    pass
else:
    raise AssertionError("a key pending deletion encrypted")
kms.cancel_key_deletion(KeyId=key_id)
assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"

print("boto3: ok")
