using System.Security.Cryptography;
using Trent.Crypto.Sealing;

namespace Trent.Tests.Infrastructure;

/// <summary>Random domain keys for tests that seal without a server.</summary>
internal static class TestSealing
{
    public static DomainKeyRing NewRing(uint versions = 1) =>
        new(Enumerable.Range(1, (int)versions).Select(v => new KeyValuePair<uint, byte[]>((uint)v, RandomNumberGenerator.GetBytes(32))),
            RandomNumberGenerator.GetBytes(32));
}
