#!/usr/bin/env bash
# Asymmetric and HMAC keys through the AWS CLI, with openssl as the independent side of each exchange.
source "$(dirname "$0")/lib.sh"

# Sign with an ECC key; openssl verifies against the public key from get-public-key.
signer=$(kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY | field "['KeyMetadata']['KeyId']")
kms get-public-key --key-id "$signer" | field "['PublicKey']" | base64 -d > "$work/signer.der"
openssl pkey -pubin -inform DER -in "$work/signer.der" -out "$work/signer.pem"
printf 'release-1.2.3.tar.gz contents' > "$work/artifact"
kms sign --key-id "$signer" --message "fileb://$work/artifact" --message-type RAW --signing-algorithm ECDSA_SHA_256 \
  | field "['Signature']" | base64 -d > "$work/artifact.sig"
openssl dgst -sha256 -verify "$work/signer.pem" -signature "$work/artifact.sig" "$work/artifact" > /dev/null || fail "openssl rejected the signature"
[ "$(kms verify --key-id "$signer" --message "fileb://$work/artifact" --signature "fileb://$work/artifact.sig" \
  --signing-algorithm ECDSA_SHA_256 | field "['SignatureValid']")" = True ] || fail "verify"

# Encrypt with openssl under an RSA key's public key; Trent decrypts.
rsa=$(kms create-key --key-spec RSA_2048 --key-usage ENCRYPT_DECRYPT | field "['KeyMetadata']['KeyId']")
kms get-public-key --key-id "$rsa" | field "['PublicKey']" | base64 -d > "$work/rsa.der"
printf 'for the key holder only' > "$work/note"
openssl pkeyutl -encrypt -pubin -keyform DER -inkey "$work/rsa.der" -in "$work/note" -out "$work/note.enc" \
  -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256
kms decrypt --key-id "$rsa" --encryption-algorithm RSAES_OAEP_SHA_256 --ciphertext-blob "fileb://$work/note.enc" \
  | field "['Plaintext']" | base64 -d | cmp -s - "$work/note" || fail "RSA decrypt"

# HMAC keys make and check MACs.
mac_key=$(kms create-key --key-spec HMAC_256 --key-usage GENERATE_VERIFY_MAC | field "['KeyMetadata']['KeyId']")
kms generate-mac --key-id "$mac_key" --message "fileb://$work/note" --mac-algorithm HMAC_SHA_256 | field "['Mac']" | base64 -d > "$work/note.mac"
[ "$(kms verify-mac --key-id "$mac_key" --message "fileb://$work/note" --mac-algorithm HMAC_SHA_256 --mac "fileb://$work/note.mac" \
  | field "['MacValid']")" = True ] || fail "verify-mac"

# A data key pair's public key is the one openssl derives from its private key.
sym=$(kms create-key | field "['KeyMetadata']['KeyId']")
kms generate-data-key-pair --key-id "$sym" --key-pair-spec ECC_NIST_P384 > "$work/pair.json"
field "['PrivateKeyPlaintext']" < "$work/pair.json" | base64 -d > "$work/pair.key"
field "['PublicKey']" < "$work/pair.json" | base64 -d > "$work/pair.pub"
openssl pkey -inform DER -in "$work/pair.key" -pubout -outform DER | cmp -s - "$work/pair.pub" || fail "data key pair"

echo "cli asymmetric: ok"
