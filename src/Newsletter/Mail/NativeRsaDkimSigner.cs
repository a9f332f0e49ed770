using System.Security.Cryptography;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace Newsletter.Mail;

/// <summary>
/// MimeKit's DKIM signer with the RSA-SHA256 signature computed by the platform (OpenSSL on Linux) instead of
/// BouncyCastle's managed RSA, which costs several milliseconds per 2048-bit signature. MimeKit still canonicalises
/// and hashes the body and writes the header; only the final hash-and-sign step is replaced, and its output is the
/// same PKCS#1 v1.5 signature.
/// </summary>
internal sealed class NativeRsaDkimSigner(AsymmetricKeyParameter key, RSA rsa, string domain, string selector)
    : DkimSigner(key, domain, selector, DkimSignatureAlgorithm.RsaSha256)
{
    protected override ISigner CreateSigningContext() =>
        SignatureAlgorithm == DkimSignatureAlgorithm.RsaSha256 ? new Sha256RsaContext(rsa) : base.CreateSigningContext();

    /// <summary>The BouncyCastle signer interface MimeKit writes the signed headers into, over .NET's SHA-256 and RSA.</summary>
    private sealed class Sha256RsaContext(RSA rsa) : ISigner
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public string AlgorithmName => "SHA-256withRSA";

        // The key is the one given to the constructor; MimeKit's own parameters are not needed.
        public void Init(bool forSigning, ICipherParameters parameters) => _hash.GetHashAndReset();

        public void Update(byte input) => _hash.AppendData([input]);

        public void BlockUpdate(byte[] input, int inOff, int inLen) => _hash.AppendData(input, inOff, inLen);

        public void BlockUpdate(ReadOnlySpan<byte> input) => _hash.AppendData(input);

        public int GetMaxSignatureSize() => (rsa.KeySize + 7) / 8;

        public byte[] GenerateSignature() =>
            rsa.SignHash(_hash.GetHashAndReset(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        public bool VerifySignature(byte[] signature) =>
            rsa.VerifyHash(_hash.GetHashAndReset(), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        public void Reset() => _hash.GetHashAndReset();
    }
}
