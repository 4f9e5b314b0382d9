namespace Trent.Crypto.Wrapping;

/// <summary>How imported key material is wrapped under an RSA wrapping key.</summary>
public enum KeyWrapScheme
{
    /// <summary>RSAES-OAEP with SHA-1 (and MGF1 SHA-1) over the material itself.</summary>
    RsaOaepSha1,

    /// <summary>RSAES-OAEP with SHA-256 (and MGF1 SHA-256) over the material itself.</summary>
    RsaOaepSha256,

    /// <summary>RSAES-OAEP SHA-1 over a fresh AES-256 key, then AES Key Wrap with Padding (RFC 5649) of the material.</summary>
    RsaAesKeyWrapSha1,

    /// <summary>RSAES-OAEP SHA-256 over a fresh AES-256 key, then AES Key Wrap with Padding (RFC 5649) of the material.</summary>
    RsaAesKeyWrapSha256,
}
